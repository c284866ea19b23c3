import { lower, subtreeFor, upper } from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { RegistryContext } from '../context.ts';
import {
  countDataGaps,
  DATA_GAP_FIELDS,
  personsLacking,
  type UnitGapCounts,
} from './data-gaps.repository.ts';

async function unitGaps(counts: UnitGapCounts, context: RegistryContext) {
  const code = counts.unitPath.split('.').at(-1)!;
  return {
    unit: (await context.loaders.unitByCode.load(code))!,
    persons: counts.persons,
    gaps: DATA_GAP_FIELDS.map((field) => ({
      field: upper(field),
      missing: counts.missing[field],
      unitPath: counts.unitPath,
    })),
  };
}

export const dataGapResolvers = {
  Query: {
    dataGaps: async (_parent, args, context) => {
      const path = await subtreeFor(
        context.session,
        'person:read',
        args.unitCode,
        context.loaders.unitByCode,
      );
      const { total, byUnit } = await countDataGaps(context.em, path);
      return {
        total: await unitGaps(total, context),
        byUnit: await Promise.all(byUnit.map((counts) => unitGaps(counts, context))),
      };
    },
  },
  DataGap: {
    persons: (gap, _args, context) => personsLacking(context.em, gap.unitPath, lower(gap.field)),
  },
} satisfies Pick<Resolvers, 'Query' | 'DataGap'>;
