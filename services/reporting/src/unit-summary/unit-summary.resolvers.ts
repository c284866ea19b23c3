import { badInput, forbidden, notFound } from '@ansinh/common';
import type { ReportingContext } from '../context.ts';
import { unitFigures } from './unit-summary.repository.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function currentMonthInVietnam(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit' })
    .format(now)
    .slice(0, 7);
}

async function unitPath(code: string, context: ReportingContext): Promise<string> {
  const path = await context.loaders.unitPath.load(code);
  if (!path) throw notFound(`Không tìm thấy đơn vị có mã "${code}".`);
  return path;
}

export const unitSummaryResolvers = {
  Query: {
    unitSummary: async (_parent, args, context) => {
      context.session.assert('report:read');
      const month = args.month ?? currentMonthInVietnam();
      if (!MONTH.test(month)) throw badInput('month', 'Tháng phải có dạng YYYY-MM, ví dụ 2026-11.');
      const path = await unitPath(args.code, context);
      if (!context.session.covers(path)) throw forbidden();
      return { unit: { code: args.code }, month, ...(await unitFigures(context.em, path, month)) };
    },
    publicFigures: async (_parent, args, context) => {
      const path = await unitPath(args.code, context);
      const { beneficiaryCount, monthlyEntitlementTotal } = await unitFigures(
        context.em,
        path,
        currentMonthInVietnam(),
      );
      return { unit: { code: args.code }, beneficiaryCount, monthlyEntitlementTotal };
    },
  },
} satisfies Pick<Resolvers, 'Query'>;
