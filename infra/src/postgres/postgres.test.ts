import { createHash } from 'node:crypto';
import { chmod, readdir, readFile, rm, stat } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { pidAlive } from '../process/pid-alive.ts';
import { repoRoot } from '../repo-root.ts';
import { ensurePostgres, SHARED_DATA_ROOT } from './postgres.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function ask(url: string, sql: string): Promise<Record<string, any>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0]!;
  } finally {
    await client.end();
  }
}

const worldWritable = async (path: string) => ((await stat(path)).mode & 0o002) !== 0;
const asRoot = userInfo().uid === 0;

describe('embedded PostgreSQL', () => {
  it(
    asRoot
      ? 'starts from a checkout only root can enter (mode 0700), its data and binaries where the postgres user reaches them'
      : 'starts from a checkout with its data under .data/postgres',
    async () => {
      const checkout = await mkdtemp(join(tmpdir(), 'ansinh-private-checkout-'));
      const base = join(SHARED_DATA_ROOT, createHash('sha256').update(checkout).digest('hex').slice(0, 16));
      expect((await stat(checkout)).mode & 0o777).toBe(0o700);
      const lines: string[] = [];
      const postgres = await ensurePostgres({
        repoRoot: checkout,
        port: await freePort(),
        log: (line) => lines.push(line),
      });
      try {
        expect(postgres.startedHere).toBe(true);
        const { data_directory: dataDirectory } = await ask(postgres.url, 'show data_directory');
        if (asRoot) {
          expect(dataDirectory).toBe(join(base, 'postgres'));
          expect(lines[0]).toMatch(/^the checkout is private to root: copying PostgreSQL's binaries to /);
          // The private checkout stays private; nothing on the way is writable by others.
          expect((await stat(checkout)).mode & 0o777).toBe(0o700);
          for (const path of [
            SHARED_DATA_ROOT,
            base,
            ...(await readdir(base)).map((name) => join(base, name)),
          ]) {
            expect([path, await worldWritable(path)]).toEqual([path, false]);
            if (!path.endsWith('/postgres')) expect((await stat(path)).uid).toBe(0);
          }
          const data = await stat(dataDirectory);
          expect(data.mode & 0o777).toBe(0o700);
          expect(data.uid).not.toBe(0);
        } else {
          expect(dataDirectory).toBe(join(checkout, '.data', 'postgres'));
          expect(await worldWritable(join(checkout, '.data'))).toBe(false);
        }
        expect(await worldWritable(join(dataDirectory, `.s.PGSQL.${new URL(postgres.url).port}`))).toBe(
          false,
        );
        expect(await ask(postgres.url, 'select current_database() as name')).toEqual({ name: 'ansinh' });
      } finally {
        await postgres.stop();
        await rm(checkout, { recursive: true, force: true });
        if (asRoot) await rm(base, { recursive: true, force: true });
      }
    },
    180_000,
  );
});

describe('stopping the embedded PostgreSQL', () => {
  it('returns at once when the server has already shut down (a Ctrl-C reaches the whole process group)', async () => {
    const checkout = await mkdtemp(join(tmpdir(), 'ansinh-checkout-'));
    await chmod(checkout, 0o755);
    const postgres = await ensurePostgres({ repoRoot: checkout, port: await freePort() });
    try {
      const { data_directory: dataDirectory } = await ask(postgres.url, 'show data_directory');
      const postmaster = Number(
        (await readFile(join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n')[0],
      );
      process.kill(postmaster, 'SIGINT');
      for (let attempt = 0; pidAlive(postmaster); attempt += 1) {
        if (attempt > 300) throw new Error('PostgreSQL did not shut down on SIGINT');
        await sleep(100);
      }
      const started = Date.now();
      await postgres.stop();
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await postgres.stop();
      await rm(checkout, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('no file or folder is made world-writable', () => {
  it('has no chmod to a world-writable mode in the sources', async () => {
    const worldWritableMode = new RegExp(['0o7[0-7][2367]', '0o6[0-7][2367]', "'0?7[0-7][2367]'"].join('|'));
    const offenders: string[] = [];
    const walk = async (directory: string): Promise<void> => {
      for (const entry of await readdir(directory, { withFileTypes: true })) {
        if (['node_modules', '.data', '.cache', '.git', '.turbo', 'generated'].includes(entry.name)) continue;
        const path = join(directory, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (/\.(ts|js|json|sh|yml)$/.test(entry.name) && !path.endsWith('postgres.test.ts')) {
          const text = await readFile(path, 'utf8');
          if (/chmod|mode/.test(text) && worldWritableMode.test(text)) offenders.push(path);
        }
      }
    };
    for (const folder of ['infra', 'services', 'gateway', 'tests', 'schema'])
      await walk(join(repoRoot, folder));
    expect(offenders).toEqual([]);
  });
});
