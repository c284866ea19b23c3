export { seedDemoData, type DemoSummary } from './demo/demo-data.ts';
export {
  DEMO_COMMUNES,
  DEMO_CURRENT_COMMUNES,
  DEMO_FORMER_DISTRICTS,
  DEMO_OLD_COMMUNES,
  DEMO_PROVINCE,
  DEMO_REFORM_DATE,
  DEMO_SPLIT_COMMUNE,
  type DemoCurrentCommune,
  type DemoOldCommune,
} from './demo/demo-units.ts';
export {
  DEMO_PASSWORD,
  DEMO_PROVINCE_SYSTEM_CLIENT,
  DEMO_SYNC_CLIENTS,
  DEMO_SYNC_PROVINCES,
  DEMO_USERS,
  demoSyncClient,
  syncClientId,
  syncClientSecret,
  type DemoSyncClient,
} from './keycloak/demo-users.ts';
export {
  clientCredentialsGrant,
  ensureKeycloak,
  passwordGrant,
  type RunningKeycloak,
} from './keycloak/keycloak.ts';
export { migrateAll } from './migrate.ts';
export {
  EmbeddedPostgresError,
  ensurePostgres,
  withDatabase,
  type RunningPostgres,
} from './postgres/postgres.ts';
export { createSupervisor, onStopSignals, withTimeout, type Supervisor } from './process/supervisor.ts';
export { grantRoleLogins, scramVerifier } from './postgres/role-logins.ts';
export { roleLoginsFromEnv, type RoleLogins } from './postgres/role-passwords.ts';
export { pidAlive } from './process/pid-alive.ts';
export { repoRoot } from './repo-root.ts';
export { SUBGRAPHS } from './subgraphs.ts';
export { SERVICE_NODE_FLAGS, SUBGRAPH_SERVICES } from './subgraph-services.ts';
