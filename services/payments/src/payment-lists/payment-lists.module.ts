import type { JobKind } from '@ansinh/common';
import { paymentListResolvers } from './payment-list.resolvers.ts';
import { generatePaymentListsJob } from './payment-list.job.ts';

/** Monthly payment lists (issue 12, point 1): made as jobs, approved, paid, closed; adjusted only by record. */
export const paymentListsModule = {
  resolvers: paymentListResolvers,
  kinds: [generatePaymentListsJob] as JobKind[],
};
