import { displayDate, displayMonth } from '@ansinh/common';
import { paidThrough, POST_PROVIDER } from './disbursement-file.rules.ts';
import { vnd, type ParsedRow, type ResultRow } from './result-file.rules.ts';

/**
 * Matching a provider's result rows to payment lines (services/payments/docs/disbursement-files.md):
 * which rows change their line, and why each other row changes nothing. No database: the service
 * gives the lines the rows name, as they are inside its transaction.
 */

export const MISMATCH_KINDS = [
  'UNKNOWN_REFERENCE',
  'WRONG_MONTH',
  'WRONG_LIST',
  'WRONG_PROVIDER',
  'AMOUNT_DIFFERS',
  'ALREADY_PAID',
  'NOT_PAYABLE',
  'DUPLICATE_ROW',
  'BAD_ROW',
] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export type Mismatch = {
  row: number;
  reference: string | null;
  kind: MismatchKind;
  expectedAmount: number | null;
  foundAmount: number | null;
  message: string;
};

/** A payment line a row names, found in the caller's scope. */
export type FoundLine = {
  id: string;
  lineCode: string;
  listId: string;
  unitCode: string;
  month: string;
  status: string;
  total: number;
  channel: string;
  /** The line's account, as the registry publishes it (null: none, or not readable). */
  accountKind: string | null;
  providerCode: string | null;
  /** YYYY-MM-DD, for a paid line. */
  paidOn: string | null;
};

export type TargetList = { id: string; month: string; provider: string };

/** A row that changes its line. */
export type Match = { row: number; lineId: string; result: ResultRow };

export type Reconciled = { paid: Match[]; failed: Match[]; mismatches: Mismatch[] };

/** Statuses a result is recorded for: what the disbursement file carries. */
const PAYABLE = new Set(['pending', 'unpaid']);

const STATUS_LABELS: Record<string, string> = {
  held: 'bị giữ lại',
  returned: 'bị trả lại',
  unreachable: 'không liên lạc được',
};

const CHANNEL_LABELS: Record<string, string> = {
  cash: 'tiền mặt tại xã',
  post: 'bưu điện',
  bank: 'ngân hàng',
  e_wallet: 'ví điện tử',
  mobile_money: 'Mobile Money',
  vneid: 'tài khoản an sinh xã hội trên VNeID',
};

/** `12/2026`. */

const providerLabel = (provider: string) => (provider === POST_PROVIDER ? 'bưu điện (POST)' : provider);

function wrongProviderMessage(line: FoundLine, provider: string): string {
  const channel = CHANNEL_LABELS[line.channel] ?? line.channel;
  const account = line.providerCode ? ` ${line.providerCode}` : '';
  return `Dòng ${line.lineCode} không chi qua ${providerLabel(provider)}: hình thức chi trả của dòng là ${channel}${account}.`;
}

/**
 * Sorts the rows of one result file against the lines they name (`lines` by line code): a row whose
 * reference is a line of this list, paid through this provider, with the line's total, on a line not
 * yet paid, is a match; every other row is a mismatch, in row order, with its reason. A reference in
 * several rows matches none of them (which one would be true?).
 */
export function reconcile(
  rows: readonly ParsedRow[],
  lines: ReadonlyMap<string, FoundLine>,
  list: TargetList,
): Reconciled {
  const rowsOf = new Map<string, number[]>();
  for (const row of rows) {
    if (row.reference === null) continue;
    const seen = rowsOf.get(row.reference);
    if (seen) seen.push(row.row);
    else rowsOf.set(row.reference, [row.row]);
  }
  const paid: Match[] = [];
  const failed: Match[] = [];
  const mismatches: Mismatch[] = [];
  const mismatch = (
    row: ParsedRow,
    kind: MismatchKind,
    message: string,
    amounts: { expected?: number; found?: number } = {},
  ) =>
    mismatches.push({
      row: row.row,
      reference: row.reference,
      kind,
      expectedAmount: amounts.expected ?? null,
      foundAmount: amounts.found ?? null,
      message,
    });

  for (const row of rows) {
    if (!row.ok) {
      mismatch(row, 'BAD_ROW', row.message);
      continue;
    }
    const result = row.value;
    const reference = result.reference;
    const sameReference = rowsOf.get(reference)!;
    if (sameReference.length > 1) {
      mismatch(
        row,
        'DUPLICATE_ROW',
        `Mã dòng ${reference} có ở nhiều dòng của tệp (dòng ${sameReference.join(', ')}): không dòng nào được ghi nhận.`,
      );
      continue;
    }
    const line = lines.get(reference);
    if (!line) {
      mismatch(
        row,
        'UNKNOWN_REFERENCE',
        `Mã dòng ${reference} không có trong danh sách chi trả nào thuộc phạm vi của bạn.`,
      );
      continue;
    }
    if (line.listId !== list.id) {
      if (line.month !== list.month)
        mismatch(
          row,
          'WRONG_MONTH',
          `Dòng ${reference} thuộc danh sách chi trả tháng ${displayMonth(line.month)}, không phải tháng ${displayMonth(list.month)} của danh sách này.`,
        );
      else
        mismatch(
          row,
          'WRONG_LIST',
          `Dòng ${reference} thuộc danh sách chi trả tháng ${displayMonth(line.month)} của đơn vị ${line.unitCode}, không phải danh sách này.`,
        );
      continue;
    }
    if (!paidThrough(line, list.provider)) {
      mismatch(row, 'WRONG_PROVIDER', wrongProviderMessage(line, list.provider));
      continue;
    }
    if (line.status === 'paid') {
      mismatch(
        row,
        'ALREADY_PAID',
        `Dòng ${reference} đã được ghi nhận chi trả${line.paidOn ? ` ngày ${displayDate(line.paidOn)}` : ''}: kết quả này không được ghi.`,
      );
      continue;
    }
    if (!PAYABLE.has(line.status)) {
      mismatch(
        row,
        'NOT_PAYABLE',
        `Dòng ${reference} đang ở trạng thái ${STATUS_LABELS[line.status] ?? line.status}: kết quả này không được ghi.`,
      );
      continue;
    }
    if (result.amount !== line.total) {
      mismatch(
        row,
        'AMOUNT_DIFFERS',
        `Số tiền của dòng ${reference} là ${vnd(line.total)} đồng, tệp ghi ${vnd(result.amount)} đồng.`,
        { expected: line.total, found: result.amount },
      );
      continue;
    }
    (result.status === 'paid' ? paid : failed).push({ row: row.row, lineId: line.id, result });
  }
  return { paid, failed, mismatches };
}
