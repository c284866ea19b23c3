import { arrayLiteral, UNIT_CODE_FORMAT } from '@ansinh/common';
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

/** Current units by code; batched per request. */
export function createUnitByCodeLoader(em: EntityManager) {
  return new UnitCodeLoader<AdministrativeUnit>(async (codes) => {
    const units = await em.find(AdministrativeUnit, { code: { $in: [...codes] }, validTo: null });
    const byCode = new Map(units.map((unit) => [unit.code, unit]));
    return codes.map((code) => byCode.get(code) ?? null);
  });
}

export function createUnitChildrenLoader(em: EntityManager) {
  return new DataLoader<string, AdministrativeUnit[]>(async (parentCodes) => {
    const units = await em.find(
      AdministrativeUnit,
      { parentCode: { $in: [...parentCodes] }, validTo: null },
      { orderBy: { code: 'asc' } },
    );
    return parentCodes.map((code) => units.filter((unit) => unit.parentCode === code));
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

/** The units that ended the day before a unit began and name it as their successor; keyed by unit id. */
export function createUnitPredecessorsLoader(em: EntityManager) {
  return new DataLoader<string, AdministrativeUnit[]>(async (ids) => {
    const rows = await em.execute<(Record<string, unknown> & { successor_id: string })[]>(
      `select p.*, u.id as successor_id
         from registry.administrative_units u
         join registry.administrative_units p on p.successor_codes @> array[u.code::text] and p.valid_to = u.valid_from - 1
        where u.id = any(?::uuid[])
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
