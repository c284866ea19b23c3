import { z } from 'zod';
import { subgraphRole } from '../scope/row-level-security.ts';

/** Raised when the environment is missing a variable or has a malformed one; names every problem at once. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(service: string, problems: string[]) {
    super(`${service}: invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), 'must be a postgres:// URL');

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** The variable holding the password of a subgraph's database role: `REGISTRY_DATABASE_PASSWORD`, ... */
export const databasePasswordVariable = (schema: string) => `${schema.toUpperCase()}_DATABASE_PASSWORD`;

const rolePassword = z
  .string()
  .min(1)
  .max(256)
  .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters')
  .optional();

/** Passwords of the subgraphs' database roles; each service reads its own (see databasePasswordOf). */
export const databasePasswordsSchema = z.object({
  REGISTRY_DATABASE_PASSWORD: rolePassword,
  APPROVALS_DATABASE_PASSWORD: rolePassword,
  PAYMENTS_DATABASE_PASSWORD: rolePassword,
  REPORTING_DATABASE_PASSWORD: rolePassword,
});

/** Variables every Ansinh service reads. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: postgresUrl,
  KEYCLOAK_URL: z.url({ protocol: /^https?$/ }),
  KEYCLOAK_REALM: z.string().min(1).default('ansinh'),
  OIDC_AUDIENCE: z.string().min(1).default('ansinh-graph'),
  /**
   * The issuer that tokens name, when it differs from KEYCLOAK_URL's realm (services reaching Keycloak by an
   * internal address while officials log in at its public one). Keys are always fetched from KEYCLOAK_URL.
   */
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  /** Address to listen on: loopback for local runs; 0.0.0.0 (or a host address) behind a load balancer. */
  HOST: z.string().min(1).default('127.0.0.1'),
  ...databasePasswordsSchema.shape,
});

export type BaseConfig = z.infer<typeof baseEnvSchema>;

/** Parses `env` with `schema`, or throws a ConfigError naming each bad or missing variable. */
export function parseEnv<S extends z.ZodType>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const missing = issue.code === 'invalid_type' && env[name] === undefined;
    return missing ? `${name} is required but not set` : `${name}: ${issue.message}`;
  });
  throw new ConfigError(service, problems);
}

export function issuerOf(config: Pick<BaseConfig, 'KEYCLOAK_URL' | 'KEYCLOAK_REALM'>): string {
  return `${config.KEYCLOAK_URL.replace(/\/+$/, '')}/realms/${config.KEYCLOAK_REALM}`;
}

/** The issuer tokens must carry: OIDC_ISSUER when set, else KEYCLOAK_URL's realm. */
export function tokenIssuerOf(
  config: Pick<BaseConfig, 'KEYCLOAK_URL' | 'KEYCLOAK_REALM' | 'OIDC_ISSUER'>,
): string {
  return config.OIDC_ISSUER?.replace(/\/+$/, '') ?? issuerOf(config);
}

/** What the database logins are derived from: a parsed configuration (its other variables unread). */
type LoginConfig = Readonly<Record<string, unknown>> & { NODE_ENV?: string; DATABASE_URL?: string };

/**
 * The password of a subgraph's database role: its `<SCHEMA>_DATABASE_PASSWORD`, else the password in
 * DATABASE_URL when that URL already logs in as the role; in development and tests, else the role's
 * name (as the embedded cluster's owner is ansinh/ansinh). Production refuses to guess.
 */
export function databasePasswordOf(service: string, config: LoginConfig, schema: string): string {
  const variable = databasePasswordVariable(schema);
  const explicit = config[variable];
  if (typeof explicit === 'string') return explicit;
  const url = config.DATABASE_URL ? new URL(config.DATABASE_URL) : undefined;
  if (url && decodeURIComponent(url.username) === subgraphRole(schema) && url.password) {
    return decodeURIComponent(url.password);
  }
  if (config.NODE_ENV !== 'production') return subgraphRole(schema);
  throw new ConfigError(service, [
    `${variable} is required in production (the password of the database role ${subgraphRole(schema)})`,
  ]);
}

/**
 * The URL a subgraph's process connects with: the host, port and database of DATABASE_URL, logged
 * in as the subgraph's own role, whatever user DATABASE_URL names (the owner's login is for migrations).
 */
export function subgraphDatabaseUrl(
  service: string,
  config: LoginConfig & { DATABASE_URL: string },
  schema: string,
): string {
  return roleLoginUrl(config.DATABASE_URL, schema, databasePasswordOf(service, config, schema));
}

/** The database URL with the subgraph's role and its password as the login (host and database kept). */
export function roleLoginUrl(databaseUrl: string, schema: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = encodeURIComponent(subgraphRole(schema));
  url.password = encodeURIComponent(password);
  return url.toString();
}
