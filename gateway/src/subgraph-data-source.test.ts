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
