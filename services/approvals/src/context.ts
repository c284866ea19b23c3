import { createHistoryLoader, createUnitPathLoader, type BaseContext } from '@ansinh/common';
import {
  createEntitlementsByPersonLoader,
  createMoneyLoader,
} from './entitlements/entitlement.repository.ts';

export function createApprovalsContext(base: BaseContext) {
  return {
    ...base,
    loaders: {
      entitlementsByPerson: createEntitlementsByPersonLoader(base.em, () =>
        base.session.assert('entitlement:read'),
      ),
      entitlementHistory: createHistoryLoader(base.em, 'approvals', 'entitlement_id'),
      money: createMoneyLoader(base.em),
      unitPath: createUnitPathLoader(base.em),
    },
  };
}

export type ApprovalsContext = ReturnType<typeof createApprovalsContext>;
