import type { JobKind } from '@ansinh/common';
import { disbursementResolvers } from './disbursement.resolvers.ts';

/**
 * Disbursement files and reconciliation (issue 12, point 4): a provider's file of a payment list
 * exported to the file store, and the provider's result file read back against the list. Both run
 * within the request (a list is at most 20,000 lines, a result file at most 5 MB): no job kinds.
 * Layouts: services/payments/docs/disbursement-files.md.
 */
export const disbursementModule = { resolvers: disbursementResolvers, kinds: [] as JobKind[] };
