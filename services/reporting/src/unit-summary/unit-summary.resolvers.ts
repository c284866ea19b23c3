import { inRequestTransaction, monthArgument, type ScopedUnit } from '@ansinh/common';
import type { ReportingContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { statisticsRefreshed } from '../statistics/stats.resolvers.ts';
import { unitInCallerScope } from '../units/unit-argument.ts';
import { unitFigures } from './unit-summary.repository.ts';

export const REPORTING_SCHEMA = 'reporting';

async function summaryOf(
  unit: Pick<ScopedUnit, 'id' | 'scopePaths'>,
  month: string,
  context: ReportingContext,
) {
  await statisticsRefreshed(context);
  const figures = await inRequestTransaction(context.em, (client) =>
    unitFigures(client, unit.scopePaths, month, context.session.allows('entitlement:read-confidential')),
  );
  return { unit: { id: unit.id }, month, ...figures };
}

export const unitSummaryResolvers = {
  Query: {
    unitSummary: async (_parent, args, context) => {
      context.session.assert('report:read');
      const month = monthArgument(args.month, 'month');
      const unit = await unitInCallerScope(args.code, context);
      return summaryOf(unit, month, context);
    },
  },
  AdministrativeUnit: {
    // A unit listed outside the caller's scope (units are public) has no figures for them: null, as an
    // entity out of scope is. Roles without `report:read` get FORBIDDEN from @sensitive.
    summary: async (parent, args, context) => {
      const month = monthArgument(args.month, 'month');
      const unit = await context.loaders.unitById.load(parent.id);
      if (!unit || !context.session.covers(unit.path)) return null;
      return summaryOf({ id: parent.id, scopePaths: unit.scopePaths }, month, context);
    },
  },
} satisfies Pick<Resolvers, 'Query' | 'AdministrativeUnit'>;
