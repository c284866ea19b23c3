import type DataLoader from 'dataloader';
import type { Action } from '../auth/permissions.ts';
import type { Session } from '../auth/session.ts';
import { badInput, forbidden } from '../errors/app-error.ts';
import { identifierArgument } from '../text/identifier-argument.ts';
import { UNIT_CODE_FORMAT } from '../text/text-policy.ts';

/**
 * The subtree a query is about: the unit named by the `unitCode` argument when it is within the
 * caller's scope, else the caller's own unit. Refuses an unknown unit or one outside the scope.
 */
export async function subtreeFor(
  session: Session,
  action: Action,
  unitCode: string | null | undefined,
  unitPaths: DataLoader<string, string | undefined>,
  field = 'unitCode',
): Promise<string> {
  const scope = session.assert(action);
  if (!unitCode) return scope;
  identifierArgument(unitCode, UNIT_CODE_FORMAT, field, 'Mã đơn vị');
  const path = await unitPaths.load(unitCode);
  if (!path) throw badInput(field, `Không tìm thấy đơn vị có mã "${unitCode}".`);
  if (!session.covers(path)) throw forbidden();
  return path;
}
