import { addDays, displayDate, parseIsoDate } from '../units/unit-dates.ts';

/**
 * The rules of carrying the register across a re-organisation of units (the 1 July 2025 reform):
 * plain functions, used by the carry-over (CLI and job), the review queue and their tests.
 */

/** The change-history reason of the carry-over: `reform 2025-07-01`. */
export const reformReason = (on: string): string => `reform ${on}`;

/** The change-history reason of an assignment out of the review queue: `reform 2025-07-01 assigned`. */
export const assignedReason = (on: string): string => `reform ${on} assigned`;

/** The last day of the units the reform ended: the day before it. */
export const lastDayBefore = (on: string): string => addDays(on, -1);

/**
 * The reform date of a request (`yyyy-mm-dd`), or why it cannot be one: a date on the calendar, not
 * after today (units must not be carried over before they end).
 */
export function checkReformDate(
  text: string,
  today: string,
): { ok: true; on: string } | { ok: false; message: string } {
  const on = parseIsoDate(text);
  if (!on) return { ok: false, message: `Ngày sắp xếp "${text}" không phải ngày yyyy-mm-dd.` };
  if (on > today) {
    return {
      ok: false,
      message: `Chưa đến ngày sắp xếp ${displayDate(on)}: chỉ chuyển đối tượng sang đơn vị mới từ ngày đó.`,
    };
  }
  return { ok: true, on };
}

/** No unit ended the day before `on`: the date names no re-organisation. */
export const noReformOnMessage = (on: string): string =>
  `Không có đơn vị hành chính nào hết hiệu lực ngày ${displayDate(lastDayBefore(on))}: ngày ${displayDate(on)} không phải ngày sắp xếp đơn vị (hãy nhập danh sách đơn vị mới và tệp sáp nhập trước).`;

/** A unit as messages and reports name it. */
export type UnitLabel = { code: string; name: string };

export const unitLabel = (unit: UnitLabel): string => `${unit.code} ${unit.name}`;

/** One entry of the queue, as an assignment checks it. */
export type ReviewToAssign = {
  id: string;
  fromUnit: UnitLabel;
  candidateUnitIds: readonly string[];
  candidates: readonly UnitLabel[];
  assignedUnitId: string | null;
  assignedUnit: UnitLabel | null;
};

/**
 * Why the reviews cannot all be assigned to `target` (null when they can): a unit the old one was not
 * split into, or a person already assigned elsewhere. All or nothing: one refused entry refuses the lot.
 * An entry already assigned to `target` is no problem (assigning again changes nothing).
 */
export function assignmentProblem(
  reviews: readonly ReviewToAssign[],
  target: UnitLabel & { id: string },
): string | null {
  for (const review of reviews) {
    if (review.assignedUnitId !== null && review.assignedUnitId !== target.id) {
      return `Đối tượng này đã được phân về ${review.assignedUnit ? unitLabel(review.assignedUnit) : 'đơn vị khác'}: không phân lại được.`;
    }
    if (!review.candidateUnitIds.includes(target.id)) {
      return `${unitLabel(target)} không phải đơn vị nhận dân của ${unitLabel(review.fromUnit)} (được chia về: ${review.candidates.map(unitLabel).join(', ')}): chỉ phân được về một trong các đơn vị đó.`;
    }
  }
  return null;
}

/**
 * The text an address must contain for a bulk assignment, folded as addresses are compared (see
 * foldText): at least two characters, so that a stray letter does not assign a whole commune.
 */
export function addressFilterProblem(text: string): string | null {
  return text.trim().length < 2 ? 'Hãy nhập ít nhất 2 ký tự của địa chỉ (thôn, xóm, tổ dân phố…).' : null;
}

export type ReformUnit = { id: string; code: string; name: string; level: string };

/** Whole merge: the living persons and households of `from` moved to `to`. */
export type ReformMove = {
  from: ReformUnit;
  to: ReformUnit;
  persons: number;
  households: number;
  /** Households whose code the new unit already had, kept with the old unit's code in front (`18077-L-01`). */
  householdsRenamed: number;
  /** Open duplicate warnings raised on the old unit, now decided by the new one. */
  duplicateWarnings: number;
};

/** Split: the living persons of `from` wait in the review queue for one of `candidates`. */
export type ReformSplit = {
  from: ReformUnit;
  candidates: ReformUnit[];
  /** Entered the queue by this run. */
  queued: number;
  /** Waiting in the queue after this run (not yet assigned). */
  waiting: number;
  /** Already assigned out of the queue. */
  assigned: number;
};

/** Living persons left on a unit that ended without any successor: nobody can carry them. */
export type ReformStranded = { unit: ReformUnit; persons: number };

export type ReformCarryOverReport = {
  on: string;
  dryRun: boolean;
  moves: ReformMove[];
  splits: ReformSplit[];
  stranded: ReformStranded[];
  /** Units that ended the day before (with or without successors), split units among them. */
  endedUnits: number;
  splitUnits: number;
  totals: {
    persons: number;
    households: number;
    householdsRenamed: number;
    duplicateWarnings: number;
    queued: number;
    waiting: number;
  };
  /** Active entitlements approvals carried over (`approvals.carry_entitlements_across_reform`); null when not run. */
  entitlements: number | null;
  seconds: number;
};

/** Sums of the per-unit counts. */
export function reformTotals(
  moves: readonly ReformMove[],
  splits: readonly ReformSplit[],
): ReformCarryOverReport['totals'] {
  const sum = <T>(rows: readonly T[], of: (row: T) => number) =>
    rows.reduce((total, row) => total + of(row), 0);
  return {
    persons: sum(moves, (move) => move.persons),
    households: sum(moves, (move) => move.households),
    householdsRenamed: sum(moves, (move) => move.householdsRenamed),
    duplicateWarnings: sum(moves, (move) => move.duplicateWarnings),
    queued: sum(splits, (split) => split.queued),
    waiting: sum(splits, (split) => split.waiting),
  };
}

const number = (value: number) => value.toLocaleString('vi-VN');

/** The report as the command line prints it, in Vietnamese: per old → new unit, then the split cases. */
export function formatReformReport(report: ReformCarryOverReport): string {
  const lines: string[] = [];
  const verb = report.dryRun ? 'sẽ chuyển' : 'đã chuyển';
  lines.push(
    `${report.dryRun ? 'Chạy thử (không ghi gì)' : 'Chuyển đối tượng'} theo sắp xếp đơn vị hành chính ngày ${displayDate(report.on)}: ${number(report.endedUnits)} đơn vị hết hiệu lực ngày ${displayDate(lastDayBefore(report.on))}, ${number(report.splitUnits)} đơn vị bị chia tách.`,
  );
  if (report.moves.length) {
    lines.push('', 'Sáp nhập nguyên trạng (đơn vị cũ → đơn vị mới):');
    for (const move of report.moves) {
      const extra = [
        move.householdsRenamed
          ? `${number(move.householdsRenamed)} mã hộ trùng được thêm tiền tố ${move.from.code}-`
          : '',
        move.duplicateWarnings ? `${number(move.duplicateWarnings)} cảnh báo trùng đang mở` : '',
      ].filter(Boolean);
      lines.push(
        `  ${unitLabel(move.from)} → ${unitLabel(move.to)}: ${verb} ${number(move.persons)} đối tượng, ${number(move.households)} hộ${extra.length ? ` (${extra.join('; ')})` : ''}`,
      );
    }
  }
  if (report.splits.length) {
    lines.push('', 'Đơn vị bị chia tách (đối tượng chờ tỉnh hoặc xã nhận phân về):');
    for (const split of report.splits) {
      lines.push(
        `  ${unitLabel(split.from)} → ${split.candidates.map(unitLabel).join(' | ')}: ${report.dryRun ? 'sẽ đưa' : 'đã đưa'} ${number(split.queued)} đối tượng vào hàng chờ; đang chờ ${number(split.waiting)}, đã phân ${number(split.assigned)}`,
      );
    }
  }
  if (report.stranded.length) {
    lines.push(
      '',
      'Cảnh báo: đơn vị đã hết hiệu lực mà không có đơn vị kế thừa vẫn còn đối tượng đang sống:',
    );
    for (const stranded of report.stranded) {
      lines.push(`  ${unitLabel(stranded.unit)}: ${number(stranded.persons)} đối tượng`);
    }
  }
  const { totals } = report;
  lines.push(
    '',
    `Tổng: ${verb} ${number(totals.persons)} đối tượng và ${number(totals.households)} hộ; ${report.dryRun ? 'sẽ đưa' : 'đã đưa'} ${number(totals.queued)} đối tượng vào hàng chờ (đang chờ ${number(totals.waiting)}).`,
  );
  if (report.entitlements !== null)
    lines.push(`Chế độ đang hưởng chuyển sang đơn vị mới: ${number(report.entitlements)}.`);
  if (!report.dryRun && totals.persons === 0 && totals.households === 0 && totals.queued === 0) {
    lines.push('Không có gì thay đổi: đã chuyển xong từ trước.');
  }
  lines.push(`Thời gian: ${report.seconds.toFixed(1)} giây.`);
  return lines.join('\n');
}
