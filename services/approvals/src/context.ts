import { createHistoryLoader, createUnitLoader, type BaseContext } from '@ansinh/common';
import {
  createEntitlementsByPersonLoader,
  createMoneyLoader,
  createUnitByIdLoader,
} from './entitlements/entitlement.repository.ts';

export function createApprovalsContext(base: BaseContext) {
  return {
    ...base,
    loaders: {
      entitlementsByPerson: createEntitlementsByPersonLoader(base.em, () => {
        base.session.assert('entitlement:read');
        return base.session.readPaths;
      }),
      entitlementHistory: createHistoryLoader(base.em, 'approvals', 'entitlement_id'),
      money: createMoneyLoader(base.em),
      /** Units named by `unitCode` arguments (the unit a code names today). */
      units: createUnitLoader(base.em),
      /** Paying units of entitlements, by version id. */
      unitById: createUnitByIdLoader(base.em),
    },
  };
}

export type ApprovalsContext = ReturnType<typeof createApprovalsContext>;
