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
});
