import { paymentUpdateResolvers } from './payment-update.resolvers.ts';

/**
 * Daily payment updates (issue 12, point 3): `recordPayments` (bulk, all or nothing, version-checked,
 * idempotent, late after 17:30) and `dailyUpdateStatus` (which communes have updated today).
 */
export const paymentUpdatesModule = { resolvers: paymentUpdateResolvers };
