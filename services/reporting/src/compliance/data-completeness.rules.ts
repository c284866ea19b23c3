import { badInput } from '@ansinh/common';

/**
 * The fields whose completeness is counted, as the registry's `dataGaps` counts them
 * (services/registry/src/data-gaps/data-gaps.repository.ts): CCCD, gender (unknown counts as missing),
 * ethnicity, an account to be paid into (bank, e-wallet or mobile money: any kind counts) over living
 * persons; decision number and date over the living persons with a monthly entitlement active this
 * month (one active entitlement without them is enough to count the person).
 */
export const COMPLETENESS_FIELDS = [
  'citizenId',
  'gender',
  'ethnicity',
  'decisionNumber',
  'decisionDate',
  'paymentAccount',
] as const;
export type CompletenessField = (typeof COMPLETENESS_FIELDS)[number];

/** Whom a field's share is taken of: every living person, or the living beneficiaries. */
export const COMPLETENESS_BASE: Record<CompletenessField, 'persons' | 'beneficiaries'> = {
  citizenId: 'persons',
  gender: 'persons',
  ethnicity: 'persons',
  decisionNumber: 'beneficiaries',
  decisionDate: 'beneficiaries',
  paymentAccount: 'persons',
};

/** Column headers of the export, as officials name the fields. */
export const COMPLETENESS_LABELS: Record<CompletenessField, string> = {
  citizenId: 'CCCD',
  gender: 'giới tính',
  ethnicity: 'dân tộc',
  decisionNumber: 'số quyết định',
  decisionDate: 'ngày quyết định',
  paymentAccount: 'tài khoản nhận tiền',
};

/** What the rows are: every commune under the unit, or the units directly under it. */
export const COMPLETENESS_GROUPINGS = ['commune', 'child_unit'] as const;
export type CompletenessGrouping = (typeof COMPLETENESS_GROUPINGS)[number];

/**
 * The share missing, in percent with one decimal (12.5), rounded half up; null when there is nobody to
 * take a share of (a unit without persons, or without beneficiaries for the decision fields).
 */
export function percentMissing(missing: number, outOf: number): number | null {
  if (outOf <= 0) return null;
  return Math.round((missing * 1000) / outOf) / 10;
}

/** A percentage as Vietnamese write it in a table: `12,5`; empty when there is none. */
export function vietnamesePercent(percent: number | null): string {
  return percent === null ? '' : percent.toLocaleString('vi-VN', { maximumFractionDigits: 1 });
}

/** The grouping an export asks for in its options (`{ groupBy: 'COMMUNE' | 'CHILD_UNIT' }`); communes by default. */
export function completenessGroupingOption(
  options: Record<string, unknown> | undefined,
  field = 'options',
): CompletenessGrouping {
  const unknownOption = Object.keys(options ?? {}).find((key) => key !== 'groupBy');
  if (unknownOption !== undefined) {
    throw badInput(
      field,
      `Báo cáo mức độ đầy đủ dữ liệu chỉ nhận tùy chọn groupBy (COMMUNE hoặc CHILD_UNIT).`,
    );
  }
  const value = options?.['groupBy'] ?? 'COMMUNE';
  const grouping = typeof value === 'string' ? value.toLowerCase() : undefined;
  if (!COMPLETENESS_GROUPINGS.some((known) => known === grouping)) {
    throw badInput(field, 'Tùy chọn groupBy phải là COMMUNE (từng xã) hoặc CHILD_UNIT (đơn vị trực thuộc).');
  }
  return grouping as CompletenessGrouping;
}
