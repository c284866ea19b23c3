import { describe, expect, it } from '@jest/globals';
import { isActiveIn, monthlyAmount, standardLevelFor, type LevelRow } from './entitlement.rules.ts';

const LEVELS: LevelRow[] = [
  { validFromMonth: '2021-07', provinceCode: null, amount: 360_000 },
  { validFromMonth: '2024-07', provinceCode: null, amount: 500_000 },
  { validFromMonth: '2025-01', provinceCode: '79', amount: 600_000 },
];

describe('standardLevelFor', () => {
  it('uses the level in force in the month asked for', () => {
    expect(standardLevelFor(LEVELS, '2024-06', '42')).toBe(360_000);
    expect(standardLevelFor(LEVELS, '2024-07', '42')).toBe(500_000);
    expect(standardLevelFor(LEVELS, '2021-06', '42')).toBeUndefined();
  });

  it("prefers a province's own level once it takes effect", () => {
    expect(standardLevelFor(LEVELS, '2024-12', '79')).toBe(500_000);
    expect(standardLevelFor(LEVELS, '2025-01', '79')).toBe(600_000);
    expect(standardLevelFor(LEVELS, '2025-01', '42')).toBe(500_000);
  });
});

describe('monthlyAmount', () => {
  it('multiplies the standard level by the coefficient in whole đồng', () => {
    expect(monthlyAmount(500_000, 150)).toBe(750_000);
    expect(monthlyAmount(500_000, 250)).toBe(1_250_000);
    expect(monthlyAmount(360_000, 150)).toBe(540_000);
  });
});

describe('isActiveIn', () => {
  it('counts the start and end months and ignores suspended entitlements', () => {
    const entitlement = { status: 'active', startMonth: '2025-03', endMonth: '2025-08' };
    expect(isActiveIn(entitlement, '2025-02')).toBe(false);
    expect(isActiveIn(entitlement, '2025-03')).toBe(true);
    expect(isActiveIn(entitlement, '2025-08')).toBe(true);
    expect(isActiveIn(entitlement, '2025-09')).toBe(false);
    expect(isActiveIn({ ...entitlement, status: 'suspended' }, '2025-05')).toBe(false);
  });
});
