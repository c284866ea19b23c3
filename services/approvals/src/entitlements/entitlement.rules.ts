import type { Month } from '@ansinh/common';

export type LevelRow = { validFromMonth: Month; provinceCode: string | null; amount: number };

/**
 * The standard level in force in `month` for a province: the latest national level that took effect
 * by then, or the province's own latest level when that is higher (a province may pay more than the
 * national level, never less).
 */
export function standardLevelFor(
  levels: readonly LevelRow[],
  month: Month,
  provinceCode: string,
): number | undefined {
  const latest = (rows: LevelRow[]) =>
    rows
      .filter((level) => level.validFromMonth <= month)
      .sort((a, b) => a.validFromMonth.localeCompare(b.validFromMonth))
      .at(-1)?.amount;
  const national = latest(levels.filter((level) => level.provinceCode === null));
  const provincial = latest(levels.filter((level) => level.provinceCode === provinceCode));
  if (national === undefined || provincial === undefined) return national ?? provincial;
  return Math.max(national, provincial);
}

/** Mức hưởng = standard level × coefficient, in whole đồng. */
export function monthlyAmount(standardLevel: number, coefficientHundredths: number): number {
  return Math.round((standardLevel * coefficientHundredths) / 100);
}
