import { AppError, badInput, displayDate, type UnitLevel } from '@ansinh/common';
import type { Day } from '../../applications/working-days.rule.ts';

/** A unit version as registry.v_units publishes it, with the units that took it over. */
export type UnitVersion = {
  id: string;
  code: string;
  fullName: string;
  level: UnitLevel;
  path: string;
  validFrom: Day | null;
  validTo: Day | null;
  /** The units that took it over the day after it ended: one when it went whole into one, more when it was split. */
  successorIds: readonly string[];
};

/** The unit versions a resolution looks at: by code, and the successors by id. */
export type UnitLineage = {
  byCode: ReadonlyMap<string, readonly UnitVersion[]>;
  byId: ReadonlyMap<string, UnitVersion>;
};

/** Reforms chained one after another that a code is followed through (one so far: 1 July 2025). */
const MAX_REFORMS = 5;

const inForce = (unit: UnitVersion, today: Day) =>
  (unit.validFrom === null || unit.validFrom <= today) && (unit.validTo === null || unit.validTo >= today);

const named = (unit: UnitVersion) => `${unit.code} ${unit.fullName}`;

function notACommune(code: string, unit: UnitVersion): AppError {
  return badInput(
    'communeCode',
    `Mã ${code} là mã của ${unit.fullName}, không phải xã/phường: hãy gửi mã xã/phường tiếp nhận hồ sơ.`,
  );
}

/**
 * The commune in force today that a commune code of either era names: a code of a commune in force is
 * that commune (codes were reused by the 2025 reform, and today's use comes first); a code of a commune
 * that has ended is the commune that took it over whole, followed through later reforms. A commune that
 * was split is not guessed (which part a person lives in is decided by a person): BAD_USER_INPUT listing
 * the communes it was split into (`details.successors`). Pure: the lineage comes from registry.v_units.
 */
export function resolveCommune(code: string, lineage: UnitLineage, today: Day): UnitVersion {
  const versions = (lineage.byCode.get(code) ?? []).filter(
    (unit) => unit.validFrom === null || unit.validFrom <= today,
  );
  const current = versions.find((unit) => inForce(unit, today));
  if (current) {
    if (current.level !== 'commune') throw notACommune(code, current);
    return current;
  }
  const ended = [...versions].sort((a, b) => (b.validTo ?? '').localeCompare(a.validTo ?? ''))[0];
  if (!ended) throw badInput('communeCode', `Không tìm thấy xã/phường có mã ${code} trong danh mục.`);
  if (ended.level !== 'commune') throw notACommune(code, ended);
  let unit = ended;
  for (let reform = 0; reform < MAX_REFORMS; reform++) {
    const successors = unit.successorIds
      .map((id) => lineage.byId.get(id))
      .filter((successor): successor is UnitVersion => successor !== undefined);
    if (successors.length === 0) {
      throw badInput(
        'communeCode',
        `${ended.fullName} (mã ${code}) đã chấm dứt hoạt động từ sau ngày ${displayDate(unit.validTo!)} và không có xã/phường kế thừa trong danh mục: hãy gửi mã xã/phường hiện nay.`,
      );
    }
    if (successors.length > 1) {
      const listed = [...successors].sort((a, b) => a.code.localeCompare(b.code));
      throw new AppError(
        'BAD_USER_INPUT',
        `${ended.fullName} (mã ${code}) đã được chia cho nhiều xã/phường (${listed.map(named).join('; ')}): hãy gửi mã xã/phường hiện nay nơi người nộp cư trú.`,
        { field: 'communeCode', details: { successors: listed.map((successor) => successor.code) } },
      );
    }
    unit = successors[0]!;
    if (inForce(unit, today)) return unit;
  }
  throw badInput('communeCode', `Không xác định được xã/phường hiện nay của mã ${code}.`);
}
