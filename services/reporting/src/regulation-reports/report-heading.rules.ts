import {
  addMonths,
  badInput,
  currentMonth,
  displayDate,
  displayMonth,
  monthArgument,
  type Month,
} from '@ansinh/common';

/** How far back a regulation report is made: ten years of monthly records. */
export const REPORT_MONTHS_BACK = 120;

/**
 * The month a regulation report is for: `YYYY-MM`, not after next month (next month's payment list is
 * made before the 25th, and decisions may take effect then), nor more than REPORT_MONTHS_BACK back.
 */
export function reportMonth(value: string, field: string, now: Date = new Date()): Month {
  const month = monthArgument(value, field);
  const current = currentMonth(now);
  const last = addMonths(current, 1);
  if (month > last) {
    throw badInput(field, `Chỉ lập được báo cáo đến tháng ${displayMonth(last)}.`);
  }
  const first = addMonths(current, -REPORT_MONTHS_BACK);
  if (month < first) {
    throw badInput(
      field,
      `Chỉ lập được báo cáo của ${REPORT_MONTHS_BACK / 12} năm gần nhất (từ tháng ${displayMonth(first)}).`,
    );
  }
  return month;
}

/** The unit a report is for, as its heading names it. */
export type ReportUnit = {
  id: string;
  code: string;
  /** Tên đầy đủ: `Phường Thành Sen`. */
  name: string;
  /** Its own path and those of the units merged whole into it: the report's rows are under them. */
  scopePaths: string[];
  /** Last day in force (`yyyy-mm-dd`) of a former unit; null while in force. */
  validTo: string | null;
  /** Full names of the units above it, nearest first (`Thành phố Hà Tĩnh`, `Tỉnh Hà Tĩnh`). */
  ancestors: string[];
};

/** `Phường Nam Hà, Thành phố Hà Tĩnh, Tỉnh Hà Tĩnh (đến 30/06/2025)`: the unit and those above it. */
export function unitHeading(unit: Pick<ReportUnit, 'name' | 'validTo' | 'ancestors'>): string {
  const names = [unit.name, ...unit.ancestors].join(', ');
  return unit.validTo ? `${names} (đến ${displayDate(unit.validTo)})` : names;
}

/** The line under a report's title: `Đơn vị: Tỉnh Hà Tĩnh · Kỳ: 11/2026` (the ReportTable's subtitle). */
export function reportSubtitle(
  unit: Pick<ReportUnit, 'name' | 'validTo' | 'ancestors'>,
  period: string,
): string {
  return `Đơn vị: ${unitHeading(unit)} · Kỳ: ${period}`;
}

/** A period of months as officials write it: `04/2020 – 06/2020`, or one month alone. */
export function displayPeriod(fromMonth: Month, toMonth: Month): string {
  return fromMonth === toMonth
    ? displayMonth(fromMonth)
    : `${displayMonth(fromMonth)} – ${displayMonth(toMonth)}`;
}
