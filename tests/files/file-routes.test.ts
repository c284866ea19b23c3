import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { createFileStore, fileRoutes, Session, type FileStore, type Principal } from '@ansinh/common';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { sqlRows } from '../support/stack.ts';
import { registryRolePool } from './file-support.ts';

/**
 * The common file routes on a real store (PostgreSQL, as the registry's role) with a 1 MiB limit,
 * behind a plain HTTP server; the session is given (the end-to-end tests use real tokens).
 */
const MIB = 1024 * 1024;
const officer: Principal = {
  subject: 'officer-18073',
  username: 'xa.18073',
  unitCode: '18073',
  unitLevel: 'commune',
  roles: ['officer'],
  clientId: undefined,
};

let database: TestDatabase;
let pool: pg.Pool;
let store: FileStore;
let server: Server;
let base: string;
/** The caller of the next requests. */
let session = Session.of(officer, '42_20250701.18073_20250701');

beforeAll(async () => {
  database = await createTestDatabase();
  pool = registryRolePool(database.url);
  store = createFileStore({
    service: 'registry',
    schema: 'registry',
    pool,
    maxFileBytes: MIB,
    sweepEveryMs: 0,
  });
  const routes = fileRoutes(async () => ({ session, files: store }));
  server = createServer((request, response) => {
    request.on('error', () => undefined);
    const path = new URL(request.url!, 'http://x').pathname;
    const route = path === '/files' ? routes['/files']! : routes['/files/*']!;
    Promise.resolve(route(request, response)).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await pool?.end();
  await database?.drop();
});

const stored = async () =>
  Number((await sqlRows(database.url, 'select count(*) from registry.files'))[0]!.count);

/** A body of `bytes` that streams in pieces without a declared length (chunked). */
const streamed = (bytes: number) =>
  new ReadableStream({
    start(controller) {
      for (let sent = 0; sent < bytes; sent += 64 * 1024)
        controller.enqueue(new Uint8Array(Math.min(64 * 1024, bytes - sent)));
      controller.close();
    },
  });

describe('fileRoutes', () => {
  it('answers a chunked upload past the limit with 413 (the client reads it), keeping nothing', async () => {
    const answer = await fetch(`${base}/files`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-file-name': 'lon.csv' },
      body: streamed(3 * MIB),
      duplex: 'half',
    } as RequestInit);
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ error: 'Tệp quá lớn (tối đa 1 MB).', code: 'PAYLOAD_TOO_LARGE' });
    expect(await stored()).toBe(0);
  });

  it('stores a file up to the limit and serves it, HEAD without its body', async () => {
    const upload = await fetch(`${base}/files`, {
      method: 'POST',
      headers: {
        'content-type': 'application/vnd.ms-excel',
        'x-file-name': encodeURIComponent('báo cáo.xls'),
      },
      body: streamed(MIB),
      duplex: 'half',
    } as RequestInit);
    expect(upload.status).toBe(201);
    const { id } = (await upload.json()) as { id: string };
    const head = await fetch(`${base}/files/${id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(MIB));
    expect(head.headers.get('content-type')).toBe('application/vnd.ms-excel');
    const get = await fetch(`${base}/files/${id}`);
    expect((await get.arrayBuffer()).byteLength).toBe(MIB);
    expect((await fetch(`${base}/files/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${base}/files/${id}`)).status).toBe(404);
  });

  it('keeps nothing of an upload whose client leaves mid-file, and goes on serving', async () => {
    const aborter = new AbortController();
    const leaving = new ReadableStream({
      async pull(controller) {
        controller.enqueue(new Uint8Array(64 * 1024));
        await new Promise((resolve) => setTimeout(resolve, 20));
        if ((await stored()) > 0) aborter.abort();
      },
    });
    await expect(
      fetch(`${base}/files`, {
        method: 'POST',
        body: leaving,
        duplex: 'half',
        signal: aborter.signal,
      } as RequestInit),
    ).rejects.toThrow();
    const deadline = Date.now() + 5000;
    while ((await stored()) > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await stored()).toBe(0);
    expect((await fetch(`${base}/files`, { method: 'POST', body: 'ok' })).status).toBe(201);
  });

  it('refuses a caller without a session (401) or without a known unit (403)', async () => {
    session = Session.anonymous();
    const anonymous = await fetch(`${base}/files`, { method: 'POST', body: 'x' });
    expect(anonymous.status).toBe(401);
    session = Session.of(officer, undefined);
    const unitless = await fetch(`${base}/files`, { method: 'POST', body: 'x' });
    expect(unitless.status).toBe(403);
    expect(await unitless.json()).toMatchObject({ code: 'FORBIDDEN' });
    session = Session.of(officer, '42_20250701.18073_20250701');
  });
});
