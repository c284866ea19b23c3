import { addMonths, formatCount, formatDate } from '../format.ts';
import type { DailyUpdateIssue } from '../generated/graphql.ts';
import { daysBefore } from './periods.ts';

/** The unit, the months checked for payment lists and the days checked for daily updates. */
export type ComplianceFilter = {
  unitCode: string;
  fromMonth: string;
  toMonth: string;
  fromDate: string;
  toDate: string;
};

/** The last three months and the last thirty days, today included. */
export function defaultComplianceFilter(unitCode: string, day: string): ComplianceFilter {
  const month = day.slice(0, 7);
  return {
    unitCode,
    fromMonth: addMonths(month, -2),
    toMonth: month,
    fromDate: daysBefore(day, 29),
    toDate: day,
  };
}

const PARAM = {
  unitCode: 'don-vi',
  fromMonth: 'tu-thang',
  toMonth: 'den-thang',
  fromDate: 'tu-ngay',
  toDate: 'den-ngay',
} as const;

export const complianceParams = (filter: ComplianceFilter): Record<string, string> => ({
  [PARAM.unitCode]: filter.unitCode.trim(),
  [PARAM.fromMonth]: filter.fromMonth,
  [PARAM.toMonth]: filter.toMonth,
  [PARAM.fromDate]: filter.fromDate,
  [PARAM.toDate]: filter.toDate,
});

/** The unit and period an address asks for; null before any was asked. */
export function complianceFilterOfParams(params: URLSearchParams): ComplianceFilter | null {
  if (!Object.values(PARAM).some((name) => params.has(name))) return null;
  return {
    unitCode: params.get(PARAM.unitCode) ?? '',
    fromMonth: params.get(PARAM.fromMonth) ?? '',
    toMonth: params.get(PARAM.toMonth) ?? '',
    fromDate: params.get(PARAM.fromDate) ?? '',
    toDate: params.get(PARAM.toDate) ?? '',
  };
}

export const DAILY_ISSUE_LABEL: Record<DailyUpdateIssue, string> = {
  MISSING: 'Không cập nhật',
  LATE: 'Cập nhật trễ',
};

type ComplianceUnitName = { code: string; fullName: string; former: boolean; validTo?: string | null };

/** A unit as a compliance table names it; a former unit with the day it ended, since its code may live on. */
export const complianceUnitName = (unit: ComplianceUnitName): string =>
  unit.former && unit.validTo
    ? `${unit.fullName} (${unit.code}, đến ${formatDate(unit.validTo)})`
    : `${unit.fullName} (${unit.code})`;

/** The unit's key in a table: a former unit and the current one may share a code. */
export const complianceUnitKey = (unit: ComplianceUnitName): string => `${unit.code}:${unit.validTo ?? ''}`;

const PERCENT = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

/** A data gap: how many lack the field, and their share when there is anyone to count. */
export const gapText = (gap: { missing: number; percent?: number | null }): string =>
  gap.percent == null
    ? formatCount(gap.missing)
    : `${formatCount(gap.missing)} (${PERCENT.format(gap.percent)}%)`;

/** The fields whose gaps the data-completeness table shows, with their columns' headings. */
export const COMPLETENESS_FIELDS = [
  ['citizenId', 'Thiếu CCCD'],
  ['gender', 'Thiếu giới tính'],
  ['ethnicity', 'Thiếu dân tộc'],
  ['decisionNumber', 'Thiếu số quyết định'],
  ['decisionDate', 'Thiếu ngày quyết định'],
  ['paymentAccount', 'Thiếu tài khoản nhận tiền'],
] as const;
