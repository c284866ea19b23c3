import { createUnitPathLoader, type BaseContext } from '@ansinh/common';
import {
  createEntitlementsByPersonLoader,
  createStandardLevelsLoader,
} from './entitlements/entitlement.repository.ts';

export function createApprovalsContext(base: BaseContext) {
  return {
    ...base,
    standardLevels: createStandardLevelsLoader(base.em),
    loaders: {
      entitlementsByPerson: createEntitlementsByPersonLoader(base.em, () =>
        base.session.assert('entitlement:read'),
      ),
      unitPath: createUnitPathLoader(base.em),
    },
  };
}

export type ApprovalsContext = ReturnType<typeof createApprovalsContext>;
