import { fileURLToPath } from 'node:url';
import {
  fileRoutes,
  jobResolvers,
  mergeResolvers,
  VndScalar,
  loadTypeDefs,
  type SubgraphDefinition,
} from '@ansinh/common';
import { approvalsFiles, createApprovalsContext, type ApprovalsContext } from './context.ts';
import { Entitlement, StandardLevel } from './entitlements/entitlement.entity.ts';
import { entitlementResolvers } from './entitlements/entitlement.resolvers.ts';
import { changeRecordResolvers } from './history/change-record.resolvers.ts';
import { applicationsModule } from './applications/applications.module.ts';
import { Decision } from './decisions/decision.entity.ts';
import { decisionResolvers } from './decisions/decision.resolvers.ts';
import { Category, CategoryBand, ExclusivityException, Program } from './programs/program.entity.ts';
import { programResolvers } from './programs/program.resolvers.ts';
import { resolution42Module } from './resolution-42/resolution-42.module.ts';
import { outboundModule } from './sync/outbound/outbound.module.ts';
import { intakeModule } from './sync/intake/intake.module.ts';

export const approvalsTypeDefs = loadTypeDefs(import.meta.url);

export const approvalsSubgraph: SubgraphDefinition<ApprovalsContext> = {
  name: 'approvals',
  defaultPort: 4002,
  schema: 'approvals',
  requestTransaction: true,
  typeDefs: approvalsTypeDefs,
  resolvers: {
    VND: VndScalar,
    ...mergeResolvers(
      'approvals',
      entitlementResolvers,
      changeRecordResolvers,
      programResolvers,
      decisionResolvers,
      applicationsModule.resolvers,
      resolution42Module.resolvers,
      intakeModule.resolvers,
      outboundModule.resolvers,
      // `job`, `jobs`, `cancelJob` and the `Job` entity (services/common), with this subgraph's results.
      jobResolvers,
    ),
  },
  entities: [
    Entitlement,
    StandardLevel,
    Program,
    Category,
    CategoryBand,
    ExclusivityException,
    Decision,
    ...applicationsModule.entities,
    ...resolution42Module.entities,
  ],
  migrationsPath: fileURLToPath(new URL('../migrations', import.meta.url)),
  createContext: createApprovalsContext,
  // Files are uploaded here only to be imported (Resolution 42 lists).
  routes: (contextOf) => fileRoutes(contextOf, { uploadAction: 'application:write' }),
  jobs: (orm) => ({ kinds: resolution42Module.kinds, files: approvalsFiles(orm.em) }),
  // The sync's relay and webhook deliverer run beside the requests (SYNC_WORKERS=off: elsewhere).
  background: outboundModule.background,
};

export { Entitlement, StandardLevel };
export {
  carryEntitlementsAcrossReform,
  carryEntitlementsIfFree,
  planEntitlementsAcrossReform,
  startReformCarryTimer,
  type EntitlementMoves,
} from './reform/carry-entitlements.ts';
export { grantEntitlement, type NewGrant } from './decisions/decision.service.ts';
export { seedDemoApplications } from './applications/applications.module.ts';
export { seedDemoResolution42 } from './resolution-42/resolution-42.module.ts';
export {
  DEMO_SYNC_MODES,
  feedCarries,
  intakeAccepts,
  seedDemoSyncModes,
  startSyncWorkers,
  syncModeOf,
  type SyncMode,
  type SyncWorkers,
} from './sync/outbound/outbound.module.ts';
