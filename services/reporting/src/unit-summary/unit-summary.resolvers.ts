import { currentMonth, forbidden, monthArgument, notFound } from '@ansinh/common';
import type { ReportingContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { unitFigures } from './unit-summary.repository.ts';

async function unitPath(code: string, context: ReportingContext): Promise<string> {
  const path = await context.loaders.unitPath.load(code);
  if (!path) throw notFound(`Không tìm thấy đơn vị có mã "${code}".`);
  return path;
}

export const unitSummaryResolvers = {
  Query: {
    unitSummary: async (_parent, args, context) => {
      context.session.assert('report:read');
      const month = monthArgument(args.month, 'month');
      const path = await unitPath(args.code, context);
      if (!context.session.covers(path)) throw forbidden();
      return { unit: { code: args.code }, month, ...(await unitFigures(context.em, path, month)) };
    },
    publicFigures: async (_parent, args, context) => {
      const path = await unitPath(args.code, context);
      const { beneficiaryCount, monthlyEntitlementTotal } = await unitFigures(
        context.em,
        path,
        currentMonth(),
      );
      return { unit: { code: args.code }, beneficiaryCount, monthlyEntitlementTotal };
    },
  },
} satisfies Pick<Resolvers, 'Query'>;
