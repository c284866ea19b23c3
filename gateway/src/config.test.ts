import { describe, expect, it } from '@jest/globals';
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
    };
    expect(() => loadGatewayConfig(production)).toThrow(/REGISTRY_URL: must be set explicitly/);
    expect(
      loadGatewayConfig({ ...production, REGISTRY_URL: 'http://registry.internal:4001/graphql' }).HOST,
    ).toBe('127.0.0.1');
  });
});
