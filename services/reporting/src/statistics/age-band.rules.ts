/**
 * Age bands of the statistics, at the month a figure is for: the breaks of the allowance's own rules
 * (under 4 and 4-15 for children, 16-22 in education, 60-79 and 80+ for the elderly, 75 for the groups
 * that stopped in July 2025), so that a band never mixes two amounts of one category.
 */
export const AGE_BANDS = ['0-3', '4-15', '16-22', '23-59', '60-74', '75-79', '80+'] as const;
export const UNKNOWN_AGE_BAND = 'unknown';
export type AgeBand = (typeof AGE_BANDS)[number] | typeof UNKNOWN_AGE_BAND;

const LOWER_BOUNDS = AGE_BANDS.map((band) => Number.parseInt(band, 10));

/**
 * Age in whole years in `month` (YYYY-MM): the birthday counts from its month (January when only the
 * year is known), as the allowance's age bands do (domain guide §3).
 */
export function ageInMonth(month: string, birthYear: number, birthMonth: number | null): number {
  const year = Number(month.slice(0, 4));
  const monthNumber = Number(month.slice(5, 7));
  return year - birthYear - (monthNumber < (birthMonth ?? 1) ? 1 : 0);
}

export function ageBandOf(age: number | null): AgeBand {
  if (age === null || age < 0) return UNKNOWN_AGE_BAND;
  let band: AgeBand = AGE_BANDS[0];
  LOWER_BOUNDS.forEach((bound, i) => {
    if (age >= bound) band = AGE_BANDS[i]!;
  });
  return band;
}

/** The same two rules in SQL, over a month expression and a person facts row `f` (birth_year, birth_month). */
export function ageBandSql(monthExpression: string, facts = 'f'): string {
  const age = `(substr(${monthExpression}, 1, 4)::int - ${facts}.birth_year - case when substr(${monthExpression}, 6, 2)::int < coalesce(${facts}.birth_month, 1) then 1 else 0 end)`;
  const cases = AGE_BANDS.map((band, i) => ({ band, bound: LOWER_BOUNDS[i]! }))
    .reverse()
    .map(({ band, bound }) => `when ${age} >= ${bound} then '${band}'`)
    .join(' ');
  return `case when ${facts}.birth_year is null or ${age} < 0 then '${UNKNOWN_AGE_BAND}' ${cases} end`;
}
