import type { RegistryContext } from '../context.ts';
import type { Resolvers, UnitLevel } from '../generated/resolvers-types.ts';
import {
  badInput,
  entityKey,
  identifierArgument,
  todayInVietnam,
  UNIT_CODE_FORMAT,
  UUID_FORMAT,
} from '@ansinh/common';
import { AdministrativeUnit } from './administrative-unit.entity.ts';
import { includesDay, isoDateOf } from './unit-dates.ts';
import { IN_FORCE_TODAY } from './unit.loader.ts';

const LEVELS = { province: 'PROVINCE', district: 'DISTRICT', commune: 'COMMUNE' } as const satisfies Record<
  AdministrativeUnit['level'],
  UnitLevel
>;
const levelOf = (level: UnitLevel) => level.toLowerCase() as AdministrativeUnit['level'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The units that took over `unit` the day after it ended (several when it was split). */
async function successorsOf(unit: AdministrativeUnit, context: RegistryContext) {
  const units = await context.loaders.unitById.loadMany(unit.successorIds);
  return units
    .filter(
      (successor): successor is AdministrativeUnit =>
        successor instanceof Object && !(successor instanceof Error),
    )
    .sort((a, b) => a.code.localeCompare(b.code));
}

export const unitResolvers = {
  Query: {
    administrativeUnit: (_parent, args, context) => {
      identifierArgument(args.code, UNIT_CODE_FORMAT, 'code', 'Mã đơn vị');
      if (!args.on) return context.loaders.unitByCode.load(args.code);
      if (!ISO_DATE.test(args.on)) throw badInput('on', 'Ngày phải có dạng YYYY-MM-DD.');
      return context.loaders.unitOnDate.load(`${args.code}@${args.on}`);
    },
    administrativeUnits: async (_parent, args, context: RegistryContext) => {
      if (args.parentCode)
        identifierArgument(args.parentCode, UNIT_CODE_FORMAT, 'parentCode', 'Mã đơn vị cha');
      const level = args.level ? levelOf(args.level) : undefined;
      const parentCode = args.parentCode ?? null;
      const rows = await context.em.execute<Record<string, unknown>[]>(
        `select u.* from registry.administrative_units u
          where ${IN_FORCE_TODAY}
            and (?::text is null or u.parent_code = ?) and (?::text is null or u.level = ?)
          order by u.code limit 20000`,
        [
          parentCode,
          parentCode,
          level ?? (parentCode ? null : 'province'),
          level ?? (parentCode ? null : 'province'),
        ],
      );
      return rows.map((row) => context.em.map(AdministrativeUnit, row));
    },
  },
  AdministrativeUnit: {
    __resolveReference: (reference, context) =>
      context.loaders.unitById.load(entityKey(reference, 'id', UUID_FORMAT)),
    level: (unit) => LEVELS[unit.level],
    parent: (unit, _args, context) => (unit.parentId ? context.loaders.unitById.load(unit.parentId) : null),
    children: (unit, _args, context) => context.loaders.unitChildren.load(unit.id),
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
