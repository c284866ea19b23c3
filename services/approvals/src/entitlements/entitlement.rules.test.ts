import { describe, expect, it } from '@jest/globals';
import { monthlyAmount, standardLevelFor, type LevelRow } from './entitlement.rules.ts';

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

  it('keeps paying the national level when it rises above an older provincial one', () => {
    const withLaterNational = [...LEVELS, { validFromMonth: '2026-07', provinceCode: null, amount: 640_000 }];
    expect(standardLevelFor(withLaterNational, '2026-06', '79')).toBe(600_000);
    expect(standardLevelFor(withLaterNational, '2026-07', '79')).toBe(640_000);
  });

  it("prefers a province's own higher level once it takes effect", () => {
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
