import { readFileSync } from 'node:fs';
import { baseEnvSchema, parseEnv } from '@ansinh/common';
import { z } from 'zod';
import type { RetryPolicy } from './delivery.rules.ts';

const limit = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** A comma-separated list of host names or IP literals (lower case, IPv6 without brackets). */
const hostList = z
  .string()
  .max(2_000)
  .transform((text) =>
    text
      .split(',')
      .map((host) =>
        host
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ''),
      )
      .filter((host) => host !== ''),
  )
  .refine(
    (hosts) => hosts.every((host) => /^[a-z0-9.:-]{1,253}$/.test(host)),
    'must be host names or IP addresses, comma-separated',
  );

/**
 * The sync's variables (services/approvals/README.md):
 * - SYNC_WORKERS (`on`): `off` runs neither the relay nor the deliverer in this process, `relay` or
 *   `deliver` only one of them (another process runs the other);
 * - SYNC_RELAY_POLL_MS (100): how often an idle relay looks at the outboxes (a busy one runs again at
 *   once); the changing transactions do not NOTIFY, which would serialise their commits;
 * - SYNC_POLL_MS (1000): how often the deliverer looks for due retries, besides being woken by the
 *   relay (NOTIFY `ansinh_sync_deliveries`, once per published batch);
 * - SYNC_RELAY_BATCH (500): outbox rows of each owner taken per relay transaction;
 * - WEBHOOK_ALLOW_HTTP_HOSTS: hosts a webhook may reach over plain http and inside the network
 *   (default `localhost,127.0.0.1` outside production, none in production);
 * - WEBHOOK_CA_FILE: PEM certificates trusted besides the system's (a province's own CA, a test's);
 * - WEBHOOK_MAX_ATTEMPTS (12), WEBHOOK_RETRY_BASE_MS (2000), WEBHOOK_RETRY_CAP_MS (3600000): retries;
 * - WEBHOOK_TIMEOUT_MS (10000): an answer must come within it;
 * - WEBHOOK_CONCURRENCY (16): deliveries in flight per process; WEBHOOK_CONCURRENCY_PER_WEBHOOK (8)
 *   of them to one webhook at most, so that a receiver that is down (each attempt waiting for the
 *   time-out) leaves slots to the others;
 * - WEBHOOK_LEASE_SECONDS (60): how long a taken delivery is this process's before another may send it.
 */
export const syncEnvSchema = baseEnvSchema
  .pick({ NODE_ENV: true, LOG_LEVEL: true, DATABASE_URL: true, APPROVALS_DATABASE_PASSWORD: true })
  .extend({
    SYNC_WORKERS: z.enum(['on', 'off', 'relay', 'deliver']).default('on'),
    SYNC_RELAY_POLL_MS: limit(100, 10, 60_000),
    SYNC_POLL_MS: limit(1_000, 50, 60_000),
    SYNC_RELAY_BATCH: limit(500, 1, 5_000),
    WEBHOOK_ALLOW_HTTP_HOSTS: hostList.optional(),
    WEBHOOK_CA_FILE: z.string().min(1).max(4_096).optional(),
    WEBHOOK_MAX_ATTEMPTS: limit(12, 1, 50),
    WEBHOOK_RETRY_BASE_MS: limit(2_000, 10, 3_600_000),
    WEBHOOK_RETRY_CAP_MS: limit(3_600_000, 10, 86_400_000),
    WEBHOOK_TIMEOUT_MS: limit(10_000, 100, 60_000),
    WEBHOOK_CONCURRENCY: limit(16, 1, 256),
    WEBHOOK_CONCURRENCY_PER_WEBHOOK: limit(8, 1, 256),
    WEBHOOK_LEASE_SECONDS: limit(60, 5, 3_600),
  })
  .superRefine((config, context) => {
    if (config.WEBHOOK_LEASE_SECONDS * 1_000 <= config.WEBHOOK_TIMEOUT_MS * 2)
      context.addIssue({
        code: 'custom',
        path: ['WEBHOOK_LEASE_SECONDS'],
        message:
          'must exceed twice WEBHOOK_TIMEOUT_MS, so that a delivery in flight is never sent twice at once',
      });
    if (config.WEBHOOK_CONCURRENCY_PER_WEBHOOK > config.WEBHOOK_CONCURRENCY)
      context.addIssue({
        code: 'custom',
        path: ['WEBHOOK_CONCURRENCY_PER_WEBHOOK'],
        message: 'must not exceed WEBHOOK_CONCURRENCY',
      });
    if (config.WEBHOOK_RETRY_CAP_MS < config.WEBHOOK_RETRY_BASE_MS)
      context.addIssue({
        code: 'custom',
        path: ['WEBHOOK_RETRY_CAP_MS'],
        message: 'must not be below WEBHOOK_RETRY_BASE_MS',
      });
    if (config.WEBHOOK_CA_FILE) {
      try {
        const pem = readFileSync(config.WEBHOOK_CA_FILE, 'utf8');
        if (!pem.includes('-----BEGIN CERTIFICATE-----'))
          context.addIssue({
            code: 'custom',
            path: ['WEBHOOK_CA_FILE'],
            message: 'holds no PEM certificate',
          });
      } catch (error) {
        context.addIssue({
          code: 'custom',
          path: ['WEBHOOK_CA_FILE'],
          message: `cannot be read (${(error as Error).message})`,
        });
      }
    }
  })
  .transform((config) => ({
    ...config,
    WEBHOOK_ALLOW_HTTP_HOSTS:
      config.WEBHOOK_ALLOW_HTTP_HOSTS ?? (config.NODE_ENV === 'production' ? [] : ['localhost', '127.0.0.1']),
  }));

export type SyncConfig = z.infer<typeof syncEnvSchema>;

export const syncConfigOf = (env: NodeJS.ProcessEnv): SyncConfig =>
  parseEnv('approvals sync', syncEnvSchema, env);

export const retryPolicyOf = (config: SyncConfig): RetryPolicy => ({
  maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
  baseMs: config.WEBHOOK_RETRY_BASE_MS,
  capMs: config.WEBHOOK_RETRY_CAP_MS,
});

/** The certificates of WEBHOOK_CA_FILE, read when the deliverer starts. */
export const extraCertificatesOf = (config: SyncConfig): string | undefined =>
  config.WEBHOOK_CA_FILE ? readFileSync(config.WEBHOOK_CA_FILE, 'utf8') : undefined;

/**
 * What registering a webhook checks an address against: the subgraph's WEBHOOK_ALLOW_HTTP_HOSTS, the
 * same list its deliverer (started from the same environment) enforces when it connects.
 */
const registrationHosts = z.object({
  NODE_ENV: baseEnvSchema.shape.NODE_ENV,
  WEBHOOK_ALLOW_HTTP_HOSTS: hostList.optional(),
});

const allowedHosts = new WeakMap<NodeJS.ProcessEnv, ReadonlySet<string>>();

export function allowHttpHostsOf(env: NodeJS.ProcessEnv): ReadonlySet<string> {
  let hosts = allowedHosts.get(env);
  if (!hosts) {
    const config = parseEnv('approvals sync', registrationHosts, env);
    hosts = new Set(
      config.WEBHOOK_ALLOW_HTTP_HOSTS ?? (config.NODE_ENV === 'production' ? [] : ['localhost', '127.0.0.1']),
    );
    allowedHosts.set(env, hosts);
  }
  return hosts;
}
