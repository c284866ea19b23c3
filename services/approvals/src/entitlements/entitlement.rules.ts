export type Month = string; // YYYY-MM

export type LevelRow = { validFromMonth: Month; provinceCode: string | null; amount: number };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** The current month in Vietnam (Asia/Ho_Chi_Minh), whatever the server's time zone. */
export function currentMonth(now: Date = new Date()): Month {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(now);
  const year = parts.find((part) => part.type === 'year')!.value;
  const month = parts.find((part) => part.type === 'month')!.value;
  return `${year}-${month}`;
}

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
