import { baseEnvSchema, parseEnv, port } from '@ansinh/common';
import { z } from 'zod';

const subgraphUrl = (defaultPort: number) => z.url().default(`http://127.0.0.1:${defaultPort}/graphql`);

export const gatewayEnvSchema = baseEnvSchema
  .omit({ DATABASE_URL: true })
  .extend({
    PORT: port(4000),
    MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
    REGISTRY_URL: subgraphUrl(4001),
    APPROVALS_URL: subgraphUrl(4002),
    PAYMENTS_URL: subgraphUrl(4003),
    REPORTING_URL: subgraphUrl(4004),
  })
  .superRefine((config, context) => {
    // Local defaults are for development; production names every subgraph explicitly.
    if (config.NODE_ENV !== 'production') return;
    for (const name of ['REGISTRY_URL', 'APPROVALS_URL', 'PAYMENTS_URL', 'REPORTING_URL'] as const) {
      if (/\/\/(127\.|localhost|\[::1\])/.test(config[name])) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'must be set explicitly in production (not a loopback address)',
        });
      }
    }
  });

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv): GatewayConfig =>
  parseEnv('gateway', gatewayEnvSchema, env);
