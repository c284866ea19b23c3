import { describe, expect, it } from '@jest/globals';
import {
  paymentListExportColumns,
  paymentListExportRow,
  paymentListExportSubtitle,
} from './payment-list-export.rules.ts';

const line = {
  line_code: '18073-2026-12-0001',
  full_name: 'Bùi Ngọc Hằng',
  category: 'Người cao tuổi thuộc hộ nghèo',
  amount: '750000',
  arrears: '1500000',
  carried_over: '0',
  one_off: '0',
  recovery: '250000',
  total: '2000000',
  channel: 'mobile_money' as const,
  status: 'paid' as const,
  paid_on: '2026-12-05',
};

describe('payment list export', () => {
  it('has the name and category columns only for the roles that read them', () => {
    const all = paymentListExportColumns({ names: true, categories: true }).map((column) => column.key);
    expect(all.slice(0, 3)).toEqual(['lineCode', 'fullName', 'category']);
    const payer = paymentListExportColumns({ names: true, categories: false }).map((column) => column.key);
    expect(payer).not.toContain('category');
    const analyst = paymentListExportColumns({ names: false, categories: false });
    expect(analyst.map((column) => column.key)).not.toContain('fullName');
    // Every amount is summed into the totals row.
    expect(analyst.filter((column) => column.total).map((column) => column.key)).toEqual([
      'amount',
      'arrears',
      'carriedOver',
      'oneOff',
      'recovery',
      'total',
    ]);
  });

  it('gives a row the values of the columns, in Vietnamese, and nothing else', () => {
    const rights = { names: false, categories: false };
    const row = paymentListExportRow(line, rights);
    expect(row).toEqual({
      lineCode: '18073-2026-12-0001',
      amount: 750_000,
      arrears: 1_500_000,
      carriedOver: 0,
      oneOff: 0,
      recovery: 250_000,
      total: 2_000_000,
      channel: 'Mobile Money',
      status: 'Đã nhận',
      paidOn: '2026-12-05',
    });
    expect(Object.keys(row).sort()).toEqual(
      paymentListExportColumns(rights)
        .map((column) => column.key)
        .sort(),
    );
    expect(paymentListExportRow(line, { names: true, categories: true })).toMatchObject({
      fullName: 'Bùi Ngọc Hằng',
      category: 'Người cao tuổi thuộc hộ nghèo',
    });
  });

  it('puts the unit, the month and the state in the subtitle', () => {
    expect(
      paymentListExportSubtitle({
        unitName: 'Phường Thành Sen',
        unitCode: '18073',
        month: '2026-12',
        state: 'paying',
      }),
    ).toBe('Đơn vị: Phường Thành Sen (18073) · Tháng: 12/2026 · Trạng thái: đang chi trả');
  });
});
