import { lower, unitInScope, upper } from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { RegistryContext } from '../context.ts';
import { AdministrativeUnit } from '../units/administrative-unit.entity.ts';
import {
  countDataGaps,
  DATA_GAP_FIELDS,
  personsLacking,
  type UnitGapCounts,
} from './data-gaps.repository.ts';

function unitGaps(counts: UnitGapCounts, unit: AdministrativeUnit) {
  return {
    unit,
    persons: counts.persons,
    gaps: DATA_GAP_FIELDS.map((field) => ({
      field: upper(field),
      missing: counts.missing[field],
      unitPaths: counts.unitPaths,
    })),
  };
}

/**
 * The unit a report is about and the paths its persons lie under: the unit the `unitCode` argument
 * names (when the caller reads it), else the caller's own; each with its persons of every era.
 */
async function reportedUnit(unitCode: string | null | undefined, context: RegistryContext) {
  const { session, loaders } = context;
  session.assert('person:read');
  const named = unitCode
    ? await unitInScope(session, 'person:read', unitCode, loaders.scopeUnits)
    : { id: session.scope!.unitId, scopePaths: [...session.readPaths] };
  const unit = await loaders.unitById.load(named.id);
  if (!unit) throw new Error(`no unit for the data-gaps report of ${unitCode ?? session.scope?.code}`);
  return { unit, paths: named.scopePaths };
}

export const dataGapResolvers = {
  Query: {
    dataGaps: async (_parent, args, context) => {
      const { unit, paths } = await reportedUnit(args.unitCode, context);
      const { total, byUnit } = await countDataGaps(context.em, paths);
      // Units directly under the read paths, by path (version-qualified: one unit each).
      const children = byUnit.length
        ? await context.em.find(AdministrativeUnit, {
            path: { $in: byUnit.map((counts) => counts.unitPaths[0]!) },
          })
        : [];
      const byPath = new Map(children.map((unit) => [unit.path, unit]));
      return {
        total: unitGaps(total, unit),
        byUnit: byUnit.flatMap((counts) => {
          const unit = byPath.get(counts.unitPaths[0]!);
          return unit ? [unitGaps(counts, unit)] : [];
        }),
      };
    },
  },
  DataGap: {
    persons: (gap, _args, context) => personsLacking(context.em, gap.unitPaths, lower(gap.field)),
  },
} satisfies Pick<Resolvers, 'Query' | 'DataGap'>;
