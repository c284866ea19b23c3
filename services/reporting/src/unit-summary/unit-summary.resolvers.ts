import {
  currentMonth,
  forbidden,
  identifierArgument,
  monthArgument,
  notFound,
  scopeSessionContext,
  UNIT_CODE_FORMAT,
  type ScopedUnit,
} from '@ansinh/common';
import type { ReportingContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { unitFigures } from './unit-summary.repository.ts';

export const REPORTING_SCHEMA = 'reporting';

/** The unit a code names today (in force, else a former unit that has ended). */
async function unitNamed(code: string, context: ReportingContext): Promise<ScopedUnit> {
  identifierArgument(code, UNIT_CODE_FORMAT, 'code', 'Mã đơn vị');
  const unit = await context.loaders.units.load(code);
  if (!unit) throw notFound(`Không tìm thấy đơn vị có mã "${code}".`);
  return unit;
}

export const unitSummaryResolvers = {
  Query: {
    unitSummary: async (_parent, args, context) => {
      context.session.assert('report:read');
      const month = monthArgument(args.month, 'month');
      const unit = await unitNamed(args.code, context);
      if (!context.session.covers(unit.path)) throw forbidden();
      return { unit: { id: unit.id }, month, ...(await unitFigures(context.em, unit.scopePaths, month)) };
    },
    publicFigures: async (_parent, args, context) => {
      const unit = await unitNamed(args.code, context);
      // Public aggregates of any unit: counted in a database scope of that unit, whoever asks.
      const unitScoped = context.em.fork();
      unitScoped.setSessionContext(scopeSessionContext(REPORTING_SCHEMA, unit.path));
      const { beneficiaryCount, monthlyEntitlementTotal } = await unitFigures(
        unitScoped,
        unit.scopePaths,
        currentMonth(),
      );
      return { unit: { id: unit.id }, beneficiaryCount, monthlyEntitlementTotal };
    },
  },
} satisfies Pick<Resolvers, 'Query'>;
