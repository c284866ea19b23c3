import {
  addMonths,
  badInput,
  currentMonth,
  displayDate,
  isMonth,
  todayInVietnam,
  type Month,
} from '@ansinh/common';
import { ministryMonth } from './missing-months.rules.ts';

/** The longest range of months `missingPaymentLists` answers (five years). */
export const MAX_MONTH_RANGE = 60;

/** The longest range of days `lateDailyUpdates` answers (a quarter). */
export const MAX_DAY_RANGE = 92;

/** Rows of `lateDailyUpdates` in one answer at most (the export has them all). */
export const MAX_ROWS_PER_PAGE = 2_000;
export const DEFAULT_ROWS_PER_PAGE = 500;
/** The farthest a page may start: far above the rows a province's quarter can have. */
export const MAX_ROW_OFFSET = 100_000;

export type MonthRange = { fromMonth: Month; toMonth: Month; months: number };
export type DayRange = { fromDate: string; toDate: string; days: number };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Whether `value` is a real calendar day written `YYYY-MM-DD`. */
export function isCalendarDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  return (
    new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
      .toISOString()
      .slice(0, 10) === value
  );
}

const monthIndex = (month: Month) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

function requiredMonth(value: string | null | undefined, field: string, label: string): Month {
  if (value == null || value === '') throw badInput(field, `Cần nhập ${label} (YYYY-MM, ví dụ 2026-01).`);
  if (!isMonth(value)) throw badInput(field, `${label} phải có dạng YYYY-MM, ví dụ 2026-01.`);
  return value;
}

function requiredDay(value: string | null | undefined, field: string, label: string): string {
  if (value == null || value === '')
    throw badInput(field, `Cần nhập ${label} (YYYY-MM-DD, ví dụ 2026-12-01).`);
  if (!isCalendarDay(value))
    throw badInput(field, `${label} phải là một ngày có thật, dạng YYYY-MM-DD, ví dụ 2026-12-01.`);
  return value;
}

/**
 * The months of a compliance query: both given as `YYYY-MM`, from ≤ to, at most MAX_MONTH_RANGE months
 * (both ends counted), and not after the current month in Vietnam (a month to come has no list yet).
 */
export function monthRangeArguments(
  fromMonth: string | null | undefined,
  toMonth: string | null | undefined,
  fieldPrefix = '',
  now: Date = new Date(),
): MonthRange {
  const from = requiredMonth(fromMonth, `${fieldPrefix}fromMonth`, 'Tháng bắt đầu');
  const to = requiredMonth(toMonth, `${fieldPrefix}toMonth`, 'Tháng kết thúc');
  const current = currentMonth(now);
  if (to > current) {
    throw badInput(
      `${fieldPrefix}toMonth`,
      `Tháng kết thúc không được sau tháng hiện tại (${ministryMonth(current)}).`,
    );
  }
  if (from > to) {
    throw badInput(`${fieldPrefix}fromMonth`, 'Tháng bắt đầu phải trước hoặc trùng tháng kết thúc.');
  }
  const months = monthIndex(to) - monthIndex(from) + 1;
  if (months > MAX_MONTH_RANGE) {
    throw badInput(
      `${fieldPrefix}fromMonth`,
      `Mỗi lần xem được tối đa ${MAX_MONTH_RANGE} tháng (từ ${ministryMonth(addMonths(to, 1 - MAX_MONTH_RANGE))} đến ${ministryMonth(to)}); bạn đã chọn ${months} tháng.`,
    );
  }
  return { fromMonth: from, toMonth: to, months };
}

/**
 * The days of a compliance query: both given as `YYYY-MM-DD`, from ≤ to, at most MAX_DAY_RANGE days
 * (both ends counted), and not after today in Vietnam.
 */
export function dayRangeArguments(
  fromDate: string | null | undefined,
  toDate: string | null | undefined,
  fieldPrefix = '',
  now: Date = new Date(),
): DayRange {
  const from = requiredDay(fromDate, `${fieldPrefix}fromDate`, 'Ngày bắt đầu');
  const to = requiredDay(toDate, `${fieldPrefix}toDate`, 'Ngày kết thúc');
  const today = todayInVietnam(now);
  if (to > today) {
    throw badInput(`${fieldPrefix}toDate`, `Ngày kết thúc không được sau hôm nay (${displayDate(today)}).`);
  }
  if (from > to) {
    throw badInput(`${fieldPrefix}fromDate`, 'Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.');
  }
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY + 1;
  if (days > MAX_DAY_RANGE) {
    throw badInput(
      `${fieldPrefix}fromDate`,
      `Mỗi lần xem được tối đa ${MAX_DAY_RANGE} ngày; bạn đã chọn ${days} ngày.`,
    );
  }
  return { fromDate: from, toDate: to, days };
}

/** A page of rows: `first` from 1 to MAX_ROWS_PER_PAGE (DEFAULT_ROWS_PER_PAGE when not given), `offset` from 0. */
export function pageArguments(
  first: number | null | undefined,
  offset: number | null | undefined,
): { first: number; offset: number } {
  const size = first ?? DEFAULT_ROWS_PER_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_ROWS_PER_PAGE) {
    throw badInput(
      'first',
      `Số dòng mỗi trang (first) phải từ 1 đến ${MAX_ROWS_PER_PAGE.toLocaleString('vi-VN')}.`,
    );
  }
  const start = offset ?? 0;
  if (!Number.isInteger(start) || start < 0 || start > MAX_ROW_OFFSET) {
    throw badInput(
      'offset',
      `Vị trí bắt đầu (offset) phải từ 0 đến ${MAX_ROW_OFFSET.toLocaleString('vi-VN')}.`,
    );
  }
  return { first: size, offset: start };
}

/** The names of report arguments (ReportArguments) a compliance export may carry. */
export type ReportArgumentName = 'month' | 'fromMonth' | 'toMonth' | 'fromDate' | 'toDate' | 'options';

/**
 * Refuses an export request carrying an argument its report does not read, so that nobody believes a
 * filter was applied that was not.
 */
export function refuseOtherArguments(
  args: Partial<Record<ReportArgumentName, unknown>>,
  reads: readonly ReportArgumentName[],
  report: string,
  fieldPrefix = '',
): void {
  const names: ReportArgumentName[] = ['month', 'fromMonth', 'toMonth', 'fromDate', 'toDate', 'options'];
  for (const name of names) {
    if (!reads.includes(name) && args[name] != null) {
      throw badInput(
        `${fieldPrefix}${name}`,
        `Báo cáo "${report}" không dùng tham số ${name}; bỏ tham số này.`,
      );
    }
  }
}
