import { displayDate } from '@ansinh/common/standalone';

/** Calendar dates as ISO `yyyy-mm-dd` text, compared as text; `null` is an open end of a period. */

/** `yyyy-mm-dd` that exists on the calendar, else null. */
export function parseIsoDate(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return match[0];
}

/** The ISO date `days` days after `iso` (before, when negative). */
export function addDays(iso: string, days: number): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** A date column's value as ISO text (the driver may give a Date at midnight in Vietnam). */
export function isoDateOf(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.slice(0, 10);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(value);
}

/** `dd/mm/yyyy`, as officials write dates. */
export { displayDate };

export type Period = { validFrom: string | null; validTo: string | null };

/** Whether `outer` lasts over all of `inner` (open ends are unbounded). */
export function covers(outer: Period, inner: Period): boolean {
  const startsBefore =
    outer.validFrom === null || (inner.validFrom !== null && outer.validFrom <= inner.validFrom);
  const endsAfter = outer.validTo === null || (inner.validTo !== null && inner.validTo <= outer.validTo);
  return startsBefore && endsAfter;
}

/** Whether two periods share at least one day. */
export function overlaps(a: Period, b: Period): boolean {
  const aStartsBeforeBEnds = a.validFrom === null || b.validTo === null || a.validFrom <= b.validTo;
  const bStartsBeforeAEnds = b.validFrom === null || a.validTo === null || b.validFrom <= a.validTo;
  return aStartsBeforeBEnds && bStartsBeforeAEnds;
}

/** Whether `period` includes the day `iso`. */
export function includesDay(period: Period, iso: string): boolean {
  return covers(period, { validFrom: iso, validTo: iso });
}

/** The period in words: `từ 01/07/2025`, `đến hết 30/06/2025`, `từ … đến hết …`, or no bound. */
export function describePeriod(period: Period): string {
  const from = period.validFrom ? `từ ${displayDate(period.validFrom)}` : '';
  const to = period.validTo ? `đến hết ${displayDate(period.validTo)}` : '';
  return [from, to].filter(Boolean).join(' ') || 'không giới hạn thời gian';
}
