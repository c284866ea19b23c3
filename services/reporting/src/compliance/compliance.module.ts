import { complianceResolvers } from './compliance.resolvers.ts';
import { complianceReports } from './compliance.reports.ts';

/**
 * Compliance: the communes' months without a payment list (`missingPaymentLists`, rendered as the
 * ministry writes them), their missing or late daily payment updates (`lateDailyUpdates`), and data
 * completeness per unit (`dataCompleteness`, the data-gaps roll-up), each exportable.
 */
export const complianceModule = { resolvers: complianceResolvers, reports: complianceReports };
