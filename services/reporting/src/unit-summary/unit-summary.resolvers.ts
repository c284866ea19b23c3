import {
  currentMonth,
  forbidden,
  identifierArgument,
  monthArgument,
  notFound,
  scopeSessionContext,
  UNIT_CODE_FORMAT,
} from '@ansinh/common';
import type { ReportingContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { unitFigures } from './unit-summary.repository.ts';

export const REPORTING_SCHEMA = 'reporting';

async function unitPath(code: string, context: ReportingContext): Promise<string> {
  identifierArgument(code, UNIT_CODE_FORMAT, 'code', 'Mã đơn vị');
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
      // Public aggregates of any unit: counted in a database scope of that unit, whoever asks.
      const unitScoped = context.em.fork();
      unitScoped.setSessionContext(scopeSessionContext(REPORTING_SCHEMA, path));
      const { beneficiaryCount, monthlyEntitlementTotal } = await unitFigures(
        unitScoped,
        path,
        currentMonth(),
      );
      return { unit: { code: args.code }, beneficiaryCount, monthlyEntitlementTotal };
    },
  },
} satisfies Pick<Resolvers, 'Query'>;
