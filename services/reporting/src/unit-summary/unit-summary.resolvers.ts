import { arrayLiteral, inRequestTransaction, monthArgument, type ScopedUnit } from '@ansinh/common';
import DataLoader from 'dataloader';
import type { ReportingContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { statisticsRefreshed } from '../statistics/stats.resolvers.ts';
import { unitInCallerScope } from '../units/unit-argument.ts';
import { unitFigures } from './unit-summary.repository.ts';

export const REPORTING_SCHEMA = 'reporting';

type UnitVersion = Pick<ScopedUnit, 'id' | 'code' | 'path' | 'scopePaths'>;

/** Per request: unit versions by id, with their read paths. */
const unitLoaders = new WeakMap<object, DataLoader<string, UnitVersion | undefined>>();

function unitVersions(context: ReportingContext): DataLoader<string, UnitVersion | undefined> {
  let loader = unitLoaders.get(context);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const rows = await context.em.execute<
        { id: string; code: string; path: string; scope_paths: string[] }[]
      >(
        'select id, code, path::text as path, scope_paths::text[] as scope_paths from registry.v_units where id = any(?::uuid[])',
        [arrayLiteral(ids)],
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => {
        const row = byId.get(id);
        return row && { id: row.id, code: row.code, path: row.path, scopePaths: row.scope_paths };
      });
    });
    unitLoaders.set(context, loader);
  }
  return loader;
}

async function summaryOf(unit: UnitVersion, month: string, context: ReportingContext) {
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
      const unit = await unitVersions(context).load(parent.id);
      if (!unit || !context.session.covers(unit.path)) return null;
      return summaryOf(unit, month, context);
    },
  },
} satisfies Pick<Resolvers, 'Query' | 'AdministrativeUnit'>;
