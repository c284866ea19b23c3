import { z } from 'zod';

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

/** Variables every Ansinh service reads. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: postgresUrl,
  KEYCLOAK_URL: z.url({ protocol: /^https?$/ }),
  KEYCLOAK_REALM: z.string().min(1).default('ansinh'),
  OIDC_AUDIENCE: z.string().min(1).default('ansinh-graph'),
  /** Address to listen on: loopback for local runs; 0.0.0.0 (or a host address) behind a load balancer. */
  HOST: z.string().min(1).default('127.0.0.1'),
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
