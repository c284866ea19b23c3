import { badInput } from '../errors/app-error.ts';
import { todayInVietnam } from './today.ts';

/** A calendar month, `YYYY-MM`. */
export type Month = string;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** `YYYY-MM` shifted by whole months (negative: back). */
export function addMonths(month: Month, count: number): Month {
  const [year, monthOfYear] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (monthOfYear - 1) + count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The current month in Vietnam (Asia/Ho_Chi_Minh), whatever the server's time zone. */
export function currentMonth(now: Date = new Date()): Month {
  return todayInVietnam(now).slice(0, 7);
}

/** A month argument of a query: checked when given, the current month when not. */
export function monthArgument(value: string | null | undefined, field: string): Month {
  if (value == null) return currentMonth();
  if (!isMonth(value)) throw badInput(field, 'Tháng phải có dạng YYYY-MM, ví dụ 2026-11.');
  return value;
}
