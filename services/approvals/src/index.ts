import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VndScalar, type SubgraphDefinition } from '@ansinh/common';
import { gql } from 'graphql-tag';
import { createApprovalsContext, type ApprovalsContext } from './context.ts';
import { Entitlement, StandardLevel } from './entitlements/entitlement.entity.ts';
import { entitlementResolvers } from './entitlements/entitlement.resolvers.ts';

export const approvalsTypeDefs = gql(
  readFileSync(fileURLToPath(new URL('../schema.graphql', import.meta.url)), 'utf8'),
);

export const approvalsSubgraph: SubgraphDefinition<ApprovalsContext> = {
  name: 'approvals',
  defaultPort: 4002,
  schema: 'approvals',
  typeDefs: approvalsTypeDefs,
  resolvers: { VND: VndScalar, ...entitlementResolvers },
  entities: [Entitlement, StandardLevel],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createApprovalsContext,
};

export { Entitlement, StandardLevel };
export { monthlyAmount, standardLevelFor } from './entitlements/entitlement.rules.ts';
