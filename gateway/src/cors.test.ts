import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadGatewayConfig } from './config.ts';
import { corsHandler, exactOrigin } from './cors.ts';

const CONSOLE = 'http://localhost:4100';
let server: Server;
let url: string;
let passedOn = 0;

beforeAll(async () => {
  const cors = corsHandler([CONSOLE, 'https://console.example.vn']);
  server = createServer((request, response) => {
    if (cors(request, response)) return;
    passedOn++;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const preflight = (origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

describe('CORS for the console', () => {
  it('answers an allowed origin’s preflight itself, with what its pages may send', async () => {
    const before = passedOn;
    const answer = await preflight(CONSOLE);
    expect(answer.status).toBe(204);
    expect(Object.fromEntries(answer.headers)).toMatchObject({
      'access-control-allow-origin': CONSOLE,
      'access-control-allow-methods': 'GET, HEAD, POST, DELETE',
      'access-control-allow-headers': 'authorization, content-type, x-request-id, apollo-require-preflight',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(passedOn).toBe(before);
  });

  it('refuses another origin’s preflight without any CORS header', async () => {
    const answer = await preflight('https://evil.example');
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks an allowed origin’s requests readable by its page, and passes every request on', async () => {
    const allowed = await fetch(url, { method: 'POST', headers: { origin: CONSOLE }, body: '{}' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(allowed.headers.get('access-control-expose-headers')).toBe(
      'content-disposition, x-request-id, retry-after',
    );
    for (const headers of [{ origin: 'https://evil.example' }, {}]) {
      const other = await fetch(url, { method: 'POST', headers, body: '{}' });
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('vary')).toBe('Origin');
    }
  });

  it('does nothing when no origin is allowed', async () => {
    const none = corsHandler([]);
    const headers: string[] = [];
    const response = { setHeader: (name: string) => headers.push(name) } as never;
    expect(none({ method: 'OPTIONS', headers: { origin: CONSOLE } } as never, response)).toBe(false);
    expect(headers).toEqual([]);
  });
});

describe('CORS_ORIGINS', () => {
  const base = { KEYCLOAK_URL: 'http://localhost:8180' };

  it('is none by default, and a comma-separated list of exact origins', () => {
    expect(loadGatewayConfig(base).CORS_ORIGINS).toEqual([]);
    expect(
      loadGatewayConfig({ ...base, CORS_ORIGINS: ' http://localhost:4100, http://127.0.0.1:4100 ' })
        .CORS_ORIGINS,
    ).toEqual(['http://localhost:4100', 'http://127.0.0.1:4100']);
  });

  it('refuses a path, a wildcard, another scheme and null', () => {
    for (const origin of [
      'http://localhost:4100/',
      'https://*.example.vn',
      'ftp://example.vn',
      'null',
      '*',
    ]) {
      expect(exactOrigin(origin)).toBeNull();
      expect(() => loadGatewayConfig({ ...base, CORS_ORIGINS: origin })).toThrow(/CORS_ORIGINS/);
    }
  });

  it('takes only https origins in production', () => {
    const production = {
      NODE_ENV: 'production',
      KEYCLOAK_URL: 'https://id.example.vn',
      SUBGRAPH_SECRET: 's'.repeat(32),
      REGISTRY_URL: 'http://registry.internal:4001/graphql',
      APPROVALS_URL: 'http://approvals.internal:4002/graphql',
      PAYMENTS_URL: 'http://payments.internal:4003/graphql',
      REPORTING_URL: 'http://reporting.internal:4004/graphql',
    };
    expect(
      loadGatewayConfig({ ...production, CORS_ORIGINS: 'https://console.example.vn' }).CORS_ORIGINS,
    ).toEqual(['https://console.example.vn']);
    expect(() => loadGatewayConfig({ ...production, CORS_ORIGINS: 'http://console.example.vn' })).toThrow(
      /CORS_ORIGINS: must be https origins in production/,
    );
  });
});
