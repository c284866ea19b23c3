import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sizeLimitedFetcher } from './subgraph-data-source.ts';

// A subgraph that reads the request and never answers.
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((request) => request.resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (query: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query, variables: {} }),
});

describe('sizeLimitedFetcher time-outs', () => {
  const fetcher = sizeLimitedFetcher(1024 * 1024, {
    service: 'registry',
    timeoutMs: 200,
    // Far from the query's, so that a loaded machine (a full test run on 2 cores) cannot blur which fired.
    mutationTimeoutMs: 6000,
  });

  it('reports a query that gets no answer as SERVICE_UNAVAILABLE after the query time-out', async () => {
    const started = performance.now();
    await expect(fetcher(url, post('{ persons { totalCount } }') as never)).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE', service: 'registry' },
    });
    // Well before the mutation's time-out: the query's fired.
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('gives a mutation (an import takes minutes) its own, longer time-out', async () => {
    const started = performance.now();
    await expect(
      fetcher(url, post('mutation ($file: Upload!) { importPersons(file: $file) { rows } }') as never),
    ).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(5900);
  });
});

describe('sizeLimitedFetcher answers', () => {
  // A subgraph answering by path: JSON with its length declared, chunked JSON, a refusal.
  let subgraph: Server;
  let base: string;
  const answer = JSON.stringify({ data: { person: { fullName: 'Nguyễn Văn An' } } });
  beforeAll(async () => {
    subgraph = createServer((request, response) => {
      request.resume();
      if (request.url === '/declared') {
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(answer),
        });
        response.end(answer);
      } else if (request.url === '/chunked') {
        response.writeHead(200, { 'content-type': 'application/json' });
        for (let index = 0; index < 20; index += 1) response.write(`${' '.repeat(100)}`);
        response.end(answer);
      } else {
        response.writeHead(403, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ errors: [{ message: 'Không có quyền', extensions: { code: 'FORBIDDEN' } }] }),
        );
      }
    });
    await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    subgraph.closeAllConnections();
    await new Promise((resolve) => subgraph.close(resolve));
  });
  const limited = (maxBytes: number) =>
    sizeLimitedFetcher(maxBytes, { service: 'registry', timeoutMs: 5000, mutationTimeoutMs: 5000 });

  it('hands on the answer: status, headers and body, declared length or chunked', async () => {
    for (const path of ['/declared', '/chunked']) {
      const response = await limited(4096)(`${base}${path}`, post('{ person { fullName } }') as never);
      expect(response.ok).toBe(true);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual(JSON.parse(answer));
    }
    const refused = await limited(4096)(`${base}/refused`, post('{ person { fullName } }') as never);
    expect(refused.ok).toBe(false);
    expect(refused.status).toBe(403);
    expect(JSON.parse(await refused.text())).toMatchObject({
      errors: [{ extensions: { code: 'FORBIDDEN' } }],
    });
  });

  it('refuses an answer over the limit, whether its length is declared or not', async () => {
    for (const path of ['/declared', '/chunked'])
      await expect(
        limited(32)(`${base}${path}`, post('{ person { fullName } }') as never),
      ).rejects.toMatchObject({
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'responseSize', max: 32 },
      });
    // Just over the declared answer: the chunked one (2,000 more bytes) is refused as it arrives.
    const justOver = limited(Buffer.byteLength(answer) + 10);
    expect((await justOver(`${base}/declared`, post('{ a }') as never)).ok).toBe(true);
    await expect(justOver(`${base}/chunked`, post('{ a }') as never)).rejects.toMatchObject({
      extensions: { limit: 'responseSize' },
    });
  });
});
