import { unitInScope, type Session, type UnitsByCode } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AdministrativeUnit } from './administrative-unit.entity.ts';

/** Current units by code, read through `em` (services that run without a request's loaders). */
export const currentUnits = (em: EntityManager): UnitsByCode => ({
  load: (code) => em.findOne(AdministrativeUnit, { code, validTo: null }),
});

/**
 * The current commune with this code, where the caller may register persons and households: the
 * commune of residence a person or a household is given.
 */
export const writableCommune = (
  em: EntityManager,
  session: Session,
  code: string,
): Promise<{ code: string; path: string }> =>
  unitInScope(session, 'person:write', code, currentUnits(em), {
    field: 'residenceUnitCode',
    level: 'commune',
  });
