import { describe, expect, it } from '@jest/globals';
import { checkPoverty } from './household.rules.ts';

describe('checkPoverty', () => {
  it('accepts a poor or near-poor household with the year of its review, and one that is neither', () => {
    expect(checkPoverty('poor', 2024, 2026)).toBeUndefined();
    expect(checkPoverty('near_poor', 2026, 2026)).toBeUndefined();
    expect(checkPoverty('none', null, 2026)).toBeUndefined();
    expect(checkPoverty('none', 2023, 2026)).toBeUndefined();
  });

  it('needs the year of the review for a poor or near-poor household', () => {
    expect(checkPoverty('poor', null, 2026)).toEqual({
      field: 'povertyYear',
      message: 'Hộ nghèo / cận nghèo cần năm xét duyệt.',
    });
  });

  it('refuses a year before 2000 or after this year', () => {
    for (const year of [1999, 2027, 2024.5]) {
      expect(checkPoverty('poor', year, 2026)).toEqual({
        field: 'povertyYear',
        message: 'Năm xét duyệt hộ nghèo phải là một năm từ 2000 đến 2026.',
      });
    }
    expect(checkPoverty('none', 2027, 2027)).toBeUndefined();
    expect(checkPoverty('none', 2028, 2027)?.message).toContain('đến 2027.');
  });
});
