import { describe, expect, it } from '@jest/globals';
import { adjustedAmount, controlTotalsDiffer, listMonth, reasonText } from './payment-list.rules.ts';

const NOW = new Date('2026-12-02T03:00:00Z');

describe('payment list rules', () => {
  it('makes lists up to next month, and for missed months of the last two years', () => {
    expect(listMonth('2027-01', NOW)).toBe('2027-01');
    expect(listMonth('2026-12', NOW)).toBe('2026-12');
    expect(listMonth('2024-12', NOW)).toBe('2024-12');
    for (const [month, message] of [
      ['2027-02', /đến tháng sau \(01\/2027\)/],
      ['2024-11', /24 tháng/],
      ['2026-13', /YYYY-MM/],
    ] as const) {
      expect(() => listMonth(month, NOW)).toThrow(
        expect.objectContaining({
          code: 'BAD_USER_INPUT',
          field: 'month',
          message: expect.stringMatching(message),
        }),
      );
    }
  });

  it('takes next month from the Vietnamese calendar', () => {
    // 31 Dec 2026 18:00 UTC is already 1 Jan 2027 in Vietnam: February becomes "next month".
    expect(listMonth('2027-02', new Date('2026-12-31T18:00:00Z'))).toBe('2027-02');
  });

  it('names every control total that differs', () => {
    const stored = {
      line_count: 2,
      person_count: 2,
      total_amount: '1500000',
      held_count: 0,
      held_amount: 0,
      channel_totals: { cash: { lines: 2, amount: 1500000 } },
    };
    expect(
      controlTotalsDiffer(stored, { ...stored, channel_totals: { cash: { lines: 2, amount: 1500000 } } }),
    ).toEqual([]);
    const changed = {
      ...stored,
      total_amount: 1600000,
      channel_totals: { cash: { lines: 1, amount: 750000 }, bank: { lines: 1, amount: 850000 } },
    };
    expect(controlTotalsDiffer(stored, changed)).toEqual([
      'tổng tiền 1500000 ≠ 1600000',
      'kênh bank: 0 dòng/0 ≠ 1 dòng/850000',
      'kênh cash: 2 dòng/1500000 ≠ 1 dòng/750000',
    ]);
  });

  it('bounds reasons and amounts', () => {
    expect(reasonText('  Đổi sang chi tận nhà  ')).toBe('Đổi sang chi tận nhà');
    expect(() => reasonText(' ')).toThrow(expect.objectContaining({ field: 'reason' }));
    expect(() => reasonText('x'.repeat(501))).toThrow(expect.objectContaining({ field: 'reason' }));
    expect(() => reasonText('a\u202eb')).toThrow(expect.objectContaining({ field: 'reason' }));
    expect(adjustedAmount(750000)).toBe(750000);
    for (const bad of [-1, 1.5, 100_000_001, null])
      expect(() => adjustedAmount(bad)).toThrow(expect.objectContaining({ field: 'amount' }));
  });
});
