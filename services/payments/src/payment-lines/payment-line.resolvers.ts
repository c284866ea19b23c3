import { monthArgument, subtreeFor } from '@ansinh/common';
import type {
  PaymentChannel,
  PaymentReceiver,
  PaymentStatus,
  Resolvers,
} from '../generated/resolvers-types.ts';
import { findPaymentList } from './payment-line.repository.ts';

export const paymentLineResolvers = {
  Query: {
    paymentLines: async (_parent, args, context) => {
      const month = monthArgument(args.month, 'month');
      const paths = await subtreeFor(context.session, 'payment:read', args.unitCode, context.loaders.units);
      return findPaymentList(context.em, paths, month);
    },
  },
  Person: {
    payments: async (person, args, context) => {
      context.session.assert('payment:read');
      const lines = await context.loaders.paymentsByPerson.load(person.id);
      if (args.month == null) return lines;
      const month = monthArgument(args.month, 'month');
      return lines.filter((line) => line.month === month);
    },
  },
  PaymentLine: {
    __resolveReference: async (reference, context) => {
      context.session.assert('payment:read');
      return context.loaders.lineById.load(reference.id);
    },
    list: (line, _args, context) => context.loaders.listById.load(line.listId),
    coveredMonths: (line, _args, context) => context.loaders.coveredMonthsByLine.load(line.id),
    receiver: (line) => (line.receiver ? (line.receiver.toUpperCase() as PaymentReceiver) : null),
    paidAt: (line) => line.paidAt?.toISOString() ?? null,
    // Computed by the database (amount + arrears + carried over + one-off - recovery).
    total: (line) => line.amount + line.arrears + line.carriedOver + line.oneOff - line.recovery,
    channel: (line) => line.channel.toUpperCase() as PaymentChannel,
    status: (line) => line.status.toUpperCase() as PaymentStatus,
    unit: (line) => ({ id: line.unitId }),
    person: (line) => ({ id: line.personId }),
    history: (line, _args, context) => {
      context.session.assert('payment:read');
      return context.loaders.paymentLineHistory.load(line.id);
    },
  },
} satisfies Pick<Resolvers, 'Query' | 'Person' | 'PaymentLine'>;
