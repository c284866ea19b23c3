import { createUnitLoader, unitInScope, type ScopedUnit, type Session } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The commune in force with this code, where the caller may register persons and households: the
 * commune of residence a person or a household is given.
 */
export const writableCommune = (em: EntityManager, session: Session, code: string): Promise<ScopedUnit> =>
  unitInScope(session, 'person:write', code, createUnitLoader(em), {
    field: 'residenceUnitCode',
    level: 'commune',
  });
