import type { Action } from '../auth/permissions.ts';
import type { Session } from '../auth/session.ts';
import type { UnitLevel } from '../auth/token-verifier.ts';
import { badInput, forbidden } from '../errors/app-error.ts';
import { identifierArgument } from '../text/identifier-argument.ts';
import { UNIT_CODE_FORMAT } from '../text/text-policy.ts';

/** What a scope check needs of a unit: its path, and its level where the lookup knows it. */
export type ScopeUnit = { path: string; level?: UnitLevel | undefined };

/**
 * Current units by code, as a request's DataLoader gives them: a path (other subgraphs read
 * `registry.v_units`), a unit (the registry's own), or nothing when no current unit has the code.
 */
export type UnitsByCode = {
  load(code: string): Promise<string | ScopeUnit | null | undefined>;
};

const LEVEL_NAMES: Record<UnitLevel, string> = {
  province: 'tỉnh/thành phố',
  district: 'quận/huyện',
  commune: 'xã/phường',
};

/**
 * The unit a unit-code argument names, refused unless its code is well formed, a current unit has
 * it (of `level`, when asked: a lookup that gives only paths then finds none), and the caller's scope
 * for `action` covers it. The one place that turns a `unitCode` argument into a scope.
 */
export async function unitInScope(
  session: Session,
  action: Action,
  unitCode: string,
  units: UnitsByCode,
  options: { field?: string; level?: UnitLevel } = {},
): Promise<{ code: string; path: string }> {
  const field = options.field ?? 'unitCode';
  session.assert(action);
  identifierArgument(unitCode, UNIT_CODE_FORMAT, field, 'Mã đơn vị');
  const found = await units.load(unitCode);
  const unit = typeof found === 'string' ? { path: found, level: undefined } : found;
  if (!unit || (options.level !== undefined && unit.level !== options.level)) {
    const name = options.level ? LEVEL_NAMES[options.level] : 'đơn vị';
    throw badInput(field, `Không tìm thấy ${name} có mã "${unitCode}".`);
  }
  if (!session.covers(unit.path)) throw forbidden();
  return { code: unitCode, path: unit.path };
}

/**
 * The subtree a query is about: the unit named by the `unitCode` argument when it is within the
 * caller's scope, else the caller's own unit. Refuses an unknown unit or one outside the scope.
 */
export async function subtreeFor(
  session: Session,
  action: Action,
  unitCode: string | null | undefined,
  units: UnitsByCode,
  field = 'unitCode',
): Promise<string> {
  const scope = session.assert(action);
  if (!unitCode) return scope;
  return (await unitInScope(session, action, unitCode, units, { field })).path;
}
