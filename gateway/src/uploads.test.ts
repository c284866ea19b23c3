import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DEFAULT_UPLOAD_LIMITS,
  MultipartError,
  planUploads,
  readMultipartOperations,
  uploadSlot,
  type UploadLimits,
} from './uploads.ts';

describe('uploadSlot', () => {
  const operations = () =>
    JSON.parse(
      '{"query":"q","variables":{"f":null,"list":[null,null],"deep":{"g":null},"text":"x"}}',
    ) as unknown;

  it.each(['variables.f', 'variables.list.1', 'variables.deep.g'])('accepts %s', (path) => {
    const ops = operations();
    const slot = uploadSlot(ops, path);
    (slot.target as Record<string, unknown>)[slot.key] = 'id';
    expect(JSON.stringify(ops)).toContain('"id"');
  });

  it.each([
    '__proto__.authorization',
    'variables.__proto__.authorization',
    'variables.f.constructor.prototype.authorization',
    'variables.constructor',
    'variables.toString',
    'variables.hasOwnProperty',
    'query',
    'variables',
    'variables.text',
    'variables.text.length',
    'variables.missing',
    'variables.missing.deeper',
    'variables.list.5',
    'variables..f',
    'variables.f.',
    `variables.${'a'.repeat(600)}`,
  ])('refuses %s, and Object.prototype stays clean', (path) => {
    expect(() => uploadSlot(operations(), path)).toThrow(/map/);
    expect(({} as Record<string, unknown>).authorization).toBeUndefined();
  });

  it.each([[42], [null], [['variables.f']], [{ path: 'variables.f' }]])(
    'refuses a path that is not a string: %j',
    (path) => {
      expect(() => uploadSlot(operations(), path)).toThrow(/map/);
    },
  );
});

describe('planUploads', () => {
  const ops = { query: 'q', variables: { a: null, b: null } };
  it('refuses a map that is not an object of lists, batches, and more files than allowed', () => {
    expect(() => planUploads(ops, [['variables.a']], DEFAULT_UPLOAD_LIMITS)).toThrow(/map/);
    expect(() => planUploads(ops, { 0: 'variables.a' }, DEFAULT_UPLOAD_LIMITS)).toThrow(/map/);
    expect(() => planUploads(ops, {}, DEFAULT_UPLOAD_LIMITS)).toThrow(/map/);
    expect(() => planUploads([ops], { 0: ['0.variables.a'] }, DEFAULT_UPLOAD_LIMITS)).toThrow(
      /một operation/,
    );
    expect(() => planUploads(null, { 0: ['variables.a'] }, DEFAULT_UPLOAD_LIMITS)).toThrow(/operations/);
    const limits = { ...DEFAULT_UPLOAD_LIMITS, maxFiles: 1 };
    expect(() => planUploads(ops, { 0: ['variables.a'], 1: ['variables.b'] }, limits)).toThrow(
      expect.objectContaining({ status: 413 }),
    );
  });

  it('takes one file per variable: a second file for the same place is refused', () => {
    expect(() => planUploads(ops, { 0: ['variables.a'], 1: ['variables.a'] }, DEFAULT_UPLOAD_LIMITS)).toThrow(
      /chỉ nhận một tệp/,
    );
    expect(() => planUploads(ops, { 0: ['variables.a', 'variables.a'] }, DEFAULT_UPLOAD_LIMITS)).toThrow(
      /chỉ nhận một tệp/,
    );
    expect(planUploads(ops, { 0: ['variables.a'], 1: ['variables.b'] }, DEFAULT_UPLOAD_LIMITS).size).toBe(2);
  });
});

/**
 * The multipart reader against a stand-in for a subgraph's `/files` that stores bodies in memory
 * and records deletions and headers, so that what reached it, and what was removed, can be checked.
 */
type Receiver = {
  stored: Map<string, number>;
  deleted: string[];
  headers: Record<string, string | string[] | undefined>[];
  status: number;
};
const receiver: Receiver = { stored: new Map(), deleted: [], headers: [], status: 201 };
/** Where the reader sends files; a test may make it refuse the operation instead. */
let targetOf = (_operations: { query?: unknown }) => ({
  url: registryUrl,
  headers: { authorization: 'Bearer t' },
});
let registry: Server;
let registryUrl: string;
let gateway: Server;
let gatewayUrl: string;
let limits: UploadLimits = DEFAULT_UPLOAD_LIMITS;
let nextId = 0;

beforeAll(async () => {
  registry = createServer((request, response) => {
    if (request.method === 'DELETE') {
      receiver.deleted.push(new URL(request.url!, 'http://x').pathname.replace('/files/', ''));
      return void response.writeHead(204).end();
    }
    receiver.headers.push(request.headers);
    if (receiver.status !== 201) {
      // Refuses at once, while the gateway is still sending (as the registry does for a missing right).
      response.writeHead(receiver.status, { 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ error: 'Bạn không có quyền.', code: 'FORBIDDEN' }));
    }
    let bytes = 0;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('error', () => undefined);
    request.on('end', () => {
      const stored = `file-${nextId++}`;
      receiver.stored.set(stored, bytes);
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: stored }));
    });
  });
  gateway = createServer((request: IncomingMessage, response) => {
    readMultipartOperations(request, (operations) => targetOf(operations), limits).then(
      ({ body }) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      },
      (error: { status: number; publicMessage: string }) => {
        response.writeHead(error.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: error.publicMessage }));
      },
    );
  });
  for (const server of [registry, gateway])
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/files`;
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  for (const server of [registry, gateway]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
beforeAll(() => void process.on('unhandledRejection', onRejection));
afterAll(() => void process.off('unhandledRejection', onRejection));
beforeEach(() => {
  receiver.stored.clear();
  receiver.deleted.length = 0;
  receiver.headers.length = 0;
  receiver.status = 201;
  limits = DEFAULT_UPLOAD_LIMITS;
  targetOf = () => ({ url: registryUrl, headers: { authorization: 'Bearer t' } });
  rejections.length = 0;
});

function form(files: Record<string, Buffer | string>, variables: Record<string, null> = { f: null }) {
  const body = new FormData();
  body.append('operations', JSON.stringify({ query: 'mutation ($f: Upload!) { x(f: $f) }', variables }));
  body.append(
    'map',
    JSON.stringify(
      Object.fromEntries(
        Object.keys(files).map((name, i) => [name, [`variables.${Object.keys(variables)[i]}`]]),
      ),
    ),
  );
  for (const [name, content] of Object.entries(files))
    body.append(name, new Blob([content], { type: 'text/csv' }), `${name}.csv`);
  return body;
}

const post = async (body: FormData) => {
  const answer = await fetch(gatewayUrl, { method: 'POST', body });
  return { status: answer.status, body: (await answer.json()) as Record<string, any> };
};

describe('readMultipartOperations', () => {
  it('puts the stored file ids into the variables, and leaves the files to the mutation', async () => {
    const answer = await post(form({ 0: 'Họ và tên\r\nA\r\n', 1: 'x' }, { f: null, g: null }));
    expect(answer.status).toBe(200);
    expect(answer.body.variables).toEqual({
      f: expect.stringMatching(/^file-/),
      g: expect.stringMatching(/^file-/),
    });
    expect(receiver.deleted).toEqual([]);
    // Each file reached the target with the caller's credentials, its name and its type.
    expect(receiver.headers).toHaveLength(2);
    for (const headers of receiver.headers)
      expect(headers).toMatchObject({
        authorization: 'Bearer t',
        'content-type': 'text/csv',
        'x-file-name': expect.stringMatching(/^[01]\.csv$/),
      });
  });

  it('asks where the files go once it has the operations, and stores nothing when that is refused', async () => {
    const seen: unknown[] = [];
    targetOf = (operations) => {
      seen.push(operations.query);
      throw new MultipartError('Tệp chỉ được gửi kèm một mutation.');
    };
    const answer = await post(form({ 0: 'x' }));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('Tệp chỉ được gửi kèm một mutation.');
    expect(seen).toEqual(['mutation ($f: Upload!) { x(f: $f) }']);
    expect(receiver.stored.size).toBe(0);
  });

  it('refuses a request past its own limit, whatever each file weighs', async () => {
    limits = { ...DEFAULT_UPLOAD_LIMITS, maxFileBytes: 600 * 1024, maxRequestBytes: 1024 * 1024 };
    const answer = await post(
      form({ 0: Buffer.alloc(600 * 1024, 'a'), 1: Buffer.alloc(600 * 1024, 'b') }, { f: null, g: null }),
    );
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatch(/Yêu cầu quá lớn \(tối đa 1 MB\)/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // What was stored before the request passed its limit is removed again.
    expect(receiver.deleted.sort()).toEqual([...receiver.stored.keys()].sort());
  });

  it('refuses a file over the limit with 413, aborting its upload', async () => {
    limits = { ...DEFAULT_UPLOAD_LIMITS, maxFileBytes: 64 * 1024 };
    const answer = await post(form({ 0: Buffer.alloc(1024 * 1024, 'a') }));
    expect(answer.status).toBe(413);
    expect(answer.body.error).toContain('quá lớn');
    expect([...receiver.stored.values()].every((bytes) => bytes <= 64 * 1024)).toBe(true);
    expect(receiver.stored.size).toBe(0);
  });

  it('deletes the files already stored when a later part is refused', async () => {
    limits = { ...DEFAULT_UPLOAD_LIMITS, maxFileBytes: 64 * 1024 };
    const part = (name: string, content: string, file = false) =>
      `--bb\r\ncontent-disposition: form-data; name="${name}"${file ? `; filename="${name}.csv"` : ''}\r\n\r\n${content}\r\n`;
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      async start(controller) {
        controller.enqueue(
          encoder.encode(
            part('operations', JSON.stringify({ query: 'q', variables: { f: null, g: null } })) +
              part('map', JSON.stringify({ 0: ['variables.f'], 1: ['variables.g'] })) +
              part('0', 'small', true) +
              '--bb\r\ncontent-disposition: form-data; name="1"; filename="1.csv"\r\n\r\n',
          ),
        );
        // The first file is stored before the second, too large, one arrives.
        while (receiver.stored.size === 0) await new Promise((resolve) => setTimeout(resolve, 10));
        controller.enqueue(encoder.encode('a'.repeat(512 * 1024) + '\r\n--bb--\r\n'));
        controller.close();
      },
    });
    const answer = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=bb' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(answer.status).toBe(413);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.stored.size).toBe(1);
    expect(receiver.deleted).toEqual([...receiver.stored.keys()]);
  });

  it('answers with the registry refusal when it refuses mid-stream, with no unhandled rejection', async () => {
    receiver.status = 403;
    const answer = await post(form({ 0: Buffer.alloc(2 * 1024 * 1024, 'a') }));
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('Bạn không có quyền.');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rejections).toEqual([]);
  });

  it('refuses a declared length past the limits before reading', async () => {
    const port = Number(new URL(gatewayUrl).port);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' }, () =>
        socket.write(
          'POST /graphql HTTP/1.1\r\nhost: x\r\nconnection: close\r\n' +
            `content-type: multipart/form-data; boundary=b\r\ncontent-length: ${10 * 1024 ** 3}\r\n\r\n--b\r\n`,
        ),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.on('error', () => undefined);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(receiver.stored.size).toBe(0);
  });
});
