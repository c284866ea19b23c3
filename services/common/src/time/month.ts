import { badInput } from '../errors/app-error.ts';

/** A calendar month, `YYYY-MM`. */
export type Month = string;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

// en-CA formats a date as YYYY-MM-DD; built once, as constructing a formatter is not cheap.
const VIETNAM_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in Vietnam (YYYY-MM-DD), whatever the server's time zone. */
export function todayInVietnam(now: Date = new Date()): string {
  return VIETNAM_DATE.format(now);
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
