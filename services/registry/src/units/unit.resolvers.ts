import type { RegistryContext } from '../context.ts';
import type { Resolvers, UnitLevel } from '../generated/resolvers-types.ts';
import { badInput, entityKey, identifierArgument, todayInVietnam, UNIT_CODE_FORMAT } from '@ansinh/common';
import { AdministrativeUnit } from './administrative-unit.entity.ts';
import { addDays, includesDay, isoDateOf } from './unit-dates.ts';

const LEVELS = { province: 'PROVINCE', district: 'DISTRICT', commune: 'COMMUNE' } as const satisfies Record<
  AdministrativeUnit['level'],
  UnitLevel
>;
const levelOf = (level: UnitLevel) => level.toLowerCase() as AdministrativeUnit['level'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The units that took over `unit` the day after it ended. */
async function successorsOf(unit: AdministrativeUnit, context: RegistryContext) {
  const validTo = isoDateOf(unit.validTo);
  if (!validTo || !unit.successorCodes.length) return [];
  const next = addDays(validTo, 1);
  const units = await context.loaders.unitOnDate.loadMany(
    unit.successorCodes.map((code) => `${code}@${next}`),
  );
  return units.filter(
    (successor): successor is AdministrativeUnit =>
      successor instanceof Object && !(successor instanceof Error),
  );
}

export const unitResolvers = {
  Query: {
    administrativeUnit: (_parent, args, context) => {
      identifierArgument(args.code, UNIT_CODE_FORMAT, 'code', 'Mã đơn vị');
      if (!args.on) return context.loaders.unitByCode.load(args.code);
      if (!ISO_DATE.test(args.on)) throw badInput('on', 'Ngày phải có dạng YYYY-MM-DD.');
      return context.loaders.unitOnDate.load(`${args.code}@${args.on}`);
    },
    administrativeUnits: (_parent, args, context: RegistryContext) => {
      if (args.parentCode)
        identifierArgument(args.parentCode, UNIT_CODE_FORMAT, 'parentCode', 'Mã đơn vị cha');
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
    __resolveReference: (reference, context) =>
      context.loaders.unitByCode.load(entityKey(reference, 'code', UNIT_CODE_FORMAT)),
    level: (unit) => LEVELS[unit.level],
    parent: (unit, _args, context) =>
      unit.parentCode ? context.loaders.unitByCode.load(unit.parentCode) : null,
    children: (unit, _args, context) => context.loaders.unitChildren.load(unit.code),
    validFrom: (unit) => isoDateOf(unit.validFrom),
    validTo: (unit) => isoDateOf(unit.validTo),
    isCurrent: (unit) =>
      includesDay(
        { validFrom: isoDateOf(unit.validFrom), validTo: isoDateOf(unit.validTo) },
        todayInVietnam(),
      ),
    successors: (unit, _args, context) => successorsOf(unit, context),
    successor: async (unit, _args, context) => {
      const successors = await successorsOf(unit, context);
      return successors.length === 1 ? successors[0]! : null;
    },
    predecessors: (unit, _args, context) => context.loaders.unitPredecessors.load(unit.id),
  },
} satisfies Pick<Resolvers, 'Query' | 'AdministrativeUnit'>;
