import { describe, expect, it } from '@jest/globals';
import { baseEnvSchema, ConfigError, parseEnv } from './env.ts';

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
