import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { uploadFileName } from './upload.routes.ts';
import { UploadAbortedError, UploadStore, UploadTooLargeError } from './upload-store.ts';

let directory: string;
let store: UploadStore;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ansinh-upload-store-'));
});
afterEach(async () => {
  store?.close();
  await rm(directory, { recursive: true, force: true });
});

const chunks = (count: number, size = 1024) =>
  Readable.from(Array.from({ length: count }, () => Buffer.alloc(size, 'a')));

describe('UploadStore', () => {
  it('refuses a file past the limit and keeps nothing of it', async () => {
    store = new UploadStore({ directory, maxFileBytes: 4096 });
    await expect(store.save(chunks(10), 'officer', 'lon.xlsx')).rejects.toBeInstanceOf(UploadTooLargeError);
    expect(await readdir(directory)).toEqual([]);
  });

  it('keeps nothing of an upload whose client leaves mid-way', async () => {
    store = new UploadStore({ directory });
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(1024, 'a'));
        this.destroy(new Error('aborted'));
      },
    });
    await expect(store.save(broken, 'officer', 'dang-do.csv')).rejects.toBeInstanceOf(UploadAbortedError);
    expect(await readdir(directory)).toEqual([]);
  });

  it('lets only the owner open or remove a file', async () => {
    store = new UploadStore({ directory });
    const id = await store.save(chunks(2), 'officer', 'ds.csv');
    await expect(store.open(id, 'someone-else')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await store.removeOwned(id, 'someone-else');
    expect(await store.open(id, 'officer')).toMatchObject({ fileName: 'ds.csv', bytes: 2048 });
    await store.removeOwned(id, 'officer');
    expect(await readdir(directory)).toEqual([]);
    await expect(store.removeOwned('../../etc/passwd', 'officer')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });

  it('expires an unused upload after its short keep time, and a report after its own', async () => {
    store = new UploadStore({ directory, uploadTtlMs: 60 * 60_000, reportTtlMs: 24 * 60 * 60_000 });
    const upload = await store.save(chunks(1), 'officer', 'ds.csv');
    const report = await store.reserve('officer', 'loi.xlsx');
    await writeFile(report.path, 'report');
    await report.commit();
    const now = Date.now();
    expect(await store.removeExpired(now + 59 * 60_000)).toBe(0);
    expect(await store.removeExpired(now + 61 * 60_000)).toBe(1);
    await expect(store.open(upload, 'officer')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.open(report.id, 'officer')).toMatchObject({ fileName: 'loi.xlsx' });
    expect(await store.removeExpired(now + 25 * 60 * 60_000)).toBe(1);
    expect(await readdir(directory)).toEqual([]);
  });

  it('removes a file left without its description (a process that died mid-upload) once it is old', async () => {
    store = new UploadStore({ directory, uploadTtlMs: 60 * 60_000 });
    const orphan = join(directory, '0b7f3a52-8f0e-4c59-9a53-5c8f33b6a8d1.file');
    await writeFile(orphan, 'half');
    expect(await store.removeExpired()).toBe(0);
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(orphan, old, old);
    expect(await store.removeExpired()).toBe(1);
    expect(await readdir(directory)).toEqual([]);
  });

  it('removes expired uploads on its timer, without waiting for the next upload', async () => {
    store = new UploadStore({ directory, uploadTtlMs: 100, sweepEveryMs: 50 });
    await store.save(chunks(1), 'officer', 'ds.csv');
    expect((await readdir(directory)).length).toBe(2);
    const deadline = Date.now() + 5_000;
    while ((await readdir(directory)).length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await readdir(directory)).toEqual([]);
  });
});

describe('uploadFileName', () => {
  it.each([
    ['an encoded Vietnamese name', 'danh-s%C3%A1ch.xlsx', 'danh-sách.xlsx'],
    ['a broken encoding', '%E0%A4%A', '%E0%A4%A'],
    ['a path', '..%2F..%2Fetc%2Fpasswd', 'passwd'],
    ['control and bidirectional characters', 'a%00b%E2%80%AEc.xlsx', 'abc.xlsx'],
    ['no name', undefined, 'upload'],
    ['a 5,000-character name', 'x'.repeat(5000), 'x'.repeat(255)],
  ])('%s', (_label, header, expected) => {
    expect(uploadFileName(header)).toBe(expected);
  });
});
