import { describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_SUBGRAPH_SECRET } from '@ansinh/common/graphql';
import { loadGatewayConfig } from './config.ts';

describe('gateway config', () => {
  it('uses local subgraph addresses in development', () => {
    const config = loadGatewayConfig({ KEYCLOAK_URL: 'http://localhost:8180' });
    expect(config.REGISTRY_URL).toBe('http://127.0.0.1:4001/graphql');
    expect(config.PORT).toBe(4000);
  });

  it('refuses to start in production without explicit subgraph addresses, naming each', () => {
    expect(() =>
      loadGatewayConfig({ NODE_ENV: 'production', KEYCLOAK_URL: 'https://id.example.vn' }),
    ).toThrow(/REGISTRY_URL: must be set explicitly in production[\s\S]*REPORTING_URL/);
  });

  it('bounds uploads per file, per request and in count, a request at least as large as a file', () => {
    expect(loadGatewayConfig({ KEYCLOAK_URL: 'http://localhost:8180' })).toMatchObject({
      UPLOAD_MAX_FILE_MB: 50,
      UPLOAD_MAX_REQUEST_MB: 100,
      UPLOAD_MAX_FILES: 3,
    });
    expect(() =>
      loadGatewayConfig({ KEYCLOAK_URL: 'http://localhost:8180', UPLOAD_MAX_FILE_MB: '200' }),
    ).toThrow(/UPLOAD_MAX_REQUEST_MB: must be at least UPLOAD_MAX_FILE_MB/);
  });

  it('refuses a malformed Keycloak address', () => {
    expect(() => loadGatewayConfig({ KEYCLOAK_URL: 'not a url' })).toThrow(/KEYCLOAK_URL/);
  });

  it('refuses loopback subgraph addresses in production, however written', () => {
    const production = {
      NODE_ENV: 'production',
      KEYCLOAK_URL: 'https://id.example.vn',
      REGISTRY_URL: 'http://localhost:4001/graphql',
      APPROVALS_URL: 'http://approvals.internal:4002/graphql',
      PAYMENTS_URL: 'http://payments.internal:4003/graphql',
      REPORTING_URL: 'http://reporting.internal:4004/graphql',
      SUBGRAPH_SECRET: 'a-production-secret-of-at-least-32-characters',
    };
    expect(() => loadGatewayConfig(production)).toThrow(/REGISTRY_URL: must be set explicitly/);
    expect(
      loadGatewayConfig({ ...production, REGISTRY_URL: 'http://registry.internal:4001/graphql' }).HOST,
    ).toBe('127.0.0.1');
  });

  it('has operation limits and rate limits by default, each configurable', () => {
    const config = loadGatewayConfig({ KEYCLOAK_URL: 'http://localhost:8180' });
    expect(config).toMatchObject({
      MAX_QUERY_DEPTH: 12,
      MAX_QUERY_ALIASES: 30,
      MAX_QUERY_TOKENS: 3000,
      MAX_QUERY_DIRECTIVES: 20,
      MAX_QUERY_COST: 100_000,
      QUERY_COST_DEFAULT_LIST_SIZE: 10,
      MAX_SUBGRAPH_RESPONSE_BYTES: 16 * 1024 * 1024,
      MAX_RESPONSE_BYTES: 32 * 1024 * 1024,
      RATE_LIMIT_USER_COST_PER_MINUTE: 1_000_000,
      RATE_LIMIT_CLIENT_COST_PER_MINUTE: 5_000_000,
      RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE: 200_000,
      RATE_LIMIT_MAX_KEYS: 100_000,
      INTROSPECTION: 'all',
    });
    expect(
      loadGatewayConfig({
        KEYCLOAK_URL: 'http://localhost:8180',
        MAX_QUERY_COST: '500',
        MAX_QUERY_ALIASES: '5',
      }),
    ).toMatchObject({ MAX_QUERY_COST: 500, MAX_QUERY_ALIASES: 5 });
  });

  it('refuses a rate-limit budget below the cost of one allowed operation, and malformed limits', () => {
    expect(() =>
      loadGatewayConfig({
        KEYCLOAK_URL: 'http://localhost:8180',
        MAX_QUERY_COST: '5000',
        RATE_LIMIT_USER_COST_PER_MINUTE: '1000',
      }),
    ).toThrow(/RATE_LIMIT_USER_COST_PER_MINUTE: must be at least MAX_QUERY_COST/);
    expect(() =>
      loadGatewayConfig({ KEYCLOAK_URL: 'http://localhost:8180', MAX_QUERY_TOKENS: 'many' }),
    ).toThrow(/MAX_QUERY_TOKENS/);
    expect(() => loadGatewayConfig({ KEYCLOAK_URL: 'http://localhost:8180', MAX_QUERY_DEPTH: '0' })).toThrow(
      /MAX_QUERY_DEPTH/,
    );
  });

  it('uses the development subgraph secret outside production and refuses to start without one in production', () => {
    expect(loadGatewayConfig({ KEYCLOAK_URL: 'http://localhost:8180' }).SUBGRAPH_SECRET).toBe(
      DEVELOPMENT_SUBGRAPH_SECRET,
    );
    const production = {
      NODE_ENV: 'production',
      KEYCLOAK_URL: 'https://id.example.vn',
      REGISTRY_URL: 'http://registry.internal:4001/graphql',
      APPROVALS_URL: 'http://approvals.internal:4002/graphql',
      PAYMENTS_URL: 'http://payments.internal:4003/graphql',
      REPORTING_URL: 'http://reporting.internal:4004/graphql',
    };
    expect(() => loadGatewayConfig(production)).toThrow(/SUBGRAPH_SECRET: is required in production/);
    expect(() => loadGatewayConfig({ ...production, SUBGRAPH_SECRET: 'short' })).toThrow(/SUBGRAPH_SECRET/);
    const config = loadGatewayConfig({ ...production, SUBGRAPH_SECRET: 'x'.repeat(40) });
    expect(config.SUBGRAPH_SECRET).toBe('x'.repeat(40));
    // Introspection: signed-in callers only in production unless configured otherwise.
    expect(config.INTROSPECTION).toBe('signed-in');
    expect(
      loadGatewayConfig({ ...production, SUBGRAPH_SECRET: 'x'.repeat(40), INTROSPECTION: 'off' })
        .INTROSPECTION,
    ).toBe('off');
  });
});
