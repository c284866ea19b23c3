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
