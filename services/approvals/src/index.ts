import { fileURLToPath } from 'node:url';
import { VndScalar, loadTypeDefs, type SubgraphDefinition } from '@ansinh/common';
import { createApprovalsContext, type ApprovalsContext } from './context.ts';
import { Entitlement, StandardLevel } from './entitlements/entitlement.entity.ts';
import { entitlementResolvers } from './entitlements/entitlement.resolvers.ts';
import { changeRecordResolvers } from './history/change-record.resolvers.ts';

export const approvalsTypeDefs = loadTypeDefs(import.meta.url);

export const approvalsSubgraph: SubgraphDefinition<ApprovalsContext> = {
  name: 'approvals',
  defaultPort: 4002,
  schema: 'approvals',
  typeDefs: approvalsTypeDefs,
  resolvers: { VND: VndScalar, ...entitlementResolvers, ...changeRecordResolvers },
  entities: [Entitlement, StandardLevel],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createApprovalsContext,
};

export { Entitlement, StandardLevel };
export {
  carryEntitlementsAcrossReform,
  carryEntitlementsIfFree,
  planEntitlementsAcrossReform,
  startReformCarryTimer,
  type EntitlementMoves,
} from './reform/carry-entitlements.ts';
