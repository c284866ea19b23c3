import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import {
  EmbeddedPostgresError,
  ensureKeycloak,
  ensurePostgres,
  migrateAll,
  pidAlive,
  repoRoot,
  roleLoginsFromEnv,
  SUBGRAPHS,
  withDatabase,
} from '@ansinh/infra';

/**
 * Databases of one test run carry its machine and process id, so runs sharing one PostgreSQL keep
 * apart, and only this machine's dead runs are cleaned up.
 */
const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 6);
const runDatabase = new RegExp(`^(?:ansinh_test_template|test)_${host}_(\\d+)(?:_[0-9a-f]+)?$`);

/**
 * Starts what the tests need once for the whole run: PostgreSQL (DATABASE_URL, else embedded) with
 * a freshly migrated template database, and Keycloak (KEYCLOAK_URL, else the project's own).
 * Workers inherit the environment set here.
 */
export default async function globalSetup(): Promise<void> {
  // Quiet once the run is under way, so that jest's summary stays the last thing printed.
  let settingUp = true;
  const log = (line: string) => settingUp && process.stderr.write(`[test setup] ${line}\n`);
  process.stderr.write(`\n[test setup] Node ${process.version}\n`);
  const keycloakStarting = ensureKeycloak({ keycloakUrl: process.env.KEYCLOAK_URL, repoRoot, log });
  keycloakStarting.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log }).catch(
    (error: unknown) => {
      // One line that says what to do, not a stack trace of the setup.
      if (!(error instanceof EmbeddedPostgresError)) throw error;
      process.stderr.write(`[test setup] ${error.message}\n`);
      error.stack = error.message;
      throw error;
    },
  );
  const template = `ansinh_test_template_${host}_${process.pid}`;
  const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
  await admin.connect();
  const dropDatabases = async (names: string[]) => {
    for (const name of names) await admin.query(`drop database if exists "${name}" with (force)`);
  };
  // Leftovers of runs that were killed before their teardown.
  const { rows } = await admin.query<{ datname: string }>('select datname from pg_database');
  await dropDatabases(
    rows
      .map((row) => row.datname)
      .filter((name) => {
        const pid = runDatabase.exec(name)?.[1];
        return pid !== undefined && !pidAlive(Number(pid));
      }),
  );
  await admin.query(`create database "${template}"`);
  // The subgraphs' roles are cluster-wide: their passwords are set once here, from the same
  // variables (or development defaults) that testEnv hands the in-process subgraphs.
  const logins = roleLoginsFromEnv(
    'tests',
    SUBGRAPHS.map((subgraph) => subgraph.schema),
    process.env,
  );
  await migrateAll(withDatabase(postgres.url, template), log, logins);
  const keycloak = await keycloakStarting;
  process.env.ANSINH_TEST_TEMPLATE_URL = withDatabase(postgres.url, template);
  process.env.KEYCLOAK_URL = keycloak.url;
  settingUp = false;
  (globalThis as { __ansinhStop?: () => Promise<void> }).__ansinhStop = async () => {
    const { rows: remaining } = await admin.query<{ datname: string }>('select datname from pg_database');
    await dropDatabases(
      remaining
        .map((row) => row.datname)
        .filter((name) => runDatabase.exec(name)?.[1] === String(process.pid)),
    );
    await admin.end();
    await keycloak.stop();
    await postgres.stop();
  };
}
