import { startGateway, type RunningGateway } from '@ansinh/gateway';
import {
  clientCredentialsGrant,
  DEMO_PASSWORD,
  DEMO_PROVINCE_SYSTEM_CLIENT,
  demoSyncClient,
  passwordGrant,
  seedDemoData,
  SUBGRAPHS,
} from '@ansinh/infra';
import {
  startSubgraph,
  type BaseContext,
  type RunningSubgraph,
  type SubgraphDefinition,
} from '@ansinh/common';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';

export type Stack = {
  database: TestDatabase;
  subgraphs: Record<string, RunningSubgraph>;
  gateway: RunningGateway;
  /** The services' environment: what a service in a process of its own needs too. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
};

/**
 * The environment of in-process services on a test database. DATABASE_URL is the owner's (the
 * clone's); each subgraph logs in as its own role with the password the global setup gave it.
 */
export function testEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const passwords = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => /^[A-Z]+_DATABASE_PASSWORD$/.test(name)),
  );
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    KEYCLOAK_URL: process.env.KEYCLOAK_URL,
    PORT: '0',
    ...passwords,
  };
}

/**
 * The whole graph in this process, on its own database with the demo data: four subgraphs and the
 * gateway. The registry starts first: the approvals' sync intake registers applicants through its API
 * (REGISTRY_URL). `env` adds to the services' environment (e.g. a webhook receiver's certificate).
 */
export async function startStack(
  options: { personsPerCommune?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Stack> {
  const database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: options.personsPerCommune ?? 15 });
  const base = { ...testEnv(database.url), ...options.env };
  const registry = await startSubgraph(
    SUBGRAPHS.find((definition) => definition.name === 'registry')!,
    base,
  );
  const others = SUBGRAPHS.filter((definition) => definition.name !== 'registry');
  const env = { ...base, REGISTRY_URL: registry.url };
  const running = [
    registry,
    ...(await Promise.all(others.map((definition) => startSubgraph(definition, env)))),
  ];
  const subgraphs = Object.fromEntries(running.map((subgraph) => [subgraph.name, subgraph]));
  const gateway = await startGateway({
    ...env,
    APPROVALS_URL: subgraphs.approvals!.url,
    PAYMENTS_URL: subgraphs.payments!.url,
    REPORTING_URL: subgraphs.reporting!.url,
  });
  return {
    database,
    subgraphs,
    gateway,
    env,
    async stop() {
      await gateway.stop();
      await Promise.all(running.map((subgraph) => subgraph.stop()));
      await database.drop();
    },
  };
}

export type SeededSubgraph = { database: TestDatabase; subgraph: RunningSubgraph; stop(): Promise<void> };

/** One subgraph in this process, on its own database with the demo data (15 persons per old demo commune, carried across the reform). */
export async function startSeededSubgraph<TContext extends BaseContext>(
  definition: SubgraphDefinition<TContext>,
  hooks: { onQuery?: (sql: string) => void } = {},
): Promise<SeededSubgraph> {
  const database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 15 });
  const subgraph = await startSubgraph(definition, testEnv(database.url), hooks);
  return {
    database,
    subgraph,
    async stop() {
      await subgraph.stop();
      await database.drop();
    },
  };
}

/**
 * Statements that read or write data, leaving out the transaction and session statements that
 * MikroORM wraps around each query to apply the row-level-security scope.
 */
export function dataStatements(statements: readonly string[]): string[] {
  return statements.filter((sql) => !/\b(begin|commit|rollback)\b|set local role|set_config\(/i.test(sql));
}

/** Rows of one SQL statement, for checking what a test wrote (or did not write). */
export async function sqlRows(
  databaseUrl: string,
  text: string,
  params: unknown[] = [],
): Promise<Record<string, any>[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // A connection ended by the server (a restart in a fault test) fails the query, not the test process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Waits until a run of the job has ended: a run holds the job's advisory lock for its whole
 * transaction, until it has rolled back what it wrote outside it too.
 */
export async function untilJobRunEnded(databaseUrl: string, jobId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [lock] = await sqlRows(
      databaseUrl,
      `select pg_try_advisory_xact_lock(hashtextextended('ansinh.job:' || $1::text, 0)) as free`,
      [jobId],
    );
    if (lock!.free) return;
    if (Date.now() > deadline) throw new Error(`a run of job ${jobId} is still going after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * SQL: the id of the unit with the GSO code in `parameter` (`$1`) in force today. Codes were reused by the
 * 1 July 2025 reform (18073 was Phường Nam Hà, is Phường Thành Sen), so a test names the version it means.
 */
export const currentUnitId = (parameter: string): string =>
  `(select id from registry.administrative_units where code = ${parameter} and valid_to is null)`;

/** SQL: the id of the unit with the GSO code in `parameter` that ended on 30 June 2025 (before the reform). */
export const formerUnitId = (parameter: string): string =>
  `(select id from registry.administrative_units where code = ${parameter} and valid_to = '2025-06-30')`;

/** Tokens of the realm live 5 minutes; a cached one is renewed a minute before, so long suites never present an expired one. */
const TOKEN_REUSE_MS = 240_000;
const tokens = new Map<string, { token: Promise<string>; renewAt: number }>();

/**
 * A password grant, asked again a little later when refused as "Invalid user credentials": Keycloak 26
 * with brute-force protection refuses a login while another login of the same user is under way
 * (keycloak#48272), which test files running side by side do. A wrong password fails after 8 tries.
 */
async function loginRetried(username: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await passwordGrant({
        keycloakUrl: process.env.KEYCLOAK_URL!,
        username,
        password: DEMO_PASSWORD,
      });
    } catch (error) {
      if (attempt >= 8 || !/Invalid user credentials/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** An access token of a demo user, from the real Keycloak (password grant on the test client). */
export function tokenFor(username: string): Promise<string> {
  const cached = tokens.get(username);
  if (cached && Date.now() < cached.renewAt) return cached.token;
  const token = loginRetried(username);
  tokens.set(username, { token, renewAt: Date.now() + TOKEN_REUSE_MS });
  // A failed login is not kept: the next call asks again.
  token.catch(() => {
    if (tokens.get(username)?.token === token) tokens.delete(username);
  });
  return token;
}

/** An access token of the provincial one-stop system (client credentials on the real Keycloak). */
export function provinceSystemToken(): Promise<string> {
  return clientCredentialsGrant({
    keycloakUrl: process.env.KEYCLOAK_URL!,
    clientId: DEMO_PROVINCE_SYSTEM_CLIENT.clientId,
    clientSecret: DEMO_PROVINCE_SYSTEM_CLIENT.clientSecret,
  });
}

/**
 * An access token of a province's sync client `ansinh-sync-<code>` (client credentials on the real
 * Keycloak): `unit_code` the province, role integration, `azp` the client id. Throws for a code that
 * is not one of the 34 provinces since 1 July 2025.
 */
export async function syncClientToken(provinceCode: string): Promise<string> {
  const client = demoSyncClient(provinceCode);
  return clientCredentialsGrant({
    keycloakUrl: process.env.KEYCLOAK_URL!,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
  });
}

export type GraphQLAnswer<T = Record<string, any>> = {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; field?: string } }[];
};

export async function graphql<T = Record<string, any>>(
  url: string,
  query: string,
  options: {
    variables?: Record<string, unknown>;
    token?: string;
    authorization?: string;
    /** Extra headers, such as the gateway's credential for a subgraph's `_entities` (gatewayCredentialHeaders()). */
    headers?: Record<string, string>;
  } = {},
): Promise<GraphQLAnswer<T>> {
  const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  const body = (await response.json()) as Omit<GraphQLAnswer<T>, 'status'>;
  return { status: response.status, ...body };
}

/**
 * A GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec) with one
 * file in the operation's variable `file`, as a browser or curl sends it through the gateway.
 */
export async function graphqlUpload<T = Record<string, any>>(
  url: string,
  query: string,
  file: Blob,
  fileName: string,
  token: string,
): Promise<GraphQLAnswer<T>> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', file, fileName);
  const response = await fetch(url, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLAnswer<T>, 'status'>) };
}
