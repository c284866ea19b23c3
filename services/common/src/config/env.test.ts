import { describe, expect, it } from '@jest/globals';
import { baseEnvSchema, ConfigError, databasePasswordOf, parseEnv, subgraphDatabaseUrl } from './env.ts';

describe('parseEnv', () => {
  it('names every missing or malformed variable at once', () => {
    let error: unknown;
    try {
      parseEnv('registry', baseEnvSchema, { DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(problems).toContain('KEYCLOAK_URL is required but not set');
    expect(problems).toContain('LOG_LEVEL');
  });

  it('fills the defaults', () => {
    const config = parseEnv('registry', baseEnvSchema, {
      DATABASE_URL: 'postgres://a@localhost/db',
      KEYCLOAK_URL: 'http://localhost:8180',
    });
    expect(config).toMatchObject({
      KEYCLOAK_REALM: 'ansinh',
      OIDC_AUDIENCE: 'ansinh-graph',
      NODE_ENV: 'development',
    });
  });
});

describe('database logins of the subgraphs', () => {
  const owner = 'postgres://ansinh:ansinh@127.0.0.1:5433/ansinh';

  it("logs a subgraph in as its own role with its own password, never with the owner URL's login", () => {
    const config = parseEnv('registry', baseEnvSchema, {
      NODE_ENV: 'production',
      DATABASE_URL: owner,
      KEYCLOAK_URL: 'https://id.example.vn',
      REGISTRY_DATABASE_PASSWORD: 'p@ss:w/rd',
      PAYMENTS_DATABASE_PASSWORD: 'other',
    });
    const url = new URL(subgraphDatabaseUrl('registry', config, 'registry'));
    expect(url.username).toBe('ansinh_registry');
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd');
    expect(url.host).toBe('127.0.0.1:5433');
    expect(url.pathname).toBe('/ansinh');
  });

  it('takes the password of a URL that already logs in as the role', () => {
    expect(
      databasePasswordOf(
        'approvals',
        { NODE_ENV: 'production', DATABASE_URL: 'postgres://ansinh_approvals:s3cret@db/ansinh' },
        'approvals',
      ),
    ).toBe('s3cret');
  });

  it('defaults to the role name in development and tests, and refuses to guess in production', () => {
    expect(databasePasswordOf('payments', { NODE_ENV: 'test', DATABASE_URL: owner }, 'payments')).toBe(
      'ansinh_payments',
    );
    expect(() =>
      databasePasswordOf('payments', { NODE_ENV: 'production', DATABASE_URL: owner }, 'payments'),
    ).toThrow(/PAYMENTS_DATABASE_PASSWORD is required in production/);
    expect(() =>
      databasePasswordOf('payments', { NODE_ENV: 'production', DATABASE_URL: owner }, 'payments'),
    ).toThrow(ConfigError);
  });

  it('refuses a password with control characters', () => {
    expect(() =>
      parseEnv('reporting', baseEnvSchema, {
        DATABASE_URL: owner,
        KEYCLOAK_URL: 'http://localhost:8180',
        REPORTING_DATABASE_PASSWORD: 'a\nb',
      }),
    ).toThrow(/REPORTING_DATABASE_PASSWORD: must not contain control characters/);
  });
});
