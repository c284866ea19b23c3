import type { RegistryContext } from '../context.ts';
import type { Resolvers, UnitLevel } from '../generated/resolvers-types.ts';
import { AdministrativeUnit } from './administrative-unit.entity.ts';

const LEVELS = { province: 'PROVINCE', district: 'DISTRICT', commune: 'COMMUNE' } as const satisfies Record<
  AdministrativeUnit['level'],
  UnitLevel
>;
const levelOf = (level: UnitLevel) => level.toLowerCase() as AdministrativeUnit['level'];
const isoDate = (value: string | Date | null | undefined) =>
  value instanceof Date ? value.toISOString().slice(0, 10) : (value ?? null);

export const unitResolvers = {
  Query: {
    administrativeUnit: (_parent, args, context) => context.loaders.unitByCode.load(args.code),
    administrativeUnits: (_parent, args, context: RegistryContext) => {
      const level = args.level ? levelOf(args.level) : undefined;
      return context.em.find(
        AdministrativeUnit,
        {
          validTo: null,
          ...(args.parentCode
            ? { parentCode: args.parentCode }
            : level
              ? {}
              : { level: 'province' as const }),
          ...(level ? { level } : {}),
        },
        { orderBy: { code: 'asc' }, limit: 20_000 },
      );
    },
  },
  AdministrativeUnit: {
    __resolveReference: (reference, context) => context.loaders.unitByCode.load(reference.code),
    level: (unit) => LEVELS[unit.level],
    parent: (unit, _args, context) =>
      unit.parentCode ? context.loaders.unitByCode.load(unit.parentCode) : null,
    children: (unit, _args, context) => context.loaders.unitChildren.load(unit.code),
    validFrom: (unit) => isoDate(unit.validFrom),
    validTo: (unit) => isoDate(unit.validTo),
  },
} satisfies Pick<Resolvers, 'Query' | 'AdministrativeUnit'>;
