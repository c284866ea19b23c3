import { arrayLiteral, TODAY_IN_VIETNAM_SQL, UNIT_CODE_FORMAT, UUID_FORMAT } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { AdministrativeUnit } from './administrative-unit.entity.ts';

/**
 * Loads units by code; a key that cannot be a unit code (not 2, 3 or 5 digits, not a string at all: an
 * argument or an entity representation as a caller sent it) is no unit, and never reaches the database.
 */
class UnitCodeLoader<T> extends DataLoader<string, T | null> {
  override load(code: string): Promise<T | null> {
    return typeof code === 'string' && UNIT_CODE_FORMAT.test(code) ? super.load(code) : Promise.resolve(null);
  }
}

/** SQL: the unit `u` is in force today (Asia/Ho_Chi_Minh). */
export const IN_FORCE_TODAY = `(u.valid_from is null or u.valid_from <= ${TODAY_IN_VIETNAM_SQL})
  and (u.valid_to is null or u.valid_to >= ${TODAY_IN_VIETNAM_SQL})`;

/** The units in force today by code (a code names one unit at a time); batched per request. */
export function createUnitByCodeLoader(em: EntityManager) {
  return new UnitCodeLoader<AdministrativeUnit>(async (codes) => {
    const rows = await em.execute<Record<string, unknown>[]>(
      `select u.* from registry.administrative_units u where u.code = any(?::text[]) and ${IN_FORCE_TODAY}`,
      [arrayLiteral(codes)],
    );
    const byCode = new Map(rows.map((row) => [row.code as string, em.map(AdministrativeUnit, row)]));
    return codes.map((code) => byCode.get(code) ?? null);
  });
}

/** Units by id (a unit version); a key that is not a uuid is no unit. Batched per request. */
export function createUnitByIdLoader(em: EntityManager) {
  return new DataLoader<string, AdministrativeUnit | null>(async (ids) => {
    const units = await em.find(AdministrativeUnit, {
      id: { $in: ids.filter((id) => UUID_FORMAT.test(id)) },
    });
    const byId = new Map(units.map((unit) => [unit.id, unit]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** The units directly under a unit version (its own era's children); keyed by unit id. */
export function createUnitChildrenLoader(em: EntityManager) {
  return new DataLoader<string, AdministrativeUnit[]>(async (parentIds) => {
    const units = await em.find(
      AdministrativeUnit,
      { parentId: { $in: [...parentIds] } },
      { orderBy: { code: 'asc' } },
    );
    return parentIds.map((id) => units.filter((unit) => unit.parentId === id));
  });
}

const CODE_ON_DAY = /^(?:\d{2}|\d{3}|\d{5})@\d{4}-\d{2}-\d{2}$/;

/** Whether a `yyyy-mm-dd` is a day of the calendar (PostgreSQL refuses `2020-02-30` with an error). */
const isCalendarDay = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
};

class UnitOnDateLoader<T> extends DataLoader<string, T | null> {
  override load(key: string): Promise<T | null> {
    return typeof key === 'string' && CODE_ON_DAY.test(key) && isCalendarDay(key.slice(key.indexOf('@') + 1))
      ? super.load(key)
      : Promise.resolve(null);
  }
}

/** Units by code as they stood on a day; keys are `code@yyyy-mm-dd` (any other key is no unit). */
export function createUnitOnDateLoader(em: EntityManager) {
  return new UnitOnDateLoader<AdministrativeUnit>(async (keys) => {
    const [codes, days] = [keys.map((key) => key.split('@')[0]!), keys.map((key) => key.split('@')[1]!)];
    const rows = await em.execute<(Record<string, unknown> & { key: string })[]>(
      `select u.*, k.code || '@' || k.day as key
         from unnest(?::text[], ?::text[]) k(code, day)
         join registry.administrative_units u on u.code = k.code
          and (u.valid_from is null or u.valid_from <= k.day::date)
          and (u.valid_to is null or u.valid_to >= k.day::date)`,
      [arrayLiteral(codes), arrayLiteral(days)],
    );
    const byKey = new Map(rows.map(({ key, ...row }) => [key, em.map(AdministrativeUnit, row)]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** The units that name a unit as their successor (ended the day before it began); keyed by unit id. */
export function createUnitPredecessorsLoader(em: EntityManager) {
  return new DataLoader<string, AdministrativeUnit[]>(async (ids) => {
    const rows = await em.execute<(Record<string, unknown> & { successor_id: string })[]>(
      `select p.*, s.id as successor_id
         from unnest(?::uuid[]) s(id)
         join registry.administrative_units p on p.successor_ids @> array[s.id]
        order by p.code`,
      [arrayLiteral(ids)],
    );
    return ids.map((id) =>
      rows
        .filter((row) => row.successor_id === id)
        .map(({ successor_id: _successor, ...row }) => em.map(AdministrativeUnit, row)),
    );
  });
}

/** One unit version by id, outside a request's loaders (ids come from foreign keys: it exists). */
export function unitById(em: EntityManager, id: string): Promise<AdministrativeUnit> {
  return em.findOneOrFail(AdministrativeUnit, { id });
}
