import type { ReportDefinition } from '../exports/report-definition.ts';
import { regulationReports } from './regulation-reports.exports.ts';
import { regulationReportResolvers } from './regulation-reports.resolvers.ts';

/**
 * Regulation reports (issue 13, point 2): the monthly payment summary, the month's increases and
 * decreases by reason, the Resolution 42 support summary; each a query for the screen and an export.
 */
export const regulationReportsModule = {
  resolvers: regulationReportResolvers,
  reports: regulationReports as ReportDefinition[],
};
