import type { JobKind } from '@ansinh/common';
import type { ReportDefinition } from './report-definition.ts';
import { exportsResolvers } from './exports.resolvers.ts';
import { reportExportKind } from './report-export.job.ts';

/**
 * Report exports as jobs into the reporting file store: `exportReport` queues the `report-export` job
 * of one of the reports the capabilities define (each module's `reports`), which writes its table as
 * XLSX, CSV or PDF for the caller's unit; `Job.reportExport` answers the file once it is done.
 */
export function exportsModule(reports: readonly ReportDefinition[]) {
  const names = new Set<string>();
  for (const report of reports) {
    if (names.has(report.name)) throw new Error(`reporting: two reports are named "${report.name}"`);
    names.add(report.name);
  }
  return {
    resolvers: exportsResolvers(reports),
    kinds: [reportExportKind(reports)] as JobKind[],
  };
}
