import { lower, subtreeFor } from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { dailyUpdateStatus, dayArgument, recordPayments } from './payment-update.service.ts';

export const paymentUpdateResolvers = {
  Query: {
    dailyUpdateStatus: async (_parent, args, context) => {
      const paths = await subtreeFor(context.session, 'payment:read', args.unitCode, context.loaders.units);
      return dailyUpdateStatus(context.em, paths, dayArgument(args.date, new Date()));
    },
  },
  Mutation: {
    recordPayments: (_parent, args, context) =>
      recordPayments(
        context.em,
        context.session,
        {
          idempotencyKey: args.input.idempotencyKey,
          updates: args.input.updates.map((update) => ({
            ...update,
            status: lower(update.status),
            receiver: update.receiver == null ? update.receiver : lower(update.receiver),
          })),
        },
        new Date(),
      ),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation'>;
