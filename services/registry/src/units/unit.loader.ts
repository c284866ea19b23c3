import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { AdministrativeUnit } from './administrative-unit.entity.ts';

/** Current units by code; batched per request. */
export function createUnitByCodeLoader(em: EntityManager) {
  return new DataLoader<string, AdministrativeUnit | null>(async (codes) => {
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
