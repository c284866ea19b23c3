import {
  badInput,
  exportFormatArgument,
  jobOwnerOf,
  reportExportOf,
  type Action,
  type JobRecord,
} from '@ansinh/common';
import type { ReportingContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { unitInCallerScope } from '../units/unit-argument.ts';
import type { ReportDefinition } from './report-definition.ts';
import { reportArgumentsOf } from './report-arguments.ts';
import { REPORT_EXPORT, type ReportExportJobPayload } from './report-export.job.ts';

const REPORT_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** `exportReport` and `Job.reportExport` over the reports the subgraph's capabilities export. */
export function exportsResolvers(reports: readonly ReportDefinition[]) {
  const byName = new Map(reports.map((report) => [report.name, report]));
  const names = [...byName.keys()].sort();

  const reportNamed = (name: string): ReportDefinition => {
    const report = REPORT_NAME.test(name) ? byName.get(name) : undefined;
    if (!report)
      throw badInput(
        'input.report',
        names.length
          ? `Không có báo cáo "${name.slice(0, 64)}". Các báo cáo xuất được: ${names.join(', ')}.`
          : 'Chưa có báo cáo nào xuất được.',
      );
    return report;
  };

  return {
    Mutation: {
      exportReport: async (_parent, { input }, context: ReportingContext) => {
        context.session.assert('report:export');
        const report = reportNamed(input.report);
        context.session.assert(report.action as Action);
        const format = exportFormatArgument(input.format, 'input.format');
        const asked = reportArgumentsOf(input);
        const unit = await unitInCallerScope(asked.unitCode, context, 'input.unitCode');
        const args = await report.check({ ...asked, unitCode: unit.code }, context.session);
        const jobs = context.jobs;
        if (!jobs) throw new Error('reporting: the subgraph runs without its jobs');
        const payload: ReportExportJobPayload = {
          report: report.name,
          format,
          readConfidential: context.session.allows('entitlement:read-confidential'),
          args,
        };
        return jobs.enqueue(REPORT_EXPORT, payload, jobOwnerOf(context.session));
      },
    },
    Job: {
      reportExport: (job: JobRecord) => reportExportOf(job, REPORT_EXPORT),
    },
  } satisfies Pick<Resolvers, 'Mutation' | 'Job'>;
}
