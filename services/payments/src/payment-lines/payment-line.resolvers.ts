import { badInput, forbidden } from '@ansinh/common';
import type { PaymentChannel, PaymentStatus, Resolvers } from '../generated/resolvers-types.ts';
import { findPaymentList } from './payment-line.repository.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function checkMonth(month: string, field: string): string {
  if (!MONTH.test(month)) throw badInput(field, 'Tháng phải có dạng YYYY-MM, ví dụ 2026-11.');
  return month;
}

export const paymentLineResolvers = {
  Query: {
    paymentLines: async (_parent, args, context) => {
      let path = context.session.assert('payment:read');
      const month = checkMonth(args.month, 'month');
      if (args.unitCode) {
        const unitPath = await context.loaders.unitPath.load(args.unitCode);
        if (!unitPath) throw badInput('unitCode', `Không tìm thấy đơn vị có mã "${args.unitCode}".`);
        if (!context.session.covers(unitPath)) throw forbidden();
        path = unitPath;
      }
      return findPaymentList(context.em, path, month);
    },
  },
  Person: {
    payments: async (person, args, context) => {
      context.session.assert('payment:read');
      const lines = await context.loaders.paymentsByPerson.load(person.id);
      if (args.month == null) return lines;
      const month = checkMonth(args.month, 'month');
      return lines.filter((line) => line.month === month);
    },
  },
  PaymentLine: {
    total: (line) => line.amount + line.arrears,
    channel: (line) => line.channel.toUpperCase() as PaymentChannel,
    status: (line) => line.status.toUpperCase() as PaymentStatus,
    unit: (line) => ({ code: line.unitCode }),
  },
} satisfies Pick<Resolvers, 'Query' | 'Person' | 'PaymentLine'>;
