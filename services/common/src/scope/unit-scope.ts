import type { Action } from '../auth/permissions.ts';
import type { Session } from '../auth/session.ts';
import type { UnitLevel } from '../auth/token-verifier.ts';
import { badInput, forbidden } from '../errors/app-error.ts';
import { identifierArgument } from '../text/identifier-argument.ts';
import { UNIT_CODE_FORMAT } from '../text/text-policy.ts';
import type { ScopedUnit } from '../db/unit-scope.ts';
import { isWriteAction } from '../auth/permissions.ts';
import { displayDate } from '../time/display-date.ts';

/**
 * The units unit-code arguments name, as a request's DataLoader gives them (createUnitLoader,
 * services/common/src/db/unit-scope.ts): the unit a code names today, or nothing.
 */
export type UnitsByCode = {
  load(code: string): Promise<ScopedUnit | null | undefined>;
};

const LEVEL_NAMES: Record<UnitLevel, string> = {
  province: 'tỉnh/thành phố',
  district: 'quận/huyện',
  commune: 'xã/phường',
};

/**
 * The unit a unit-code argument names, refused unless its code is well formed, it names a unit (of
 * `level`, when asked), and the caller's scope covers it for `action`: reading, any unit the caller
 * reads across eras; changing, a unit in force under the caller's own unit. The one place that turns
 * a `unitCode` argument into a unit.
 */
export async function unitInScope(
  session: Session,
  action: Action,
  unitCode: string,
  units: UnitsByCode,
  options: { field?: string; level?: UnitLevel } = {},
): Promise<ScopedUnit> {
  const field = options.field ?? 'unitCode';
  session.assert(action);
  identifierArgument(unitCode, UNIT_CODE_FORMAT, field, 'Mã đơn vị');
  const unit = await units.load(unitCode);
  if (!unit || (options.level !== undefined && unit.level !== options.level)) {
    const name = options.level ? LEVEL_NAMES[options.level] : 'đơn vị';
    throw badInput(field, `Không tìm thấy ${name} có mã "${unitCode}".`);
  }
  if (!isWriteAction(action)) {
    if (!session.covers(unit.path)) throw forbidden();
    return unit;
  }
  if (unit.validTo !== null) {
    throw badInput(
      field,
      `Đơn vị ${unitCode} (${LEVEL_NAMES[unit.level]}) đã chấm dứt hoạt động từ sau ngày ${displayDate(unit.validTo)}: không ghi được dữ liệu mới cho đơn vị này.`,
    );
  }
  if (!session.coversForWrite(unit.path)) throw forbidden();
  return unit;
}

/**
 * The paths a query is about (filter with `path <@ any(?::ltree[])`): those the unit named by the
 * `unitCode` argument reads across eras, when the caller reads it, else the caller's own. Refuses an
 * unknown unit or one outside the scope.
 */
export async function subtreeFor(
  session: Session,
  action: Action,
  unitCode: string | null | undefined,
  units: UnitsByCode,
  field = 'unitCode',
): Promise<string[]> {
  session.assert(action);
  if (!unitCode) return [...session.readPaths];
  return (await unitInScope(session, action, unitCode, units, { field })).scopePaths;
}
