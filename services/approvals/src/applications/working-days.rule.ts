/**
 * Working days (ngày làm việc) as the time limits of a dossier count them: Monday to Friday, except
 * the public holidays of `approvals.public_holidays` (data: the days off are announced each year, and
 * a province may add its own). Days are `YYYY-MM-DD` calendar days in Vietnam; the arithmetic runs in
 * UTC on those dates, so the server's time zone never shifts a day.
 */
export type Day = string;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Whether `value` is a real calendar day written `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

function toTime(day: Day): number {
  if (!isDay(day)) throw new Error(`working days: "${day}" is not a day (YYYY-MM-DD)`);
  return Date.parse(`${day}T00:00:00Z`);
}

const fromTime = (time: number): Day => new Date(time).toISOString().slice(0, 10);

/** The day `count` calendar days after `day` (before it when negative). */
export function addDays(day: Day, count: number): Day {
  return fromTime(toTime(day) + count * MS_PER_DAY);
}

/** Whether `day` is a working day: a weekday that is not a public holiday. */
export function isWorkingDay(day: Day, holidays: ReadonlySet<Day>): boolean {
  const weekday = new Date(toTime(day)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(day);
}

/** The longest limit a step may have: a bound on the loop below, far above any legal limit. */
export const MAX_LIMIT_WORKING_DAYS = 60;

/**
 * The last day of a time limit of `limit` working days that starts on `start` (the day the dossier
 * reached the step). As administrative procedures count a limit, the day of receipt is not counted:
 * counting begins the next day, so a step received on a Friday with a limit of 1 is due on Monday.
 */
export function dueDate(start: Day, limit: number, holidays: ReadonlySet<Day>): Day {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT_WORKING_DAYS) {
    throw new Error(`working days: a limit of ${limit} working days is out of range`);
  }
  let day = start;
  let counted = 0;
  // At most limit working days plus the weekends and holidays between: bounded by the year's days off.
  while (counted < limit) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) counted += 1;
  }
  return day;
}

/** Whether a step due on `due` is overdue on `today`: the whole due day belongs to the step. */
export function isOverdue(due: Day, today: Day): boolean {
  return today > due;
}

/**
 * Working days from `start` (not counted) to `end` (counted): how many of a limit a step has used.
 * Zero when `end` is not after `start`.
 */
export function workingDaysBetween(start: Day, end: Day, holidays: ReadonlySet<Day>): number {
  let count = 0;
  for (let day = addDays(start, 1); day <= end; day = addDays(day, 1)) {
    if (isWorkingDay(day, holidays)) count += 1;
  }
  return count;
}

/** The working day `count` working days before `day` (demo data and tests date steps back from today). */
export function workingDaysBefore(day: Day, count: number, holidays: ReadonlySet<Day>): Day {
  let current = day;
  let counted = 0;
  while (counted < count) {
    current = addDays(current, -1);
    if (isWorkingDay(current, holidays)) counted += 1;
  }
  return current;
}
