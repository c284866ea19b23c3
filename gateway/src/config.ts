import { baseEnvSchema, httpLimitsEnv, parseEnv, port } from '@ansinh/common';
import { defaultIntrospection, DEVELOPMENT_SUBGRAPH_SECRET } from '@ansinh/common/graphql';
import { z } from 'zod';
import { exactOrigin } from './cors.ts';

const subgraphUrl = (defaultPort: number) => z.url().default(`http://127.0.0.1:${defaultPort}/graphql`);
const limit = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const MIB = 1024 * 1024;
/** A comma-separated list of page origins, each exact (cors.ts). */
const origins = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z.string().refine((origin) => exactOrigin(origin) !== null, {
          message: 'each must be an origin such as https://console.example.vn (no path, no wildcard)',
        }),
      )
      .max(20),
  );

/**
 * The gateway's variables. Operation limits (defaults sized so that a province official's real
 * queries, such as `persons(first: 200)` with entitlements and payments, pass comfortably):
 * - MAX_QUERY_DEPTH 12, MAX_QUERY_ALIASES 30, MAX_QUERY_TOKENS 3,000, MAX_QUERY_DIRECTIVES 20;
 * - MAX_QUERY_COST 100,000: each field costs 1, a list's children count once per item asked
 *   (`first`/`limit`, else QUERY_COST_DEFAULT_LIST_SIZE = 10, or the known sizes in gateway.ts);
 * - MAX_SUBGRAPH_RESPONSE_BYTES 16 MiB per subgraph answer, MAX_RESPONSE_BYTES 32 MiB per answer;
 * - rate limits, in cost per minute: RATE_LIMIT_USER_COST_PER_MINUTE 1,000,000 per user (token
 *   `sub`), RATE_LIMIT_CLIENT_COST_PER_MINUTE 5,000,000 per client (`azp`, shared by all users of
 *   that client), RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE 200,000 per address without a token; at most
 *   RATE_LIMIT_MAX_KEYS callers are remembered (least recently seen forgotten first).
 */
export const gatewayEnvSchema = baseEnvSchema
  .omit({ DATABASE_URL: true })
  .extend({
    PORT: port(4000),
    MAX_QUERY_DEPTH: limit(12, 2, 50),
    MAX_QUERY_ALIASES: limit(30, 0, 1000),
    MAX_QUERY_TOKENS: limit(3000, 100, 100_000),
    MAX_QUERY_DIRECTIVES: limit(20, 0, 1000),
    MAX_QUERY_COST: limit(100_000, 1, 100_000_000),
    QUERY_COST_DEFAULT_LIST_SIZE: limit(10, 1, 10_000),
    MAX_SUBGRAPH_RESPONSE_BYTES: limit(16 * MIB, 1024, 1024 * MIB),
    MAX_RESPONSE_BYTES: limit(32 * MIB, 1024, 1024 * MIB),
    /** A subgraph that has not answered by then is reported unavailable (the rest of the answer stands). */
    SUBGRAPH_TIMEOUT_MS: limit(30_000, 100, 300_000),
    /** The same for a mutation: an import of a province's list takes minutes (its reading stops at 600 s). */
    SUBGRAPH_MUTATION_TIMEOUT_MS: limit(900_000, 100, 3_600_000),
    /** Uploads (GraphQL multipart requests): largest file, largest request (files and fields) and most files in one request. */
    UPLOAD_MAX_FILE_MB: limit(50, 1, 2048),
    UPLOAD_MAX_REQUEST_MB: limit(100, 1, 4096),
    UPLOAD_MAX_FILES: limit(3, 1, 20),
    ...httpLimitsEnv,
    RATE_LIMIT_USER_COST_PER_MINUTE: limit(1_000_000, 1, 1_000_000_000),
    RATE_LIMIT_CLIENT_COST_PER_MINUTE: limit(5_000_000, 1, 1_000_000_000),
    RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE: limit(200_000, 1, 1_000_000_000),
    RATE_LIMIT_MAX_KEYS: limit(100_000, 100, 10_000_000),
    /** Presented to the subgraphs on every request; the same value as theirs. */
    SUBGRAPH_SECRET: z.string().min(32).optional(),
    /** Who may introspect: `all`, `signed-in` (production default) or `off`. */
    INTROSPECTION: z.enum(['all', 'signed-in', 'off']).optional(),
    /** Origins whose browser pages may call the gateway (the admin console's, when served apart). None by default. */
    CORS_ORIGINS: origins,
    REGISTRY_URL: subgraphUrl(4001),
    APPROVALS_URL: subgraphUrl(4002),
    PAYMENTS_URL: subgraphUrl(4003),
    REPORTING_URL: subgraphUrl(4004),
  })
  .superRefine((config, context) => {
    // A budget below one operation's maximum cost would refuse that operation forever, as "too many requests".
    for (const name of [
      'RATE_LIMIT_USER_COST_PER_MINUTE',
      'RATE_LIMIT_CLIENT_COST_PER_MINUTE',
      'RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE',
    ] as const) {
      if (config[name] < config.MAX_QUERY_COST)
        context.addIssue({ code: 'custom', path: [name], message: 'must be at least MAX_QUERY_COST' });
    }
    if (config.UPLOAD_MAX_REQUEST_MB < config.UPLOAD_MAX_FILE_MB)
      context.addIssue({
        code: 'custom',
        path: ['UPLOAD_MAX_REQUEST_MB'],
        message: 'must be at least UPLOAD_MAX_FILE_MB',
      });
    if (config.MAX_RESPONSE_BYTES < config.MAX_SUBGRAPH_RESPONSE_BYTES)
      context.addIssue({
        code: 'custom',
        path: ['MAX_RESPONSE_BYTES'],
        message: 'must be at least MAX_SUBGRAPH_RESPONSE_BYTES',
      });
    // Local defaults are for development; production names every subgraph explicitly.
    if (config.NODE_ENV !== 'production') return;
    if (!config.SUBGRAPH_SECRET)
      context.addIssue({
        code: 'custom',
        path: ['SUBGRAPH_SECRET'],
        message: 'is required in production (at least 32 characters, the same as the subgraphs’)',
      });
    if (config.CORS_ORIGINS.some((origin) => !origin.startsWith('https://')))
      context.addIssue({
        code: 'custom',
        path: ['CORS_ORIGINS'],
        message: 'must be https origins in production',
      });
    for (const name of ['REGISTRY_URL', 'APPROVALS_URL', 'PAYMENTS_URL', 'REPORTING_URL'] as const) {
      if (/\/\/(127\.|localhost|\[::1\])/.test(config[name])) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'must be set explicitly in production (not a loopback address)',
        });
      }
    }
  })
  .transform((config) => ({
    ...config,
    SUBGRAPH_SECRET: config.SUBGRAPH_SECRET ?? DEVELOPMENT_SUBGRAPH_SECRET,
    INTROSPECTION: config.INTROSPECTION ?? defaultIntrospection(config.NODE_ENV),
  }));

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv): GatewayConfig =>
  parseEnv('gateway', gatewayEnvSchema, env);
