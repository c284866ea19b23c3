import { describe, expect, it } from '@jest/globals';
import { columnWidth, isoDayOf, monthText, numberOf, plainText, ReportTotals } from './report-cells.ts';
import type { ReportColumn } from './report-table.ts';

describe('report cells', () => {
  it('writes months as the ministry does (m/yyyy) and leaves other text alone', () => {
    expect(monthText('2024-01')).toBe('1/2024');
    expect(monthText('2023-12')).toBe('12/2023');
    expect(monthText('2024-13')).toBe('2024-13');
    expect(plainText('2026-11', 'month')).toBe('11/2026');
  });

  it('reads days from text and from instants, in Vietnam', () => {
    expect(isoDayOf('2026-02-28')).toBe('2026-02-28');
    expect(isoDayOf('2026-02-28T23:00:00Z')).toBe('2026-02-28');
    expect(isoDayOf(new Date('2026-02-28T17:00:00Z'))).toBe('2026-03-01');
    expect(isoDayOf(new Date('2026-02-28T16:59:59Z'))).toBe('2026-02-28');
    expect(isoDayOf(new Date(Number.NaN))).toBeUndefined();
    expect(isoDayOf('28/02/2026')).toBeUndefined();
    expect(plainText('2026-02-28', 'date')).toBe('28/02/2026');
    expect(plainText(null, 'text')).toBe('');
  });

  it('reads numbers and the digits of a bigint, nothing else', () => {
    expect(numberOf(1_500_000)).toBe(1_500_000);
    expect(numberOf('9007199254740')).toBe(9_007_199_254_740);
    expect(numberOf('-25000')).toBe(-25_000);
    expect(numberOf('1.000')).toBeUndefined();
    expect(numberOf('—')).toBeUndefined();
    expect(numberOf(Number.NaN)).toBeUndefined();
    expect(numberOf(null)).toBeUndefined();
  });

  it('sizes columns from the report, else by kind, within Excel bounds', () => {
    expect(columnWidth({ key: 'a', header: 'A', kind: 'vnd', width: 20 })).toBe(20);
    expect(columnWidth({ key: 'a', header: 'A', kind: 'vnd' })).toBe(16);
    expect(columnWidth({ key: 'a', header: 'A', kind: 'text', width: -3 })).toBe(24);
    expect(columnWidth({ key: 'a', header: 'A', kind: 'text', width: 1000 })).toBe(255);
  });

  it('sums the total columns of counts and money only, labelled in the first text column', () => {
    const columns: ReportColumn[] = [
      { key: 'month', header: 'Tháng', kind: 'month' },
      { key: 'unit', header: 'Đơn vị', kind: 'text' },
      { key: 'people', header: 'Số người', kind: 'integer', total: true },
      { key: 'amount', header: 'Số tiền', kind: 'vnd', total: true },
      { key: 'day', header: 'Ngày', kind: 'date', total: true },
    ];
    const totals = new ReportTotals({ columns });
    totals.add(['2026-01', 'A', 2, '1000', '2026-01-01']);
    totals.add(['2026-01', 'B', null, 500, null]);
    expect(totals.present).toBe(true);
    expect(totals.cells()).toEqual([undefined, 'Tổng cộng', 2, 1500, undefined]);

    const numbersOnly = new ReportTotals({
      columns: [columns[0]!, columns[3]!],
      totalsLabel: 'Cộng',
    });
    expect(numbersOnly.cells()).toEqual(['Cộng', 0]);
    expect(new ReportTotals({ columns: [columns[1]!] }).present).toBe(false);
  });
});
