import { badInput, reportExportJob, type ReportExportPayload } from '@ansinh/common';
import type { ReportArguments, ReportDefinition } from './report-definition.ts';

export const REPORT_EXPORT = 'report-export';

/** A report export's job payload: the report, the format, and its arguments as its check left them. */
export type ReportExportJobPayload = ReportExportPayload & { args: ReportArguments };

/** `thang-2026-11`, `2026-01-den-2026-06`: the period of a report's arguments, for its file name. */
function periodOf(args: ReportArguments): string {
  if (args.month) return args.month;
  const from = args.fromMonth ?? args.fromDate;
  const to = args.toMonth ?? args.toDate;
  return [from, to].filter(Boolean).join('-den-');
}

/**
 * The `report-export` job kind over the reports it is given: the table of the payload's report, read
 * through the job's transaction (scoped as the owner), written in the payload's format to the
 * reporting subgraph's file store.
 */
export function reportExportKind(reports: readonly ReportDefinition[]) {
  const byName = new Map(reports.map((report) => [report.name, report]));
  return reportExportJob<ReportExportJobPayload>({
    kind: REPORT_EXPORT,
    table: (client, payload, signal) => {
      const report = byName.get(payload.report);
      // Asked for before this version of the subgraph dropped the report.
      if (!report) throw badInput('input.report', `Không còn báo cáo "${payload.report}".`);
      return report.table(client, payload.args, signal);
    },
    fileName: (payload) =>
      [payload.report, payload.args.unitCode, periodOf(payload.args)].filter(Boolean).join('-'),
  });
}
