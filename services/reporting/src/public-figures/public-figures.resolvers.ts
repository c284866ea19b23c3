import { upper } from '@ansinh/common';
import type { CitizenPaymentState, PaymentChannel, Resolvers } from '../generated/resolvers-types.ts';
import { publicFiguresConfig } from './public-figures.config.ts';
import { checkCitizenPayments, publicFigures, publicTableCache } from './public-figures.service.ts';

const publicTables = publicTableCache(publicFiguresConfig.cacheSeconds);

/** Both queries answer without a token (`@public`): neither reads the caller's session. */
export const publicFiguresResolvers = {
  Query: {
    publicFigures: (_parent, args, context) =>
      publicFigures(
        {
          em: context.em,
          units: context.loaders.units,
          config: publicFiguresConfig,
          cache: publicTables,
          now: new Date(),
        },
        args,
      ),
    citizenPaymentStatus: async (_parent, args, context) => {
      const check = await checkCitizenPayments(
        {
          em: context.em,
          clientAddress: context.clientAddress,
          config: publicFiguresConfig.citizenCheck,
          now: new Date(),
        },
        args,
      );
      return {
        ...check,
        payments: check.payments.map((payment) => ({
          ...payment,
          status: (payment.status === 'paid' ? 'PAID' : 'UNPAID') satisfies CitizenPaymentState,
          channel: upper(payment.channel) as PaymentChannel,
        })),
      };
    },
  },
} satisfies Pick<Resolvers, 'Query'>;
