import type { ExportFormat, ReportExportInput } from '../generated/graphql.ts';

/** Which period a report takes: a month, a range of months, a range of days, or none. */
export type ExportPeriod = 'month' | 'months' | 'days' | 'none';

/** The reports `exportReport` knows (services/reporting: regulation and compliance reports). */
export const EXPORT_REPORTS = [
  { name: 'payment-summary', label: 'Tổng hợp chi trả hằng tháng', period: 'month' },
  { name: 'entitlement-changes', label: 'Biến động tăng, giảm đối tượng', period: 'month' },
  { name: 'resolution-42-summary', label: 'Hỗ trợ theo Nghị quyết 42', period: 'none' },
  { name: 'missing-payment-lists', label: 'Đơn vị chưa lập danh sách chi trả', period: 'months' },
  { name: 'late-daily-updates', label: 'Cập nhật chi trả thiếu hoặc trễ', period: 'days' },
  { name: 'data-completeness', label: 'Mức độ đầy đủ dữ liệu', period: 'none' },
] as const satisfies readonly { name: string; label: string; period: ExportPeriod }[];

export type ExportReportName = (typeof EXPORT_REPORTS)[number]['name'];

export const EXPORT_FORMATS: readonly (readonly [ExportFormat, string])[] = [
  ['XLSX', 'Excel (XLSX)'],
  ['CSV', 'CSV'],
  ['PDF', 'PDF'],
];

export type ExportForm = {
  report: ExportReportName;
  format: ExportFormat;
  unitCode: string;
  month: string;
  fromMonth: string;
  toMonth: string;
  fromDate: string;
  toDate: string;
};

export const exportPeriodOf = (report: string): ExportPeriod =>
  EXPORT_REPORTS.find((each) => each.name === report)?.period ?? 'none';

/** What to export: only the period arguments the report takes, since a report refuses the others. */
export function exportInput(form: ExportForm): ReportExportInput {
  const input: ReportExportInput = {
    report: form.report,
    format: form.format,
    unitCode: form.unitCode.trim(),
  };
  switch (exportPeriodOf(form.report)) {
    case 'month':
      return { ...input, month: form.month };
    case 'months':
      return { ...input, fromMonth: form.fromMonth, toMonth: form.toMonth };
    case 'days':
      return { ...input, fromDate: form.fromDate, toDate: form.toDate };
    case 'none':
      return input;
  }
}
