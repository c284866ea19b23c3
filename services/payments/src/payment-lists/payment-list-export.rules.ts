import { displayMonth, type ReportColumn, type ReportRow } from '@ansinh/common';
import type { PaymentChannelValue, PaymentStatusValue } from '../payment-lines/payment-line.entity.ts';
import { PAYMENT_LIST_STATE_NAMES, type PaymentListStateValue } from './payment-list.entity.ts';

/** Which columns the owner of a list export may read, decided by its roles when it asked. */
export type PaymentListExportRights = {
  /** `person:read-identity`: the beneficiary's name. */
  names: boolean;
  /** `entitlement:read-confidential`: the category (chế độ), which can reveal HIV status (5.3, 5.8). */
  categories: boolean;
};

export const CHANNEL_NAMES: Record<PaymentChannelValue, string> = {
  cash: 'Tiền mặt',
  post: 'Bưu điện',
  bank: 'Ngân hàng',
  e_wallet: 'Ví điện tử',
  mobile_money: 'Mobile Money',
  vneid: 'Tài khoản an sinh (VNeID)',
};

export const STATUS_NAMES: Record<PaymentStatusValue, string> = {
  pending: 'Chờ chi trả',
  paid: 'Đã nhận',
  unpaid: 'Chưa nhận',
  unreachable: 'Không liên lạc được',
  returned: 'Bị trả lại',
  held: 'Tạm giữ',
};

/**
 * The columns of a payment list: the line code, the name for a reader of identities, the category for
 * a reader of confidential categories (left out, not emptied, for anyone else: a blank would single out
 * the confidential lines), the amounts with a totals row, the channel, the status and the day paid.
 */
export function paymentListExportColumns(rights: PaymentListExportRights): ReportColumn[] {
  return [
    { key: 'lineCode', header: 'Mã dòng', kind: 'text', width: 22 },
    ...(rights.names ? [{ key: 'fullName', header: 'Họ và tên', kind: 'text', width: 26 } as const] : []),
    ...(rights.categories ? [{ key: 'category', header: 'Chế độ', kind: 'text', width: 30 } as const] : []),
    { key: 'amount', header: 'Trợ cấp tháng', kind: 'vnd', total: true },
    { key: 'arrears', header: 'Truy lĩnh', kind: 'vnd', total: true },
    { key: 'carriedOver', header: 'Chưa nhận kỳ trước', kind: 'vnd', total: true },
    { key: 'oneOff', header: 'Hỗ trợ một lần', kind: 'vnd', total: true },
    { key: 'recovery', header: 'Thu hồi', kind: 'vnd', total: true },
    { key: 'total', header: 'Số tiền chi trả', kind: 'vnd', total: true },
    { key: 'channel', header: 'Hình thức', kind: 'text', width: 14 },
    { key: 'status', header: 'Trạng thái', kind: 'text', width: 14 },
    { key: 'paidOn', header: 'Ngày nhận', kind: 'date' },
  ];
}

/** A line as the export's query reads it (money as text: bigint). */
export type PaymentListExportRecord = {
  line_code: string;
  full_name?: string | null;
  category?: string | null;
  amount: string;
  arrears: string;
  carried_over: string;
  one_off: string;
  recovery: string;
  total: string;
  channel: PaymentChannelValue;
  status: PaymentStatusValue;
  paid_on: string | null;
};

export function paymentListExportRow(
  line: PaymentListExportRecord,
  rights: PaymentListExportRights,
): ReportRow {
  return {
    lineCode: line.line_code,
    ...(rights.names ? { fullName: line.full_name ?? '' } : {}),
    ...(rights.categories ? { category: line.category ?? '' } : {}),
    amount: Number(line.amount),
    arrears: Number(line.arrears),
    carriedOver: Number(line.carried_over),
    oneOff: Number(line.one_off),
    recovery: Number(line.recovery),
    total: Number(line.total),
    channel: CHANNEL_NAMES[line.channel] ?? line.channel,
    status: STATUS_NAMES[line.status] ?? line.status,
    paidOn: line.paid_on,
  };
}

/** `Đơn vị: Phường Thành Sen (18073) · Tháng: 11/2026 · Trạng thái: đã phê duyệt`. */
export function paymentListExportSubtitle(list: {
  unitName: string;
  unitCode: string;
  month: string;
  state: PaymentListStateValue;
}): string {
  return [
    `Đơn vị: ${list.unitName} (${list.unitCode})`,
    `Tháng: ${displayMonth(list.month)}`,
    `Trạng thái: ${PAYMENT_LIST_STATE_NAMES[list.state]}`,
  ].join(' · ');
}
