import {
  createHistoryLoader,
  createUnitByIdLoader,
  createUnitLoader,
  fileStoreOptionsOf,
  subgraphFileStore,
  type BaseContext,
  type FileStore,
} from '@ansinh/common';
import { approvalsConfig } from './config.ts';
import { createApplicationLoaders } from './applications/application.loaders.ts';
import {
  createDecisionLoader,
  createDecisionsByEntitlementLoader,
  createEntitlementLoader,
  createPersonInScopeLoader,
  createTermsLoader,
} from './decisions/decision.repository.ts';
import {
  createEntitlementsByPersonLoader,
  createMoneyLoader,
} from './entitlements/entitlement.repository.ts';
import {
  createBandsLoader,
  createCategoriesByProgramLoader,
  createCategoryLoader,
} from './programs/program.repository.ts';

/**
 * The approvals subgraph's file store (uploaded Resolution 42 lists), shared by every instance through
 * PostgreSQL (or the bucket of FILE_STORE_URL). Also for work outside a request (jobs).
 */
export function approvalsFiles(em: BaseContext['em']): FileStore {
  return subgraphFileStore(em, {
    service: 'approvals',
    schema: 'approvals',
    ...fileStoreOptionsOf(approvalsConfig),
  });
}

export function createApprovalsContext(base: BaseContext) {
  return {
    ...base,
    files: approvalsFiles(base.em),
    loaders: {
      entitlementsByPerson: createEntitlementsByPersonLoader(base.em, () => {
        base.session.assert('entitlement:read');
        return base.session.readPaths;
      }),
      entitlementById: createEntitlementLoader(base.em),
      entitlementHistory: createHistoryLoader(base.em, 'approvals', 'entitlement_id'),
      money: createMoneyLoader(base.em),
      /** The ledger's terms of entitlements in months. */
      terms: createTermsLoader(base.em),
      decisionById: createDecisionLoader(base.em),
      personInScope: createPersonInScopeLoader(base.em),
      decisionsByEntitlement: createDecisionsByEntitlementLoader(base.em),
      categoryById: createCategoryLoader(base.em),
      categoriesByProgram: createCategoriesByProgramLoader(base.em),
      bandsByCategory: createBandsLoader(base.em),
      /** Units named by `unitCode` arguments (the unit a code names today). */
      units: createUnitLoader(base.em),
      /** Paying units of entitlements, by version id. */
      unitById: createUnitByIdLoader(base.em),
      ...createApplicationLoaders(base.em),
    },
  };
}

export type ApprovalsContext = ReturnType<typeof createApprovalsContext>;
