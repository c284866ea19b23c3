import { describe, expect, it } from '@jest/globals';
import { parseEnv } from '../config/env.ts';
import { DEVELOPMENT_SUBGRAPH_SECRET } from '../graphql/exposure.ts';
import { subgraphEnvSchema } from './subgraph.ts';

const local = {
  DATABASE_URL: 'postgres://ansinh:ansinh@127.0.0.1:5433/ansinh',
  KEYCLOAK_URL: 'http://localhost:8180',
};
const load = (env: NodeJS.ProcessEnv) => parseEnv('registry', subgraphEnvSchema(4001), env);

describe('subgraph config: the second wall and the gateway credential', () => {
  it('has wider operation limits than the gateway by default, and the development credential', () => {
    expect(load(local)).toMatchObject({
      SUBGRAPH_SECRET: DEVELOPMENT_SUBGRAPH_SECRET,
      INTROSPECTION: 'all',
      SUBGRAPH_MAX_QUERY_DEPTH: 16,
      SUBGRAPH_MAX_QUERY_ALIASES: 300,
      SUBGRAPH_MAX_QUERY_TOKENS: 30_000,
      SUBGRAPH_MAX_QUERY_DIRECTIVES: 100,
      SUBGRAPH_MAX_QUERY_COST: 1_000_000,
      SUBGRAPH_QUERY_COST_DEFAULT_LIST_SIZE: 10,
      SUBGRAPH_MAX_ENTITY_REPRESENTATIONS: 10_000,
    });
    expect(
      load({ ...local, SUBGRAPH_MAX_ENTITY_REPRESENTATIONS: '2000' }).SUBGRAPH_MAX_ENTITY_REPRESENTATIONS,
    ).toBe(2000);
  });

  it('refuses to start in production without its own secret, or with a short one', () => {
    expect(() => load({ ...local, NODE_ENV: 'production' })).toThrow(
      /SUBGRAPH_SECRET: is required in production/,
    );
    expect(() => load({ ...local, NODE_ENV: 'production', SUBGRAPH_SECRET: 'short' })).toThrow(
      /SUBGRAPH_SECRET/,
    );
  });

  it('refuses malformed limits', () => {
    expect(() => load({ ...local, SUBGRAPH_MAX_QUERY_COST: 'lots' })).toThrow(/SUBGRAPH_MAX_QUERY_COST/);
  });
});
