import { addMonths, type Month } from '@ansinh/common';

/** Above this many missing months in all, the ministry writes only `> 5 tháng`. */
export const MAX_SPELLED_MISSING_MONTHS = 5;

/** A run of at least this many consecutive months is written as a range `first -> last`. */
export const MIN_RANGE_MONTHS = 3;

/** A month as the ministry writes it: `1/2024`, `12/2023` (no leading zero, unlike `displayMonth`). */
export function ministryMonth(month: Month): string {
  return `${Number(month.slice(5, 7))}/${month.slice(0, 4)}`;
}

/**
 * The months a unit made no payment list for, as the ministry writes them in its reports
 * (`Các tháng chưa lập danh sách chi trả`):
 *
 * 1. More than five months in all: `> 5 tháng` (the unit is chased as a whole; the months no longer help).
 * 2. Otherwise the months, in calendar order, are cut into runs of consecutive months (a run may
 *    cross a year end: 12/2023 and 1/2024 are consecutive).
 * 3. A run of three months or more is written as a range, `12/2023 -> 2/2024`; a run of one or two
 *    months is written month by month.
 * 4. Months written one by one are separated by `, `; a range is separated from what comes before or
 *    after it by ` & `.
 *
 * Why three: the ministry's own examples write `12/2023, 1/2024, 3/2024` (a run of two, listed) but
 * `12/2023 -> 2/2024 & 4/2024` (a run of three) and `1/2024 -> 4/2024` (four) as ranges. With at most
 * five months there is at most one range, so every shape is: `1/2024`; `1/2024, 3/2024, …`;
 * `1/2024 -> 4/2024`; `1/2024 -> 3/2024 & 5/2024`; `11/2023 & 1/2024 -> 3/2024 & 5/2024`; `> 5 tháng`.
 *
 * `months` are `YYYY-MM`, in any order; a month given twice counts once. No months: an empty text.
 */
export function renderMissingMonths(months: readonly Month[]): string {
  const sorted = [...new Set(months)].sort();
  if (sorted.length > MAX_SPELLED_MISSING_MONTHS) return `> ${MAX_SPELLED_MISSING_MONTHS} tháng`;

  const runs: Month[][] = [];
  for (const month of sorted) {
    const run = runs.at(-1);
    if (run && addMonths(run.at(-1)!, 1) === month) run.push(month);
    else runs.push([month]);
  }

  // Pieces joined by ` & `: a range, or the months listed one by one between two ranges.
  const pieces: string[] = [];
  let listed: string[] = [];
  for (const run of runs) {
    if (run.length >= MIN_RANGE_MONTHS) {
      if (listed.length) pieces.push(listed.join(', '));
      listed = [];
      pieces.push(`${ministryMonth(run[0]!)} -> ${ministryMonth(run.at(-1)!)}`);
    } else {
      listed.push(...run.map(ministryMonth));
    }
  }
  if (listed.length) pieces.push(listed.join(', '));
  return pieces.join(' & ');
}
