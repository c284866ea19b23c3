import type { ReportColumn, ReportRow } from '@ansinh/common';
import { HIDDEN_CATEGORY_NAME } from './entitlement-changes.rules.ts';

/** One Resolution 42 group in a unit: its lists, people, rows paid and flagged, amounts (whole đồng). */
export type R42GroupFigures = {
  /** Null for a confidential group hidden from the reader (counted together under HIDDEN_CATEGORY_NAME). */
  categoryCode: string | null;
  categoryName: string;
  lists: number;
  people: number;
  paid: number;
  flagged: number;
  amountListed: number;
  amountPaid: number;
};

/** People on the lists of several groups, and what became of them (services/reporting regulation-reports SDL). */
export type R42SeveralGroups = {
  people: number;
  paidOnce: number;
  paidMoreThanOnce: number;
  paidElsewhere: number;
  flaggedRows: number;
};

/** A group's name as shown: the hidden ones under one label. */
export function groupName(categoryCode: string | null, categoryName: string | null): string {
  return categoryCode === null ? HIDDEN_CATEGORY_NAME : (categoryName ?? categoryCode);
}

/** Columns of the exported Resolution 42 summary: one row per group. */
export const R42_SUMMARY_COLUMNS: readonly ReportColumn[] = [
  { key: 'categoryName', header: 'Nhóm đối tượng', kind: 'text', width: 48 },
  { key: 'lists', header: 'Số danh sách', kind: 'integer', total: true },
  { key: 'people', header: 'Số người trong danh sách', kind: 'integer', total: true },
  { key: 'paid', header: 'Được hỗ trợ', kind: 'integer', total: true },
  { key: 'flagged', header: 'Không hỗ trợ (đã hưởng nhóm khác)', kind: 'integer', total: true },
  { key: 'amountListed', header: 'Số tiền theo danh sách', kind: 'vnd', total: true },
  { key: 'amountPaid', header: 'Số tiền hỗ trợ', kind: 'vnd', total: true },
];

export function r42SummaryRow(group: R42GroupFigures): ReportRow {
  return { ...group };
}

/**
 * What the table of groups cannot say (its totals add up the groups, so a person in two groups counts
 * twice there): the distinct people and those in several groups, as a sentence under the heading.
 */
export function r42PeopleNote(people: number, several: R42SeveralGroups): string {
  const count = (value: number) => value.toLocaleString('vi-VN');
  const parts = [`được hỗ trợ một lần: ${count(several.paidOnce)}`];
  if (several.paidMoreThanOnce > 0)
    parts.push(`hỗ trợ nhiều lần (cần thu hồi): ${count(several.paidMoreThanOnce)}`);
  if (several.paidElsewhere > 0) parts.push(`hỗ trợ tại đơn vị khác: ${count(several.paidElsewhere)}`);
  parts.push(`dòng không hỗ trợ: ${count(several.flaggedRows)}`);
  return `Số người (không trùng): ${count(people)}; thuộc nhiều nhóm: ${count(several.people)} (${parts.join('; ')})`;
}
