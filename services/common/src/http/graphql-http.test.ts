import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import { pino } from 'pino';
import { currentRequestId } from '../server/request-context.ts';
import { graphqlRequestListener, hardenHttpServer, readBody, routeFor, type Route } from './graphql-http.ts';

/** Raw bytes in, whatever the server answers out (its status line and body), or '' when it just closes. */
function exchange(port: number, bytes: string | Buffer, keepOpenMs = 0): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => undefined);
    socket.write(bytes);
    if (keepOpenMs) setTimeout(() => socket.destroy(), keepOpenMs).unref();
  });
}

const servers: Server[] = [];
const apollos: ApolloServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all(apollos.splice(0).map((apollo) => apollo.stop()));
});

async function serve(
  routes: Record<string, Route>,
  options: { harden?: Parameters<typeof hardenHttpServer>[1]; logged?: unknown[] } = {},
): Promise<number> {
  const apollo = new ApolloServer({
    typeDefs: 'type Query { hello: String }',
    resolvers: { Query: { hello: () => 'chào' } },
  });
  await apollo.start();
  apollos.push(apollo);
  const logged = options.logged ?? [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const server = createServer(
    graphqlRequestListener(apollo, async () => ({}), routes, undefined, { logger }),
  );
  if (options.harden) hardenHttpServer(server, options.harden);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

describe('graphqlRequestListener', () => {
  it('answers GraphQL, and refuses bodies that are not a JSON object with a clear message', async () => {
    const port = await serve({});
    const url = `http://127.0.0.1:${port}/graphql`;
    const post = (body: string, type = 'application/json') =>
      fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
    const ok = await post('{"query":"{ hello }"}');
    expect(await ok.json()).toEqual({ data: { hello: 'chào' } });
    for (const [body, type] of [
      ['{"query":', 'application/json'],
      ['null', 'application/json'],
      ['[{"query":"{ hello }"}]', 'application/json'],
      ['"{ hello }"', 'application/json'],
      ['{"query":"{ hello }"}', 'text/plain'],
    ] as const) {
      const answer = await post(body, type);
      expect(answer.status).toBe(400);
      const { errors } = (await answer.json()) as {
        errors: { message: string; extensions: { code: string } }[];
      };
      expect(errors[0]!.extensions.code).toBe('BAD_REQUEST');
      expect(errors[0]!.message).toMatch(/[ảâêôơư]/);
    }
  });

  it('refuses a body over the limit from its declared length, before reading it', async () => {
    const port = await serve({});
    const answer = await exchange(
      port,
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n{"query":',
    );
    expect(statusOf(answer)).toBe(413);
    expect(bodyOf(answer).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a failing route with a 500 that hides the cause, logs it with the request id, and keeps serving', async () => {
    const logged: { requestId?: string; msg?: string }[] = [];
    let seenId: string | undefined;
    const port = await serve(
      {
        '/boom': () => {
          seenId = currentRequestId();
          return Promise.reject(new Error('secret internals'));
        },
        '/half': (_request, response) => {
          response.writeHead(200);
          response.write('part');
          throw new Error('after the head');
        },
      },
      { logged },
    );
    const answer = await fetch(`http://127.0.0.1:${port}/boom`, { headers: { 'x-request-id': 'req-42' } });
    expect(answer.status).toBe(500);
    expect(answer.headers.get('x-request-id')).toBe('req-42');
    expect(JSON.stringify(await answer.json())).not.toContain('secret');
    expect(seenId).toBe('req-42');
    expect(logged).toContainEqual(expect.objectContaining({ requestId: 'req-42', msg: 'request failed' }));
    await expect(fetch(`http://127.0.0.1:${port}/half`).then((half) => half.text())).rejects.toThrow();
    const after = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ hello }"}',
    });
    expect(after.status).toBe(200);
  });

  it('replaces a request id that could forge log lines', async () => {
    const port = await serve({ '/id': (_request, response) => void response.end(currentRequestId()) });
    const answer = await fetch(`http://127.0.0.1:${port}/id`, { headers: { 'x-request-id': 'a b\tc' } });
    const id = await answer.text();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('x-request-id')).toBe(id);
  });

  it('answers an unknown path with a 404 error in the GraphQL shape', async () => {
    const port = await serve({});
    const answer = await fetch(`http://127.0.0.1:${port}/nothing`);
    expect(answer.status).toBe(404);
    expect(
      ((await answer.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe('NOT_FOUND');
  });
});

describe('routeFor', () => {
  const named = (name: string): Route => Object.assign(() => undefined, { label: name });
  const routes = new Map<string, Route>([
    ['/files', named('upload')],
    ['/files/*', named('file')],
    ['/files/special/*', named('special')],
    ['/health', named('health')],
  ]);
  const labelOf = (path: string) => (routeFor(routes, path) as { label?: string } | undefined)?.label;

  it('prefers an exact path, then the longest prefix ending in /*', () => {
    expect(labelOf('/files')).toBe('upload');
    expect(labelOf('/files/0b7f3a52-8f0e-4c59-9a53-5c8f33b6a8d1')).toBe('file');
    expect(labelOf('/files/special/x')).toBe('special');
    expect(labelOf('/health')).toBe('health');
  });

  it('serves nothing for a path that is only the prefix, beside it, or unknown', () => {
    expect(labelOf('/files/')).toBeUndefined();
    expect(labelOf('/filesx')).toBeUndefined();
    expect(labelOf('/health/x')).toBeUndefined();
    expect(labelOf('/graphql')).toBeUndefined();
  });
});

describe('readBody', () => {
  it('refuses a chunked body once it passes the limit', async () => {
    let failure: unknown;
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      readBody(request, 1000).then(
        () => response.end('read'),
        (error: unknown) => {
          failure = error;
          response.end('refused');
        },
      );
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(500));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit).catch(() => undefined);
    expect(failure).toMatchObject({ status: 413 });
  });
});

describe('hardenHttpServer', () => {
  it('answers huge headers and broken framing with a JSON error instead of a bare status', async () => {
    const port = await serve({}, { harden: {} });
    const huge = await exchange(
      port,
      `GET /graphql HTTP/1.1\r\nhost: x\r\nx-pad: ${'x'.repeat(64 * 1024)}\r\n\r\n`,
    );
    expect(statusOf(huge)).toBe(431);
    expect(bodyOf(huge).errors[0].message).toContain('Tiêu đề');
    const framing = await exchange(
      port,
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: lots\r\n\r\n{}',
    );
    expect(statusOf(framing)).toBe(400);
    expect(bodyOf(framing).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('cuts off a client that never finishes its headers', async () => {
    const port = await serve({}, { harden: { headersTimeoutMs: 500, requestTimeoutMs: 1000 } });
    const started = Date.now();
    const answer = await exchange(port, 'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-ty', 20_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect([0, 408]).toContain(statusOf(answer));
  });

  it('cuts off a client that sends its body too slowly', async () => {
    const port = await serve({}, { harden: { headersTimeoutMs: 500, requestTimeoutMs: 1000 } });
    const started = Date.now();
    const answer = await exchange(
      port,
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"qu',
      20_000,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(statusOf(answer)).not.toBe(200);
  });
});
