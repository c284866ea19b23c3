import { formatDate, formatMonth } from '../format.ts';

const MS_PER_DAY = 86_400_000;

/** `YYYY-MM` as `MM/YYYY`, for lists of months where one `tháng` in the heading is enough. */
export const shortMonth = (month: string): string => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

/** A range of months as officials write it: `tháng 01/2026`, or `từ tháng 01/2026 đến tháng 03/2026`. */
export const monthRange = (fromMonth: string, toMonth: string): string =>
  fromMonth === toMonth ? formatMonth(fromMonth) : `từ ${formatMonth(fromMonth)} đến ${formatMonth(toMonth)}`;

/** A range of days: `ngày 01/12/2026`, or `từ 01/12/2026 đến 05/12/2026`. */
export const dateRange = (fromDate: string, toDate: string): string =>
  fromDate === toDate
    ? `ngày ${formatDate(fromDate)}`
    : `từ ${formatDate(fromDate)} đến ${formatDate(toDate)}`;

/** The day `days` before `day` (both `YYYY-MM-DD`). */
export const daysBefore = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * MS_PER_DAY).toISOString().slice(0, 10);
