import {
  forbidden,
  identifierArgument,
  notFound,
  UNIT_CODE_FORMAT,
  type ScopedUnit,
  type Session,
} from '@ansinh/common';
import type DataLoader from 'dataloader';

/** The unit a code names today (in force, else a former unit that has ended); NOT_FOUND for none. */
export async function unitNamed(
  code: string,
  units: DataLoader<string, ScopedUnit | undefined>,
  field = 'code',
): Promise<ScopedUnit> {
  identifierArgument(code, UNIT_CODE_FORMAT, field, 'Mã đơn vị');
  const unit = await units.load(code);
  if (!unit) throw notFound(`Không tìm thấy đơn vị có mã "${code}".`);
  return unit;
}

/** The unit a code names, which the caller's scope must cover (else FORBIDDEN). */
export async function unitInCallerScope(
  code: string,
  context: { session: Session; loaders: { units: DataLoader<string, ScopedUnit | undefined> } },
  field = 'code',
): Promise<ScopedUnit> {
  const unit = await unitNamed(code, context.loaders.units, field);
  if (!context.session.covers(unit.path)) throw forbidden();
  return unit;
}
