import type { Logger } from '@ansinh/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { outboundResolvers } from './outbound.resolvers.ts';
import { startSyncWorkers, type SyncWorkers } from './sync-workers.ts';

/**
 * Two-way sync with the provinces' one-stop systems, outbound half (issue 14, point 3; SDL
 * outbound.graphql; tables and functions Migration20261204100000 of approvals and of payments).
 *
 * - Every step of a dossier (application_events), every later decision on its entitlement and the
 *   first payment are outbox rows written in the change's transaction (approvals.outbox,
 *   payments.outbox). The relay (relay.ts; one at a time by advisory lock; polling, since a NOTIFY
 *   in every changing transaction would serialise their commits) turns them into feed events (feed-event.rules.ts), keeps those of provinces in two-way or
 *   outbound mode, and writes them to `sync_feed` with a delivery per active webhook of the province,
 *   in one transaction: the feed's sequence is commit order, so a cursor never skips an event, and
 *   each outbox row becomes at most one event with an id derived from it.
 * - `changes(after, first)` pages a province's feed by an opaque cursor; an integration client's read
 *   is recorded for the connection status.
 * - The deliverer (deliverer.ts) leases due deliveries (skip-locked, a lease that a killed process
 *   lets expire), one per dossier and webhook at a time so a receiver sees a dossier's events in order,
 *   POSTs each with the signature of services/common/src/webhooks (webhook-sender.ts: keep-alive,
 *   bounded concurrency, a 10 s time-out, at most 64 KiB of an answer read, no redirects, nothing
 *   inside the network unless WEBHOOK_ALLOW_HTTP_HOSTS lists it), and retries with exponential
 *   backoff and full jitter (delivery.rules.ts) until the delivery is dead; 410 deactivates the webhook.
 * - Sync modes and connection status per province (`sync_statuses`, counts only), the ministry's view
 *   of every province.
 */
export const outboundModule = {
  resolvers: outboundResolvers,
  /** The relay and the deliverer, with the subgraph (SYNC_WORKERS=off: not in this process). */
  background: (_orm: MikroORM, env: NodeJS.ProcessEnv, logger: Logger): Promise<SyncWorkers> =>
    startSyncWorkers(env, { logger }),
};

export { startSyncWorkers, type SyncWorkers } from './sync-workers.ts';
export { seedDemoSyncModes, DEMO_SYNC_MODES } from './sync-modes.seed.ts';
export { feedCarries, intakeAccepts, type SyncMode } from './sync-mode.rule.ts';
export { syncModeOf } from './sync.repository.ts';
