import type { ReportColumn, ReportRow } from '@ansinh/common';

/** Figures of payment lines: lines planned = paid + unpaid + held. Amounts in whole đồng. */
export type PaymentFigures = {
  lines: number;
  persons: number;
  plannedAmount: number;
  paidLines: number;
  paidAmount: number;
  unpaidLines: number;
  unpaidAmount: number;
  heldLines: number;
  heldAmount: number;
  paidLateLines: number;
  paidLateAmount: number;
};

export const PAYMENT_FIGURE_KEYS = [
  'lines',
  'persons',
  'plannedAmount',
  'paidLines',
  'paidAmount',
  'unpaidLines',
  'unpaidAmount',
  'heldLines',
  'heldAmount',
  'paidLateLines',
  'paidLateAmount',
] as const satisfies readonly (keyof PaymentFigures)[];

export const NO_PAYMENTS: PaymentFigures = Object.freeze(
  Object.fromEntries(PAYMENT_FIGURE_KEYS.map((key) => [key, 0])) as PaymentFigures,
);

export type PaymentListStateValue = 'draft' | 'approved' | 'paying' | 'closed';

/** One paying unit's list of the month, with its district before the reform. */
export type PaymentSummaryCommuneRow = {
  unitId: string;
  unitCode: string;
  unitName: string;
  districtId: string | null;
  districtCode: string | null;
  districtName: string | null;
  listState: PaymentListStateValue;
  figures: PaymentFigures;
};

export type PaymentSummaryDistrictRow = {
  unitId: string;
  unitCode: string;
  unitName: string;
  communes: number;
  figures: PaymentFigures;
};

export function addFigures(a: PaymentFigures, b: PaymentFigures): PaymentFigures {
  return Object.fromEntries(PAYMENT_FIGURE_KEYS.map((key) => [key, a[key] + b[key]])) as PaymentFigures;
}

/**
 * The district subtotals of pre-reform communes (in the communes' order) and the total of every commune:
 * sums of the rows, so that the screen and an exported file (whose totals row adds up its rows) agree.
 */
export function summarisePayments(communes: readonly PaymentSummaryCommuneRow[]): {
  districts: PaymentSummaryDistrictRow[];
  total: PaymentFigures;
} {
  const districts = new Map<string, PaymentSummaryDistrictRow>();
  let total = NO_PAYMENTS;
  for (const commune of communes) {
    total = addFigures(total, commune.figures);
    if (commune.districtId === null) continue;
    const district = districts.get(commune.districtId) ?? {
      unitId: commune.districtId,
      unitCode: commune.districtCode ?? '',
      unitName: commune.districtName ?? '',
      communes: 0,
      figures: NO_PAYMENTS,
    };
    district.communes += 1;
    district.figures = addFigures(district.figures, commune.figures);
    districts.set(commune.districtId, district);
  }
  return { districts: [...districts.values()], total };
}

/** Vietnamese names of a list's states, as the export shows them. */
export const LIST_STATE_NAMES: Record<PaymentListStateValue, string> = {
  draft: 'Đang lập',
  approved: 'Đã phê duyệt',
  paying: 'Đang chi trả',
  closed: 'Đã khóa sổ',
};

const DISTRICT_COLUMN: ReportColumn = { key: 'district', header: 'Quận/huyện', kind: 'text', width: 22 };

const COMMUNE_COLUMNS: readonly ReportColumn[] = [
  { key: 'unitCode', header: 'Mã đơn vị', kind: 'text', width: 9 },
  { key: 'unitName', header: 'Đơn vị chi trả', kind: 'text', width: 24 },
  { key: 'listState', header: 'Trạng thái danh sách', kind: 'text', width: 14 },
  { key: 'lines', header: 'Số dòng', kind: 'integer', total: true },
  { key: 'persons', header: 'Số người', kind: 'integer', total: true },
  { key: 'plannedAmount', header: 'Số tiền phải chi', kind: 'vnd', total: true },
  { key: 'paidLines', header: 'Đã chi trả (dòng)', kind: 'integer', total: true },
  { key: 'paidAmount', header: 'Đã chi trả (tiền)', kind: 'vnd', total: true },
  { key: 'unpaidLines', header: 'Chưa chi trả (dòng)', kind: 'integer', total: true },
  { key: 'unpaidAmount', header: 'Chưa chi trả (tiền)', kind: 'vnd', total: true },
  { key: 'heldLines', header: 'Tạm giữ (dòng)', kind: 'integer', total: true },
  { key: 'heldAmount', header: 'Tạm giữ (tiền)', kind: 'vnd', total: true },
  { key: 'paidLateLines', header: 'Cập nhật sau 17:30 (dòng)', kind: 'integer', total: true },
  { key: 'paidLateAmount', header: 'Cập nhật sau 17:30 (tiền)', kind: 'vnd', total: true },
];

/**
 * Columns of the exported payment summary, one row per paying unit; with the district first when the
 * communes had one (a pre-reform month).
 */
export function paymentSummaryColumns(
  communes: readonly PaymentSummaryCommuneRow[],
): readonly ReportColumn[] {
  return communes.some((commune) => commune.districtId !== null)
    ? [DISTRICT_COLUMN, ...COMMUNE_COLUMNS]
    : COMMUNE_COLUMNS;
}

/** A commune's row of the exported table. */
export function paymentSummaryRow(commune: PaymentSummaryCommuneRow): ReportRow {
  return {
    district: commune.districtName ? `${commune.districtCode} ${commune.districtName}` : '',
    unitCode: commune.unitCode,
    unitName: commune.unitName,
    listState: LIST_STATE_NAMES[commune.listState],
    ...commune.figures,
  };
}
