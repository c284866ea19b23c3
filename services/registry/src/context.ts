import {
  createUnitLoader,
  fileStoreOptionsOf,
  subgraphFileStore,
  type BaseContext,
  type FileStore,
} from '@ansinh/common';
import { registryConfig } from './config.ts';
import { createAccountsByPersonLoader } from './accounts/payment-account.loader.ts';
import { createOpenWarningsByPersonLoader } from './duplicates/duplicate-warning.repository.ts';
import { createHouseholdByIdLoader, createHouseholdMembersLoader } from './households/household.loader.ts';
import { createPersonByIdLoader } from './persons/person.repository.ts';
import {
  createUnitByCodeLoader,
  createUnitByIdLoader,
  createUnitChildrenLoader,
  createUnitOnDateLoader,
  createUnitPredecessorsLoader,
} from './units/unit.loader.ts';

/**
 * The registry's file store (uploaded spreadsheets, import reports): one per running registry, on
 * its own database pool, shared by every registry instance through PostgreSQL (or the bucket of
 * FILE_STORE_URL). Also for work outside a request (jobs): `registryFiles(orm.em)`.
 */
export function registryFiles(em: BaseContext['em']): FileStore {
  return subgraphFileStore(em, {
    service: 'registry',
    schema: 'registry',
    ...fileStoreOptionsOf(registryConfig),
  });
}

export function createRegistryContext(base: BaseContext) {
  return {
    ...base,
    files: registryFiles(base.em),
    loaders: {
      personById: createPersonByIdLoader(base.em),
      unitByCode: createUnitByCodeLoader(base.em),
      unitById: createUnitByIdLoader(base.em),
      /** Units unit-code arguments name, for scope checks (unitInScope, subtreeFor). */
      scopeUnits: createUnitLoader(base.em),
      unitChildren: createUnitChildrenLoader(base.em),
      unitOnDate: createUnitOnDateLoader(base.em),
      unitPredecessors: createUnitPredecessorsLoader(base.em),
      householdById: createHouseholdByIdLoader(base.em),
      householdMembers: createHouseholdMembersLoader(base.em),
      accountsByPerson: createAccountsByPersonLoader(base.em),
      openWarningsByPerson: createOpenWarningsByPersonLoader(base.em),
    },
  };
}

export type RegistryContext = ReturnType<typeof createRegistryContext>;
