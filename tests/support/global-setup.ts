import pg from 'pg';
import { ensureKeycloak, ensurePostgres, migrateAll, repoRoot, withDatabase } from '@ansinh/infra';

const TEMPLATE_DATABASE = 'ansinh_test_template';

/**
 * Starts what the tests need once for the whole run: PostgreSQL (DATABASE_URL, else embedded) with
 * a freshly migrated template database, and Keycloak (KEYCLOAK_URL, else the project's own).
 * Workers inherit the environment set here.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);
  process.stderr.write(`\n[test setup] Node ${process.version}\n`);
  const keycloakStarting = ensureKeycloak({ keycloakUrl: process.env.KEYCLOAK_URL, repoRoot, log });
  keycloakStarting.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
  const templateUrl = withDatabase(postgres.url, TEMPLATE_DATABASE);
  const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
  await admin.connect();
  const stale = await admin.query(`select datname from pg_database where datname like 'test\\_%'`);
  for (const { datname } of stale.rows)
    await admin.query(`drop database if exists "${datname}" with (force)`);
  await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();
  await migrateAll(templateUrl, log);
  const keycloak = await keycloakStarting;
  process.env.ANSINH_TEST_TEMPLATE_URL = templateUrl;
  process.env.KEYCLOAK_URL = keycloak.url;
  (globalThis as { __ansinhStop?: () => Promise<void> }).__ansinhStop = async () => {
    await keycloak.stop();
    await postgres.stop();
  };
}
