import type { Month } from '@ansinh/common';

export type LevelRow = { validFromMonth: Month; provinceCode: string | null; amount: number };

/**
 * The standard level in force in `month` for a province: the latest level that took effect by
 * then, a province's own (higher) level winning over the national one from the same month on.
 */
export function standardLevelFor(
  levels: readonly LevelRow[],
  month: Month,
  provinceCode: string,
): number | undefined {
  const applicable = levels
    .filter(
      (level) =>
        level.validFromMonth <= month && (level.provinceCode === null || level.provinceCode === provinceCode),
    )
    .sort((a, b) =>
      a.validFromMonth === b.validFromMonth
        ? a.provinceCode
          ? 1
          : -1
        : a.validFromMonth < b.validFromMonth
          ? -1
          : 1,
    );
  return applicable.at(-1)?.amount;
}

/** Mức hưởng = standard level × coefficient, in whole đồng. */
export function monthlyAmount(standardLevel: number, coefficientHundredths: number): number {
  return Math.round((standardLevel * coefficientHundredths) / 100);
}

export function isActiveIn(
  entitlement: { status: string; startMonth: Month; endMonth?: Month | null | undefined },
  month: Month,
): boolean {
  return (
    entitlement.status === 'active' &&
    entitlement.startMonth <= month &&
    (entitlement.endMonth == null || entitlement.endMonth >= month)
  );
}
