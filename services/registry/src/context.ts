import type { BaseContext } from '@ansinh/common';
import { UploadStore } from './uploads/upload-store.ts';
import { createAccountsByPersonLoader } from './accounts/payment-account.loader.ts';
import { createOpenWarningsByPersonLoader } from './duplicates/duplicate-warning.repository.ts';
import { createHouseholdByIdLoader, createHouseholdMembersLoader } from './households/household.loader.ts';
import { createPersonByIdLoader } from './persons/person.repository.ts';
import {
  createUnitByCodeLoader,
  createUnitChildrenLoader,
  createUnitOnDateLoader,
  createUnitPredecessorsLoader,
} from './units/unit.loader.ts';

/** Uploaded spreadsheets and import reports, on this process's disk. */
const files = new UploadStore();

export function createRegistryContext(base: BaseContext) {
  return {
    ...base,
    files,
    loaders: {
      personById: createPersonByIdLoader(base.em),
      unitByCode: createUnitByCodeLoader(base.em),
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
