import { describe, expect, it } from '@jest/globals';
import { ageBandOf, ageInMonth, AGE_BANDS, UNKNOWN_AGE_BAND } from './age-band.rules.ts';

describe('age bands', () => {
  it('counts the birthday from its month, January when only the year is known', () => {
    expect(ageInMonth('2026-03', 1946, 4)).toBe(79);
    expect(ageInMonth('2026-04', 1946, 4)).toBe(80);
    expect(ageInMonth('2026-01', 1946, null)).toBe(80);
  });

  it('puts each age in the band of its lower bound', () => {
    expect([0, 3, 4, 15, 16, 22, 23, 59, 60, 74, 75, 79, 80, 104].map(ageBandOf)).toEqual([
      '0-3',
      '0-3',
      '4-15',
      '4-15',
      '16-22',
      '16-22',
      '23-59',
      '23-59',
      '60-74',
      '60-74',
      '75-79',
      '75-79',
      '80+',
      '80+',
    ]);
    expect(new Set([0, 4, 16, 23, 60, 75, 80].map(ageBandOf))).toEqual(new Set(AGE_BANDS));
  });

  it('has a band for an unknown or impossible age', () => {
    expect(ageBandOf(null)).toBe(UNKNOWN_AGE_BAND);
    expect(ageBandOf(-1)).toBe(UNKNOWN_AGE_BAND);
  });
});
