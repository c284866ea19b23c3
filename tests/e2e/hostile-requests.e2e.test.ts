import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphql, startStack, testEnv, tokenFor, type Stack } from '../support/stack.ts';
import {
  CSV,
  httpRequest,
  multipartBody,
  mutateMultipart,
  operations,
  rawExchange,
  seeded,
  type Part,
  type RawAnswer,
} from './hostile-requests.cases.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BOUNDARY = 'ansinh-hostile-boundary';

/** What a case must get: a 4xx with a JSON error, any answer but a 5xx, or nothing (the client left). */
type Expect = 'refused' | 'answered' | 'client-left';
type Tokens = { officer: string; district: string };
type Case = {
  label: string;
  request: (tokens: Tokens) => Buffer;
  expect: Expect;
  /** The exact status, where the refusal has one reason. */
  status?: number;
  abortAfterMs?: number;
};

const multipart = (parts: Part[], token?: string, extra: Record<string, string> = {}) =>
  httpRequest(
    'POST',
    '/graphql',
    {
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    },
    multipartBody(BOUNDARY, parts),
  );
const json = (body: string, token?: string, contentType = 'application/json') =>
  httpRequest(
    'POST',
    '/graphql',
    { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  );
const OPERATIONS: Part = { name: 'operations', value: operations() };
const MAP: Part = { name: 'map', value: JSON.stringify({ 0: ['variables.f'] }) };
const FILE: Part = { name: '0', fileName: 'danh-sach.csv', content: CSV };
const mapOf = (paths: unknown): Part => ({ name: 'map', value: JSON.stringify(paths) });

const CASES: Case[] = [
  {
    label: 'multipart without a boundary',
    request: (t) =>
      httpRequest(
        'POST',
        '/graphql',
        { 'content-type': 'multipart/form-data', authorization: `Bearer ${t.officer}` },
        'x',
      ),
    expect: 'refused',
  },
  {
    label: 'multipart with an empty boundary',
    request: (t) =>
      httpRequest(
        'POST',
        '/graphql',
        { 'content-type': 'multipart/form-data; boundary=', authorization: `Bearer ${t.officer}` },
        multipartBody('', [OPERATIONS, MAP, FILE]),
      ),
    expect: 'refused',
  },
  {
    label: 'multipart whose body uses another boundary',
    request: (t) =>
      httpRequest(
        'POST',
        '/graphql',
        { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, authorization: `Bearer ${t.officer}` },
        multipartBody('another', [OPERATIONS, MAP, FILE]),
      ),
    expect: 'refused',
  },
  {
    label: 'multipart cut in the middle of the file',
    request: (t) =>
      httpRequest(
        'POST',
        '/graphql',
        { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, authorization: `Bearer ${t.officer}` },
        multipartBody(BOUNDARY, [OPERATIONS, MAP, FILE], false).subarray(0, -10),
      ),
    expect: 'refused',
  },
  {
    label: 'multipart cut in the middle of a part header',
    request: (t) => {
      const body = multipartBody(BOUNDARY, [OPERATIONS, MAP, FILE]);
      const cut = body.indexOf('filename=') + 4;
      return httpRequest(
        'POST',
        '/graphql',
        { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, authorization: `Bearer ${t.officer}` },
        body.subarray(0, cut),
      );
    },
    expect: 'refused',
  },
  {
    label: 'multipart without map',
    request: (t) => multipart([OPERATIONS, FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'multipart without operations',
    request: (t) => multipart([MAP, FILE], t.officer),
    expect: 'refused',
  },
  { label: 'multipart without any part', request: (t) => multipart([], t.officer), expect: 'refused' },
  {
    label: 'a file before operations and map',
    request: (t) => multipart([FILE, OPERATIONS, MAP], t.officer),
    expect: 'refused',
  },
  {
    label: 'operations that are not JSON',
    request: (t) => multipart([{ name: 'operations', value: '{"query":' }, MAP, FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'operations that are null',
    request: (t) => multipart([{ name: 'operations', value: 'null' }, MAP, FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'operations that are an array (a batch)',
    request: (t) =>
      multipart(
        [{ name: 'operations', value: `[${operations()}]` }, mapOf({ 0: ['0.variables.f'] }), FILE],
        t.officer,
      ),
    expect: 'refused',
  },
  {
    label: 'operations whose variables are not an object',
    request: (t) =>
      multipart(
        [
          { name: 'operations', value: JSON.stringify({ query: '{ __typename }', variables: 'x' }) },
          MAP,
          FILE,
        ],
        t.officer,
      ),
    expect: 'refused',
  },
  {
    label: 'a map that is not JSON',
    request: (t) => multipart([OPERATIONS, { name: 'map', value: '{0:' }, FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'a map that is an array',
    request: (t) => multipart([OPERATIONS, mapOf([['variables.f']]), FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'a map value that is not a list',
    request: (t) => multipart([OPERATIONS, mapOf({ 0: 'variables.f' }), FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'a map path outside variables',
    request: (t) => multipart([OPERATIONS, mapOf({ 0: ['query'] }), FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'a map path through __proto__',
    request: (t) => multipart([OPERATIONS, mapOf({ 0: ['__proto__.authorization'] }), FILE], t.officer),
    expect: 'refused',
    status: 400,
  },
  {
    label: 'a map path through variables.__proto__',
    request: (t) => multipart([OPERATIONS, mapOf({ 0: ['variables.__proto__.polluted'] }), FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'a map path through constructor.prototype',
    request: (t) =>
      multipart([OPERATIONS, mapOf({ 0: ['variables.f.constructor.prototype.polluted'] }), FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'a map path to a variable that does not exist',
    request: (t) => multipart([OPERATIONS, mapOf({ 0: ['variables.nothing.deeper'] }), FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'a map naming a file that is never sent',
    request: (t) =>
      multipart([OPERATIONS, mapOf({ 0: ['variables.f'], 1: ['variables.g'] }), FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'a file the map does not name',
    request: (t) => multipart([OPERATIONS, MAP, FILE, { ...FILE, name: '7' }], t.officer),
    expect: 'refused',
  },
  {
    label: 'operations sent twice',
    request: (t) => multipart([OPERATIONS, OPERATIONS, MAP, FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'the same file sent twice',
    request: (t) => multipart([OPERATIONS, MAP, FILE, FILE], t.officer),
    expect: 'refused',
  },
  {
    label: 'an operations field of 3 MB',
    request: (t) =>
      multipart(
        [{ name: 'operations', value: operations({ f: null, pad: 'x'.repeat(3 * 1024 * 1024) }) }, MAP, FILE],
        t.officer,
      ),
    expect: 'refused',
    status: 413,
  },
  {
    label: 'twelve files in one request',
    request: (t) => {
      const map = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(i), [`variables.f${i}`]]));
      const variables = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, null]));
      return multipart(
        [
          { name: 'operations', value: operations(variables) },
          mapOf(map),
          ...Array.from({ length: 12 }, (_, i) => ({ ...FILE, name: String(i) })),
        ],
        t.officer,
      );
    },
    expect: 'refused',
    status: 413,
  },
  {
    label: 'two hundred fields',
    request: (t) =>
      multipart(
        [
          OPERATIONS,
          MAP,
          ...Array.from({ length: 200 }, (_, i) => ({ name: `extra${i}`, value: 'x' })),
          FILE,
        ],
        t.officer,
      ),
    expect: 'refused',
  },
  {
    label: "the former district's 1 MB file (no person:write), which the registry refuses while it streams",
    request: (t) =>
      multipart([OPERATIONS, MAP, { ...FILE, content: Buffer.alloc(1024 * 1024, 'a') }], t.district),
    expect: 'refused',
    status: 403,
  },
  {
    label: 'an anonymous 1 MB file',
    request: () => multipart([OPERATIONS, MAP, { ...FILE, content: Buffer.alloc(1024 * 1024, 'a') }]),
    expect: 'refused',
    status: 401,
  },
  {
    label: 'a multipart upload with a forged token',
    request: () => multipart([OPERATIONS, MAP, FILE], 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'),
    expect: 'refused',
    status: 401,
  },
  {
    label: 'a multipart upload declaring 10 GB',
    request: (t) =>
      httpRequest(
        'POST',
        '/graphql',
        {
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          authorization: `Bearer ${t.officer}`,
          'content-length': String(10 * 1024 ** 3),
        },
        multipartBody(BOUNDARY, [OPERATIONS, MAP], false),
      ),
    expect: 'refused',
    status: 413,
  },
  {
    label: 'a JSON request declaring 10 GB',
    request: (t) =>
      httpRequest(
        'POST',
        '/graphql',
        {
          'content-type': 'application/json',
          authorization: `Bearer ${t.officer}`,
          'content-length': String(10 * 1024 ** 3),
        },
        '{"query":"',
      ),
    expect: 'refused',
    status: 413,
  },
  {
    label: 'a JSON body that is not JSON',
    request: (t) => json('{"query": "{ __typename }"', t.officer),
    expect: 'refused',
  },
  { label: 'a JSON body of null', request: (t) => json('null', t.officer), expect: 'refused' },
  {
    label: 'a JSON body that is an array',
    request: (t) => json('[{"query":"{ __typename }"}]', t.officer),
    expect: 'refused',
  },
  {
    label: 'a JSON body that is a string',
    request: (t) => json('"{ __typename }"', t.officer),
    expect: 'refused',
  },
  { label: 'an empty JSON body', request: (t) => json('', t.officer), expect: 'refused' },
  {
    label: 'a JSON body with a __proto__ key',
    request: (t) => json('{"query":"{ __typename }","__proto__":{"authorization":"x"}}', t.officer),
    expect: 'answered',
  },
  {
    label: 'a JSON body of 3 MB',
    request: (t) =>
      json(JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(3 * 1024 * 1024) }), t.officer),
    expect: 'refused',
    status: 413,
  },
  {
    label: 'a chunked JSON body over the limit',
    request: (t) => {
      const chunk = 'x'.repeat(64 * 1024);
      const chunks = Array.from({ length: 48 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join(
        '',
      );
      return Buffer.concat([
        httpRequest('POST', '/graphql', {
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
          authorization: `Bearer ${t.officer}`,
        }),
        Buffer.from(`${chunks}0\r\n\r\n`),
      ]);
    },
    expect: 'refused',
    status: 413,
  },
  {
    label: 'a text/plain body',
    request: (t) => json('{"query":"{ __typename }"}', t.officer, 'text/plain'),
    expect: 'refused',
  },
  {
    label: 'a urlencoded body',
    request: (t) => json('query=%7B__typename%7D', t.officer, 'application/x-www-form-urlencoded'),
    expect: 'refused',
  },
  {
    label: 'a GET with a body',
    request: (t) =>
      httpRequest(
        'GET',
        '/graphql',
        { 'content-type': 'application/json', authorization: `Bearer ${t.officer}` },
        '{"query":"{ __typename }"}',
      ),
    expect: 'refused',
  },
  {
    label: 'a PUT',
    request: () => httpRequest('PUT', '/graphql', { 'content-type': 'application/json' }, '{}'),
    expect: 'refused',
  },
  { label: 'an unknown path', request: () => httpRequest('GET', '/../../etc/passwd', {}), expect: 'refused' },
  {
    label: 'a file download with a path for an id',
    request: (t) =>
      httpRequest('GET', '/files/registry/..%2F..%2F..%2Fetc%2Fpasswd', {
        authorization: `Bearer ${t.officer}`,
      }),
    expect: 'refused',
  },
  {
    label: 'a file download without a token',
    request: () => httpRequest('GET', '/files/registry/00000000-0000-4000-8000-000000000000', {}),
    expect: 'refused',
  },
  {
    label: 'a client that leaves in the middle of a multipart upload',
    request: (t) => {
      const full = multipart(
        [OPERATIONS, MAP, { ...FILE, content: Buffer.alloc(256 * 1024, 'a') }],
        t.officer,
      );
      return full.subarray(0, full.length - 100 * 1024);
    },
    abortAfterMs: 300,
    expect: 'client-left',
  },
  {
    label: 'a client that leaves in the middle of a JSON body',
    request: (t) => json('{"query":"{ __typename }"}', t.officer).subarray(0, -5),
    abortAfterMs: 300,
    expect: 'client-left',
  },
  {
    label: 'a client that never finishes its headers',
    request: () => Buffer.from('POST /graphql HTTP/1.1\r\nhost: localhost\r\ncontent-type: appli'),
    abortAfterMs: 300,
    expect: 'client-left',
  },
];

/** 4xx with a JSON error carrying a message and a code (Node's own 431 for huge headers may be bare). */
function checkAnswer(kase: Case, answer: RawAnswer, exact: boolean): string | undefined {
  if (kase.expect === 'client-left') return undefined;
  if (answer.status === 'dropped') return `${kase.label}: connection dropped without an answer`;
  if (answer.status >= 500) return `${kase.label}: ${answer.status} ${answer.body.slice(0, 200)}`;
  if (kase.expect === 'answered') return undefined;
  if (answer.status < 400) return `${kase.label}: accepted with ${answer.status}`;
  if (exact && kase.status && answer.status !== kase.status)
    return `${kase.label}: ${answer.status} instead of ${kase.status}: ${answer.body.slice(0, 200)}`;
  let body: {
    errors?: { message?: string; extensions?: { code?: string } }[];
    error?: string;
    code?: string;
  };
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `${kase.label}: ${answer.status} without a JSON body: ${answer.body.slice(0, 200)}`;
  }
  const message = body.errors?.[0]?.message ?? body.error;
  const code = body.errors?.[0]?.extensions?.code ?? body.code;
  if (!message || !code) return `${kase.label}: ${answer.status} without a message and code: ${answer.body}`;
  return undefined;
}

/**
 * Requests that Node's own HTTP parser refuses before any handler runs: a JSON answer needs the
 * service's server hardened (`hardenHttpServer`), without it Node sends a bare status.
 */
const PARSER_CASES: Case[] = [
  {
    label: 'an enormous header',
    request: () => httpRequest('GET', '/health', { 'x-padding': 'x'.repeat(64 * 1024) }),
    expect: 'refused',
  },
  {
    label: 'an invalid content-length',
    request: () =>
      httpRequest('POST', '/graphql', { 'content-type': 'application/json', 'content-length': 'lots' }, '{}'),
    expect: 'refused',
  },
];

/** The registry's own file routes, reached directly (the gateway's wall is not the only one). */
const REGISTRY_CASES: Case[] = [
  {
    label: 'an upload declaring 10 GB',
    request: (t) =>
      httpRequest(
        'POST',
        '/files',
        { authorization: `Bearer ${t.officer}`, 'content-length': String(10 * 1024 ** 3) },
        'abc',
      ),
    expect: 'refused',
    status: 413,
  },
  {
    label: 'an anonymous upload',
    request: () => httpRequest('POST', '/files', {}, 'abc'),
    expect: 'refused',
    status: 401,
  },
  {
    label: "the former district's upload (no person:write)",
    request: (t) => httpRequest('POST', '/files', { authorization: `Bearer ${t.district}` }, 'abc'),
    expect: 'refused',
    status: 403,
  },
  {
    label: 'an upload with a broken file name',
    request: (t) =>
      httpRequest(
        'POST',
        '/files',
        { authorization: `Bearer ${t.officer}`, 'x-file-name': '%E0%A4%A' },
        'abc',
      ),
    expect: 'answered',
  },
  {
    label: 'a deletion of a path',
    request: (t) =>
      httpRequest('DELETE', '/files/..%2F..%2Fetc%2Fpasswd', { authorization: `Bearer ${t.officer}` }),
    expect: 'refused',
  },
  {
    label: 'a PUT of an upload',
    request: (t) => httpRequest('PUT', '/files', { authorization: `Bearer ${t.officer}` }, 'abc'),
    expect: 'refused',
  },
  {
    label: 'an upload whose client leaves mid-file',
    request: (t) =>
      httpRequest(
        'POST',
        '/files',
        { authorization: `Bearer ${t.officer}`, 'content-length': String(1024 * 1024) },
        Buffer.alloc(300 * 1024, 'a'),
      ),
    abortAfterMs: 300,
    expect: 'client-left',
  },
];

/** Throws every case at one service; `exact` checks the statuses given for the gateway's answers. */
async function throwEverything(port: number, tokens: Tokens, cases = CASES, exact = true): Promise<string[]> {
  const failures: string[] = [];
  for (const kase of cases) {
    const answer = await rawExchange(port, kase.request(tokens), { abortAfterMs: kase.abortAfterMs });
    const failure = checkAnswer(kase, answer, exact);
    if (failure) failures.push(failure);
  }
  return failures;
}

async function fuzz(port: number, token: string, seed: number, count: number): Promise<string[]> {
  const random = seeded(seed);
  const failures: string[] = [];
  for (let index = 0; index < count; index++) {
    const body = mutateMultipart(random, BOUNDARY);
    const answer = await rawExchange(
      port,
      httpRequest(
        'POST',
        '/graphql',
        { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, authorization: `Bearer ${token}` },
        body,
      ),
    );
    if (answer.status === 'dropped' || answer.status >= 500)
      failures.push(`seed ${seed} case ${index}: ${answer.status} ${answer.body.slice(0, 200)}`);
  }
  return failures;
}

async function healthy(port: number): Promise<number> {
  const answer = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
  return answer?.status ?? 0;
}

let stack: Stack;
let tokens: Tokens;

beforeAll(async () => {
  stack = await startStack();
  tokens = { officer: await tokenFor('xa.18652'), district: await tokenFor('huyen.436') };
});

afterAll(async () => {
  await stack?.stop();
});

describe('hostile requests against the gateway and subgraphs in this process', () => {
  it('refuses every malformed request with a 4xx and a clear error, and keeps serving', async () => {
    expect(await throwEverything(stack.gateway.port, tokens)).toEqual([]);
    expect(await healthy(stack.gateway.port)).toBe(200);
  });

  it('refuses every malformed request to a subgraph directly with a 4xx, and each keeps serving', async () => {
    for (const [name, subgraph] of Object.entries(stack.subgraphs)) {
      // A subgraph has no multipart reader: uploads there are refused for their content type.
      const failures = await throwEverything(subgraph.port, tokens, CASES, false);
      if (name === 'registry')
        failures.push(...(await throwEverything(subgraph.port, tokens, REGISTRY_CASES)));
      expect({ name, failures }).toEqual({ name, failures: [] });
      expect(await healthy(subgraph.port)).toBe(200);
    }
  });

  it("answers what Node's own parser refuses with a JSON error on every service (hardenHttpServer)", async () => {
    for (const port of [
      stack.gateway.port,
      ...Object.values(stack.subgraphs).map((subgraph) => subgraph.port),
    ]) {
      expect({ port, failures: await throwEverything(port, tokens, PARSER_CASES) }).toEqual({
        port,
        failures: [],
      });
    }
  });

  it('survives seeded malformed multipart bodies without a 5xx or a dropped connection', async () => {
    expect(await fuzz(stack.gateway.port, tokens.district, 8, 60)).toEqual([]);
    expect(await fuzz(stack.gateway.port, tokens.officer, 88, 60)).toEqual([]);
    expect(await healthy(stack.gateway.port)).toBe(200);
  });

  it('does not let a multipart map pollute Object.prototype', async () => {
    const answer = await rawExchange(
      stack.gateway.port,
      multipart([OPERATIONS, mapOf({ 0: ['__proto__.authorization'] }), FILE], tokens.officer),
    );
    expect(answer.status).toBe(400);
    expect(({} as Record<string, unknown>).authorization).toBeUndefined();
    const after = await graphql(stack.gateway.url, '{ __typename }', { token: tokens.officer });
    expect(after.status).toBe(200);
    const anonymous = await graphql(stack.gateway.url, '{ __typename }');
    expect(anonymous.status).toBe(200);
  });

  it('refuses a file over 50 MB with 413 and a clear message', async () => {
    const form = new FormData();
    form.append('operations', operations());
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    form.append('0', new Blob([Buffer.alloc(51 * 1024 * 1024, 'a')]), 'qua-lon.csv');
    const answer = await fetch(stack.gateway.url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${tokens.officer}` },
    });
    expect(answer.status).toBe(413);
    const body = (await answer.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({
      message: expect.stringContaining('quá lớn (tối đa 50 MB)'),
      extensions: { code: 'PAYLOAD_TOO_LARGE' },
    });
  });

  it('removes an upload that the operation did not use as soon as the request is answered', async () => {
    const fileName = `khong-dung-${randomUUID()}.csv`;
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query: 'mutation ($f: Upload!) { importPersons(file: $f) { noSuchField } }',
        variables: { f: null },
      }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    form.append('0', new Blob([CSV]), fileName);
    const answer = await fetch(stack.gateway.url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${tokens.officer}` },
    });
    expect(answer.status).toBe(400);
    const directory = join(tmpdir(), 'ansinh-registry-files');
    const kept: string[] = [];
    for (const name of await readdir(directory).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      const meta = await readFile(join(directory, name), 'utf8').catch(() => '');
      if (meta.includes(fileName)) kept.push(name);
    }
    expect(kept).toEqual([]);
  });

  it('still imports a good file after all this', async () => {
    const form = new FormData();
    form.append('operations', operations());
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    form.append('0', new Blob([CSV]), 'danh-sach.csv');
    const answer = await fetch(stack.gateway.url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${tokens.officer}` },
    });
    const body = (await answer.json()) as {
      data?: { importPersons: { state: string; personImport: { rows: number } } };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    expect(body.data?.importPersons).toMatchObject({ state: 'DONE', personImport: { rows: 1 } });
  });
});

describe('hostile requests against a real gateway process', () => {
  let child: ChildProcess;
  let output = '';
  let port = 0;

  beforeAll(async () => {
    child = spawn(process.execPath, ['gateway/src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        ...testEnv(stack.database.url),
        LOG_LEVEL: 'info',
        REGISTRY_URL: stack.subgraphs.registry!.url,
        APPROVALS_URL: stack.subgraphs.approvals!.url,
        PAYMENTS_URL: stack.subgraphs.payments!.url,
        REPORTING_URL: stack.subgraphs.reporting!.url,
      },
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 30_000;
    while (!port && Date.now() < deadline && child.exitCode === null) {
      const ready = /"port":(\d+)[^\n]*"msg":"gateway ready"/.exec(output);
      if (ready) port = Number(ready[1]);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!port) throw new Error(`the gateway did not start:\n${output}`);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('answers every malformed request with a 4xx, logs no unhandled rejection, and stays up', async () => {
    const failures = await throwEverything(port, tokens);
    failures.push(...(await fuzz(port, tokens.district, 7, 40)));
    expect(failures).toEqual([]);
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect(await healthy(port)).toBe(200);
    expect(output).not.toMatch(/unhandled|uncaught/i);
  });

  it("answers what Node's own parser refuses with a JSON error (hardenHttpServer)", async () => {
    expect(await throwEverything(port, tokens, PARSER_CASES)).toEqual([]);
    expect(await healthy(port)).toBe(200);
  });
});
