import type { BaseContext } from '@ansinh/common';
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

export function createRegistryContext(base: BaseContext) {
  return {
    ...base,
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
