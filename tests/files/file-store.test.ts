import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import {
  createFileStore,
  FILE_CHUNK_BYTES,
  FileTooLargeError,
  type FileOwner,
  type FileStore,
} from '@ansinh/common';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { sqlRows } from '../support/stack.ts';
import { registryRolePool, startS3Server, type S3Server } from './file-support.ts';

/** The file store on a real PostgreSQL (as the registry's own role) and a real S3-compatible server. */
// Unit paths as the units table builds them: labels of units that began on 1 July 2025 carry that day.
const THANH_SEN = '42_20250701.18073_20250701';
const officer: FileOwner = { subject: 'officer-18073', unitCode: '18073', unitPath: THANH_SEN };
const HA_HUY_TAP = '42_20250701.18652_20250701';
const PROVINCE = '42_20250701';
/** The old 18073 (Phường Nam Hà) and its district, which ended on 30 June 2025. */
const NAM_HA = '42.436.18073';
const DISTRICT_436 = '42.436';
const MIB = 1024 * 1024;

/** `bytes` of random content in uneven pieces, as a network delivers them. */
function content(bytes: number): { data: Buffer; stream: () => Readable } {
  const data = randomBytes(bytes);
  return {
    data,
    stream: () =>
      Readable.from(
        (function* () {
          for (let offset = 0; offset < bytes; offset += 100_003)
            yield data.subarray(offset, offset + 100_003);
        })(),
      ),
  };
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

let s3: S3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.stop();
});

describe.each(['postgres', 's3'] as const)('the file store with content in %s', (backend) => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: FileStore;
  const owned = (sql: string, params: unknown[] = []) => sqlRows(database.url, sql, params);
  /** Everything the store keeps: metadata rows, chunk rows, objects in the bucket. */
  const kept = async () => ({
    files: Number((await owned('select count(*) from registry.files'))[0]!.count),
    chunks: Number((await owned('select count(*) from registry.file_chunks'))[0]!.count),
    objects: (await s3.objects()).size,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = registryRolePool(database.url);
    store = createFileStore({
      service: 'registry',
      schema: 'registry',
      pool,
      ...(backend === 's3' ? { url: s3.url(`run-${randomBytes(4).toString('hex')}`) } : {}),
      maxFileBytes: 8 * MIB,
      sweepEveryMs: 0,
    });
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('streams a file of several chunks in and out, byte for byte', async () => {
    const file = content(3.5 * MIB);
    const stored = await store.put(file.stream(), {
      fileName: 'danh-sách.csv',
      contentType: 'text/csv; charset=utf-8',
      owner: officer,
    });
    expect(stored).toMatchObject({
      service: 'registry',
      fileName: 'danh-sách.csv',
      contentType: 'text/csv',
      bytes: 3.5 * MIB,
      ownerSubject: officer.subject,
      unitCode: '18073',
      unitPath: THANH_SEN,
    });
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBeGreaterThan(23 * 3600_000);

    const chunks = await owned(
      'select seq, length(data) as bytes from registry.file_chunks where file_id = $1 order by seq',
      [stored.id],
    );
    if (backend === 'postgres') {
      expect(chunks.map((chunk) => Number(chunk.bytes))).toEqual([MIB, MIB, MIB, MIB / 2]);
    } else {
      expect(chunks).toEqual([]);
      expect([...(await s3.objects()).values()]).toContain(3.5 * MIB);
    }

    const { file: read, content: stream } = await store.read(stored.id, THANH_SEN);
    expect(read).toEqual(stored);
    const pieces: number[] = [];
    const all: Buffer[] = [];
    for await (const piece of stream) {
      pieces.push((piece as Buffer).length);
      all.push(piece as Buffer);
    }
    expect(sha(Buffer.concat(all))).toBe(sha(file.data));
    // It arrived as a stream of pieces, not as one buffer of the whole file.
    expect(pieces.length).toBeGreaterThan(1);
    expect(Math.max(...pieces)).toBeLessThanOrEqual(FILE_CHUNK_BYTES);
    await store.remove(stored.id, THANH_SEN);
  });

  it('refuses a file past the limit with a Vietnamese BAD_USER_INPUT, keeping nothing of it', async () => {
    const before = await kept();
    const refusal = await store
      .put(content(3 * MIB).stream(), {
        fileName: 'lon.csv',
        contentType: 'text/csv',
        owner: officer,
        maxBytes: 2 * MIB,
      })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(FileTooLargeError);
    expect(refusal).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'file',
      message: 'Tệp quá lớn (tối đa 2 MB).',
    });
    // The store's own limit, when the caller sets none; the refused stream is let go (its producer is not left waiting).
    const producer = Readable.from(
      (function* () {
        for (let written = 0; written < 20; written++) yield Buffer.alloc(MIB, 'b');
      })(),
    );
    await expect(
      store.put(producer, { fileName: 'lon.csv', contentType: 'text/csv', owner: officer }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'Tệp quá lớn (tối đa 8 MB).' });
    expect(producer.destroyed).toBe(true);
    expect(await kept()).toEqual(before);
  });

  it('keeps nothing of a file whose source breaks mid-way (a client that leaves)', async () => {
    const before = await kept();
    const broken = Readable.from(
      (async function* () {
        yield Buffer.alloc(1.5 * MIB, 'a');
        throw new Error('aborted');
      })(),
    );
    await expect(
      store.put(broken, { fileName: 'dang-do.csv', contentType: 'text/csv', owner: officer }),
    ).rejects.toThrow('aborted');
    expect(await kept()).toEqual(before);
  });

  it('shows a file only to readers whose unit covers its unit: another commune gets NOT_FOUND', async () => {
    const stored = await store.put(content(1000).stream(), {
      fileName: 'a.csv',
      contentType: 'text/csv',
      owner: officer,
    });
    // Another commune, the old commune and district that the code 18073 named before the reform, a prefix, none.
    for (const scope of [HA_HUY_TAP, NAM_HA, DISTRICT_436, '42_20250701.180', '42', ''])
      for (const attempt of [store.stat(stored.id, scope), store.read(stored.id, scope)])
        await expect(attempt).rejects.toMatchObject({
          code: 'NOT_FOUND',
          message: expect.stringContaining('Không tìm thấy tệp'),
        });
    // The province above the commune sees it.
    expect((await store.stat(stored.id, PROVINCE)).id).toBe(stored.id);
    // Another commune cannot remove it either; the owner can, and removing again is no error.
    await store.remove(stored.id, HA_HUY_TAP);
    expect((await store.stat(stored.id, THANH_SEN)).bytes).toBe(1000);
    await store.remove(stored.id, THANH_SEN);
    await store.remove(stored.id, THANH_SEN);
    await expect(store.stat(stored.id, THANH_SEN)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Malformed ids and scopes are simply not found (never an SQL error).
    await expect(store.stat('../../etc/passwd', THANH_SEN)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.stat(stored.id, "42') or true --")).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await store.remove('not-an-id', THANH_SEN);
  });

  it('hides files in the database itself: the role sees only rows under its scope setting', async () => {
    const stored = await store.put(content(10).stream(), {
      fileName: 'b.csv',
      contentType: 'text/csv',
      owner: officer,
    });
    const visible = async (scope: string | undefined) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        if (scope !== undefined)
          await client.query(`select set_config('ansinh.scope_path', $1, true)`, [scope]);
        const { rows } = await client.query('select id from registry.files where id = $1', [stored.id]);
        return rows.length;
      } finally {
        await client.query('rollback');
        client.release();
      }
    };
    expect(await visible(undefined)).toBe(0);
    expect(await visible(HA_HUY_TAP)).toBe(0);
    expect(await visible(THANH_SEN)).toBe(1);
    await store.remove(stored.id, THANH_SEN);
  });

  it('expires files: unreadable once expired, removed by the sweep with their content', async () => {
    const before = await kept();
    const expired = await store.put(content(2 * MIB).stream(), {
      fileName: 'cu.csv',
      contentType: 'text/csv',
      owner: officer,
      expiresAt: new Date(Date.now() - 1000),
    });
    const fresh = await store.put(content(MIB + 1).stream(), {
      fileName: 'moi.csv',
      contentType: 'text/csv',
      owner: officer,
    });
    await expect(store.read(expired.id, THANH_SEN)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.removeExpired()).toBe(1);
    expect(await store.removeExpired()).toBe(0);
    expect((await store.stat(fresh.id, THANH_SEN)).bytes).toBe(MIB + 1);
    // The default keep time (24 h) passes too.
    expect(await store.removeExpired(new Date(Date.now() + 23 * 3600_000))).toBe(0);
    expect(await store.removeExpired(new Date(Date.now() + 25 * 3600_000))).toBe(1);
    expect(await kept()).toEqual(before);
  });

  if (backend === 'postgres') {
    it('streams a download: a file removed while it is read ends in an error, not a short file', async () => {
      const stored = await store.put(content(3 * MIB).stream(), {
        fileName: 'c.csv',
        contentType: 'text/csv',
        owner: officer,
      });
      const { content: stream } = await store.read(stored.id, THANH_SEN);
      const reading = stream[Symbol.asyncIterator]();
      const first = await reading.next();
      expect((first.value as Buffer).length).toBe(FILE_CHUNK_BYTES);
      await store.remove(stored.id, THANH_SEN);
      await expect(
        (async () => {
          for (;;) if ((await reading.next()).done) break;
        })(),
      ).rejects.toThrow(/ended after/);
    });

    it('removes expired files on its own timer', async () => {
      const swept = createFileStore({ service: 'registry', schema: 'registry', pool, sweepEveryMs: 50 });
      const stored = await swept.put(content(10).stream(), {
        fileName: 'd.csv',
        contentType: 'text/csv',
        owner: officer,
        expiresAt: new Date(Date.now() + 200),
      });
      const deadline = Date.now() + 5000;
      const left = () => owned('select 1 from registry.files where id = $1', [stored.id]);
      while ((await left()).length > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await left()).toEqual([]);
    });
  } else {
    it('still reads files whose content was kept in PostgreSQL before FILE_STORE_URL was set', async () => {
      const before = createFileStore({ service: 'registry', schema: 'registry', pool, sweepEveryMs: 0 });
      const file = content(MIB + 7);
      const stored = await before.put(file.stream(), {
        fileName: 'e.csv',
        contentType: 'text/csv',
        owner: officer,
      });
      const { content: stream } = await store.read(stored.id, THANH_SEN);
      expect(sha(await readAll(stream))).toBe(sha(file.data));
      await store.remove(stored.id, THANH_SEN);
      await expect(before.stat(stored.id, THANH_SEN)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('keeps nothing readable when the bucket cannot be reached, and the sweep removes the rest', async () => {
      const unreachable = createFileStore({
        service: 'registry',
        schema: 'registry',
        pool,
        url: 's3://K:S@ansinh-files?endpoint=http%3A%2F%2F127.0.0.1%3A9&forcePathStyle=true',
        sweepEveryMs: 0,
      });
      const before = await kept();
      await expect(
        unreachable.put(content(10).stream(), { fileName: 'f.csv', contentType: 'text/csv', owner: officer }),
      ).rejects.toThrow();
      // Its row could not go without knowing its object is gone: it stays, expired, for the sweep.
      const rows = await owned(`select expires_at = '-infinity' as expired from registry.files`);
      expect(rows).toEqual([{ expired: true }]);
      expect(await unreachable.removeExpired()).toBe(0);
      expect(await store.removeExpired()).toBe(1);
      expect(await kept()).toEqual(before);
    });
  }
});
