import { fileStoreEnvSchema, parseEnv } from '@ansinh/common';
import { z } from 'zod';

const whole = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The approvals subgraph's own variables, beside those every subgraph reads (parsed by startSubgraph):
 * - its file store's FILE_STORE_URL, FILE_MAX_MB and FILE_TTL_HOURS (uploaded Resolution 42 lists);
 * - the registry subgraph the sync intake finds or registers applicants through, on the calling
 *   system's behalf: REGISTRY_URL (its `/graphql`; default http://127.0.0.1:4001/graphql, required in
 *   production), and how long one call may take: REGISTRY_TIMEOUT_MS (30 s) plus
 *   REGISTRY_TIMEOUT_PER_PERSON_MS (200 ms) per applicant sent, so a batch of 1,000 waits at most 230 s.
 */
export const approvalsEnvSchema = fileStoreEnvSchema
  .extend({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    REGISTRY_URL: z.url({ protocol: /^https?$/ }).optional(),
    REGISTRY_TIMEOUT_MS: whole(30_000, 1000, 600_000),
    REGISTRY_TIMEOUT_PER_PERSON_MS: whole(200, 0, 10_000),
  })
  .superRefine((config, context) => {
    if (config.NODE_ENV === 'production' && !config.REGISTRY_URL)
      context.addIssue({
        code: 'custom',
        path: ['REGISTRY_URL'],
        message:
          'is required in production (the registry subgraph’s /graphql, as the gateway’s REGISTRY_URL)',
      });
  })
  .transform((config) => ({
    ...config,
    registry: {
      url: config.REGISTRY_URL ?? 'http://127.0.0.1:4001/graphql',
      timeoutMs: config.REGISTRY_TIMEOUT_MS,
      timeoutPerPersonMs: config.REGISTRY_TIMEOUT_PER_PERSON_MS,
    },
  }));

export type ApprovalsConfig = z.infer<typeof approvalsEnvSchema>;

/** The approvals subgraph's variables from an environment (the one a subgraph is started with). */
export const approvalsConfigOf = (env: NodeJS.ProcessEnv): ApprovalsConfig =>
  parseEnv('approvals', approvalsEnvSchema, env);

/** Parsed once, when the subgraph loads: a bad variable stops it before it serves anything. */
export const approvalsConfig = approvalsConfigOf(process.env);
