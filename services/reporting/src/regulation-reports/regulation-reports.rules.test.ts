import { describe, expect, it } from '@jest/globals';
import {
  ALL_CATEGORIES_NAME,
  entitlementChangeRow,
  HIDDEN_CATEGORY_NAME,
  reasonName,
  summariseChanges,
  type ChangeGroupRow,
} from './entitlement-changes.rules.ts';
import {
  NO_PAYMENTS,
  paymentSummaryColumns,
  paymentSummaryRow,
  summarisePayments,
  type PaymentFigures,
  type PaymentSummaryCommuneRow,
} from './payment-summary.rules.ts';
import { displayPeriod, reportMonth, reportSubtitle, unitHeading } from './report-heading.rules.ts';
import { groupName, r42PeopleNote } from './resolution-42-summary.rules.ts';

const NOW = new Date('2026-12-02T03:00:00Z');

const refusal = (message: RegExp) =>
  expect.objectContaining({
    code: 'BAD_USER_INPUT',
    field: 'month',
    message: expect.stringMatching(message),
  });

describe('the month of a regulation report', () => {
  it('is a YYYY-MM month from ten years back to next month', () => {
    expect(reportMonth('2027-01', 'month', NOW)).toBe('2027-01');
    expect(reportMonth('2026-12', 'month', NOW)).toBe('2026-12');
    expect(reportMonth('2016-12', 'month', NOW)).toBe('2016-12');
  });

  it('refuses a malformed month, one after next month and one more than ten years back', () => {
    expect(() => reportMonth('2026-1', 'month', NOW)).toThrow(refusal(/YYYY-MM/));
    expect(() => reportMonth('2026-13', 'month', NOW)).toThrow(refusal(/YYYY-MM/));
    expect(() => reportMonth('2027-02', 'month', NOW)).toThrow(refusal(/đến tháng 01\/2027/));
    expect(() => reportMonth('2016-11', 'month', NOW)).toThrow(
      refusal(/10 năm gần nhất \(từ tháng 12\/2016\)/),
    );
  });

  it('follows the month in Vietnam, not the server clock', () => {
    // 31 Dec 2026 18:00 UTC is already 1 Jan 2027 in Vietnam: February is then next month.
    expect(reportMonth('2027-02', 'month', new Date('2026-12-31T18:00:00Z'))).toBe('2027-02');
  });
});

describe('the heading of a regulation report', () => {
  const commune = { name: 'Phường Thành Sen', validTo: null, ancestors: ['Tỉnh Hà Tĩnh'] };
  const former = { name: 'Thành phố Hà Tĩnh', validTo: '2025-06-30', ancestors: ['Tỉnh Hà Tĩnh'] };

  it('names the unit with those above it, and the last day of a former unit', () => {
    expect(unitHeading(commune)).toBe('Phường Thành Sen, Tỉnh Hà Tĩnh');
    expect(unitHeading(former)).toBe('Thành phố Hà Tĩnh, Tỉnh Hà Tĩnh (đến 30/06/2025)');
    expect(reportSubtitle(commune, '12/2026')).toBe('Đơn vị: Phường Thành Sen, Tỉnh Hà Tĩnh · Kỳ: 12/2026');
  });

  it('writes a period of months as officials do', () => {
    expect(displayPeriod('2020-04', '2020-06')).toBe('04/2020 – 06/2020');
    expect(displayPeriod('2020-04', '2020-04')).toBe('04/2020');
  });
});

const figures = (lines: number, paidLines: number, heldLines = 0): PaymentFigures => ({
  ...NO_PAYMENTS,
  lines,
  persons: lines,
  plannedAmount: lines * 1_000,
  paidLines,
  paidAmount: paidLines * 1_000,
  unpaidLines: lines - paidLines - heldLines,
  unpaidAmount: (lines - paidLines - heldLines) * 1_000,
  heldLines,
  heldAmount: heldLines * 1_000,
});

const commune = (
  code: string,
  district: { id: string; code: string; name: string } | null,
  values: PaymentFigures,
): PaymentSummaryCommuneRow => ({
  unitId: `unit-${code}`,
  unitCode: code,
  unitName: `Xã ${code}`,
  districtId: district?.id ?? null,
  districtCode: district?.code ?? null,
  districtName: district?.name ?? null,
  listState: 'closed',
  figures: values,
});

describe('the payment summary', () => {
  const thachHa = { id: 'd-445', code: '445', name: 'Huyện Thạch Hà' };
  const canLoc = { id: 'd-443', code: '443', name: 'Huyện Can Lộc' };

  it('sums the communes of each former district and every commune', () => {
    const rows = [
      commune('18400', thachHa, figures(10, 8, 1)),
      commune('18403', thachHa, figures(5, 5)),
      commune('18340', canLoc, figures(7, 0)),
    ];
    const { districts, total } = summarisePayments(rows);
    expect(districts).toEqual([
      {
        unitId: 'd-445',
        unitCode: '445',
        unitName: 'Huyện Thạch Hà',
        communes: 2,
        figures: figures(15, 13, 1),
      },
      { unitId: 'd-443', unitCode: '443', unitName: 'Huyện Can Lộc', communes: 1, figures: figures(7, 0) },
    ]);
    expect(total).toEqual(figures(22, 13, 1));
    expect(total.plannedAmount).toBe(total.paidAmount + total.unpaidAmount + total.heldAmount);
  });

  it('has no districts since the reform, and a zero total without lists', () => {
    expect(summarisePayments([commune('18073', null, figures(3, 1))]).districts).toEqual([]);
    expect(summarisePayments([])).toEqual({ districts: [], total: NO_PAYMENTS });
  });

  it('exports the district column for pre-reform months only, with the state in Vietnamese', () => {
    const before = [commune('18400', thachHa, figures(1, 1))];
    const after = [commune('18073', null, figures(1, 1))];
    expect(paymentSummaryColumns(before)[0]).toMatchObject({ key: 'district', kind: 'text' });
    expect(paymentSummaryColumns(after).map((column) => column.key)).not.toContain('district');
    expect(
      paymentSummaryColumns(after)
        .filter((column) => column.kind !== 'text')
        .every((column) => column.total),
    ).toBe(true);
    expect(paymentSummaryRow(before[0]!)).toMatchObject({
      district: '445 Huyện Thạch Hà',
      unitName: 'Xã 18400',
      listState: 'Đã khóa sổ',
      lines: 1,
      paidAmount: 1_000,
    });
  });
});

const change = (overrides: Partial<ChangeGroupRow>): ChangeGroupRow => ({
  direction: 'increase',
  reasonCode: 'grant',
  categoryCode: '5.1',
  categoryName: 'Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng',
  decisions: 1,
  persons: 1,
  amountBefore: 0,
  amountAfter: 750_000,
  ...overrides,
});

describe('increases and decreases by reason', () => {
  it('names every decision kind in Vietnamese, and an unknown one by its code', () => {
    expect(
      ['grant', 'resume', 'relocate-in', 'one-off', 'stop', 'suspend', 'relocate-out', 'change'].map(
        reasonName,
      ),
    ).toEqual([
      'Hưởng mới',
      'Tiếp tục hưởng sau tạm dừng',
      'Chuyển đến từ địa bàn khác',
      'Hỗ trợ một lần',
      'Thôi hưởng',
      'Tạm dừng hưởng',
      'Chuyển đi địa bàn khác',
      'Điều chỉnh mức hưởng (đổi nhóm, số người được nuôi)',
    ]);
    expect(reasonName('merge')).toBe('Lý do khác (merge)');
  });

  it('orders increases before decreases, reasons as officials list them, categories naturally, hidden last', () => {
    const { rows } = summariseChanges([
      change({
        direction: 'decrease',
        reasonCode: 'stop',
        categoryCode: '5.5.a',
        amountBefore: 750_000,
        amountAfter: 0,
      }),
      change({ categoryCode: null, categoryName: null }),
      change({ categoryCode: '5.10', categoryName: 'Nhóm của tỉnh' }),
      change({ categoryCode: '5.2', categoryName: 'Người từ 16 đến 22 tuổi' }),
      change({ direction: 'change', reasonCode: 'change', amountBefore: 500_000, amountAfter: 750_000 }),
      change({ reasonCode: 'relocate-in' }),
    ]);
    expect(rows.map((row) => `${row.reasonCode} ${row.categoryCode}`)).toEqual([
      'grant 5.2',
      'grant 5.10',
      'grant null',
      'relocate-in 5.1',
      'stop 5.5.a',
      'change 5.1',
    ]);
    expect(rows[2]).toMatchObject({ categoryName: HIDDEN_CATEGORY_NAME, categoryCode: null });
    expect(rows[4]).toMatchObject({ reasonName: 'Thôi hưởng', amountChange: -750_000 });
  });

  it('totals each reason and each direction (always the three) as sums of the rows', () => {
    const { reasons, directions } = summariseChanges([
      change({ decisions: 2, persons: 2, amountAfter: 1_500_000 }),
      change({ categoryCode: null, categoryName: null, amountAfter: 750_000 }),
      change({ direction: 'decrease', reasonCode: 'suspend', amountBefore: 1_000_000, amountAfter: 0 }),
    ]);
    expect(reasons).toEqual([
      expect.objectContaining({
        reasonCode: 'grant',
        categoryCode: null,
        categoryName: ALL_CATEGORIES_NAME,
        decisions: 3,
        persons: 3,
        amountAfter: 2_250_000,
        amountChange: 2_250_000,
      }),
      expect.objectContaining({ reasonCode: 'suspend', decisions: 1, amountChange: -1_000_000 }),
    ]);
    expect(directions).toEqual([
      expect.objectContaining({ direction: 'increase', directionName: 'Tăng', persons: 3 }),
      expect.objectContaining({
        direction: 'decrease',
        directionName: 'Giảm',
        persons: 1,
        amountBefore: 1_000_000,
      }),
      {
        direction: 'change',
        directionName: 'Điều chỉnh',
        decisions: 0,
        persons: 0,
        amountBefore: 0,
        amountAfter: 0,
        amountChange: 0,
      },
    ]);
  });

  it('exports a shown category with its code, the hidden ones under one label', () => {
    const { rows } = summariseChanges([change({}), change({ categoryCode: null, categoryName: null })]);
    expect(rows.map(entitlementChangeRow)).toEqual([
      expect.objectContaining({
        directionName: 'Tăng',
        reasonName: 'Hưởng mới',
        categoryName: '5.1 Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng',
      }),
      expect.objectContaining({ categoryName: 'Khác (bảo mật)' }),
    ]);
  });
});

describe('the Resolution 42 summary', () => {
  it('never names a hidden group', () => {
    expect(groupName(null, 'Người nhiễm HIV')).toBe(HIDDEN_CATEGORY_NAME);
    expect(groupName('r42-poor-member', 'Thành viên hộ nghèo, hộ cận nghèo')).toBe(
      'Thành viên hộ nghèo, hộ cận nghèo',
    );
  });

  it('says under the heading how many people there are and what became of those in several groups', () => {
    expect(
      r42PeopleNote(12_345, {
        people: 3,
        paidOnce: 3,
        paidMoreThanOnce: 0,
        paidElsewhere: 0,
        flaggedRows: 4,
      }),
    ).toBe(
      'Số người (không trùng): 12.345; thuộc nhiều nhóm: 3 (được hỗ trợ một lần: 3; dòng không hỗ trợ: 4)',
    );
    expect(
      r42PeopleNote(9, { people: 3, paidOnce: 1, paidMoreThanOnce: 1, paidElsewhere: 1, flaggedRows: 3 }),
    ).toBe(
      'Số người (không trùng): 9; thuộc nhiều nhóm: 3 (được hỗ trợ một lần: 1; hỗ trợ nhiều lần (cần thu hồi): 1; hỗ trợ tại đơn vị khác: 1; dòng không hỗ trợ: 3)',
    );
  });
});
