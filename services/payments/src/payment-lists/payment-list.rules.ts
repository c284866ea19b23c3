import {
  addMonths,
  badInput,
  cleanText,
  currentMonth,
  displayMonth,
  isMonth,
  type Month,
} from '@ansinh/common';

/** How far back a list may still be made (a commune that missed months): two years. */
export const MONTHS_BACK = 24;

/** The month of a list to make: this month or the next (the list for next month is sent before the 25th), or a missed one of the last two years. */
export function listMonth(month: string, now: Date = new Date()): Month {
  if (!isMonth(month)) throw badInput('month', 'Tháng phải có dạng YYYY-MM, ví dụ 2026-12.');
  const current = currentMonth(now);
  const next = addMonths(current, 1);
  if (month > next) {
    throw badInput('month', `Chỉ lập được danh sách chi trả đến tháng sau (${displayMonth(next)}).`);
  }
  if (month < addMonths(current, -MONTHS_BACK)) {
    throw badInput('month', `Chỉ lập lại được danh sách chi trả của ${MONTHS_BACK} tháng gần nhất.`);
  }
  return month;
}

export type ControlTotalsRow = {
  line_count: number;
  person_count: number;
  total_amount: string | number;
  held_count: number;
  held_amount: string | number;
  channel_totals: Record<string, { lines: number; amount: number }>;
};

/** What differs between stored and recomputed control totals (empty when they agree). */
export function controlTotalsDiffer(stored: ControlTotalsRow, recomputed: ControlTotalsRow): string[] {
  const differences: string[] = [];
  if (stored.line_count !== recomputed.line_count)
    differences.push(`số dòng ${stored.line_count} ≠ ${recomputed.line_count}`);
  if (stored.person_count !== recomputed.person_count)
    differences.push(`số người ${stored.person_count} ≠ ${recomputed.person_count}`);
  if (Number(stored.total_amount) !== Number(recomputed.total_amount))
    differences.push(`tổng tiền ${stored.total_amount} ≠ ${recomputed.total_amount}`);
  const channels = new Set([
    ...Object.keys(stored.channel_totals),
    ...Object.keys(recomputed.channel_totals),
  ]);
  for (const channel of [...channels].sort()) {
    const before = stored.channel_totals[channel];
    const now = recomputed.channel_totals[channel];
    if (before?.lines !== now?.lines || Number(before?.amount ?? 0) !== Number(now?.amount ?? 0)) {
      differences.push(
        `kênh ${channel}: ${before?.lines ?? 0} dòng/${before?.amount ?? 0} ≠ ${now?.lines ?? 0} dòng/${now?.amount ?? 0}`,
      );
    }
  }
  return differences;
}

/** A reason an official writes (adjustment, channel change): one line of at most 500 characters, by the text policy. */
export function reasonText(reason: string, field = 'reason'): string {
  const cleaned = cleanText(reason, { label: 'Lý do', kind: 'line', maxLength: 500 });
  if (!cleaned.ok) throw badInput(field, cleaned.message);
  if (!cleaned.text) throw badInput(field, 'Cần ghi lý do.');
  return cleaned.text;
}

/** The most one monthly amount may be set to by hand (a guard against a mistyped figure). */
export const MAX_LINE_AMOUNT = 100_000_000;

export function adjustedAmount(amount: number | null | undefined): number {
  if (amount == null) throw badInput('amount', 'Cần nhập số tiền mới.');
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw badInput('amount', 'Số tiền phải là số nguyên đồng, không âm.');
  if (amount > MAX_LINE_AMOUNT) throw badInput('amount', 'Số tiền vượt mức cho phép của một dòng chi trả.');
  return amount;
}
