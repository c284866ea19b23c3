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

/** Today's date in Vietnam, in SQL: the day a unit's validity is judged on. */
export const TODAY_IN_VIETNAM_SQL = `(now() at time zone 'Asia/Ho_Chi_Minh')::date`;
