import { createLogger, releaseDeadClients, subgraphDatabaseUrl, type Logger } from '@ansinh/common';
import pg from 'pg';
import { startDeliverer, type Deliverer } from './deliverer.ts';
import { relayOnce } from './relay.ts';
import { extraCertificatesOf, retryPolicyOf, syncConfigOf, type SyncConfig } from './sync.config.ts';
import { createWebhookSender } from './webhook-sender.ts';

/** The channel the relay (and a replay) NOTIFY when deliveries are queued, so that every deliverer wakes. */
export const DELIVERIES_CHANNEL = 'ansinh_sync_deliveries';

export type SyncWorkers = {
  /** Runs the relay now and waits for it (tests; the workers also run on their own). */
  relayNow(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Runs the relay once at a time: again at once while it finds work (under a steady load each run takes
 * what came in during the last one), otherwise every SYNC_RELAY_POLL_MS. A failure is logged and a
 * later poll tries again, backing off while failures repeat.
 */
function relayLoop(pool: pg.Pool, config: SyncConfig, logger: Logger, afterPublish: () => void) {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    // While the database is away, tries less and less often (up to every 30 s).
    const delay = failures
      ? Math.min(30_000, config.SYNC_RELAY_POLL_MS * 2 ** Math.min(failures, 10))
      : config.SYNC_RELAY_POLL_MS;
    timer = setTimeout(() => void wake(), delay);
    timer.unref();
  };
  const runOnce = async () => {
    do {
      again = false;
      try {
        const result = await relayOnce(pool, config.SYNC_RELAY_BATCH);
        if (result.queued) afterPublish();
        if (result.published)
          logger.debug(
            { taken: result.taken, published: result.published, queued: result.queued },
            'sync events relayed',
          );
        if (result.taken > 0) again = true;
        failures = 0;
      } catch (error) {
        failures += 1;
        logger.error({ err: error, failures }, 'relaying sync events failed; the next run tries again');
        return;
      }
    } while (again && !stopped);
  };
  function wake(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = runOnce().finally(() => {
      running = undefined;
      schedule();
    });
    return running;
  }
  wake();
  return {
    wake,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * A connection that LISTENs for the deliveries channel and wakes the deliverer; when it drops (a
 * database restart) it comes back with backoff, and the poll covers the gap.
 */
function listen(databaseUrl: string, logger: Logger, handlers: Record<string, () => void>) {
  let client: pg.Client | undefined;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
    const retry = () => {
      if (stopped || client !== next) return;
      client = undefined;
      next.removeAllListeners('notification');
      void next.end().catch(() => undefined);
      failures += 1;
      timer = setTimeout(() => void connect(), Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      timer.unref();
    };
    client = next;
    next.on('error', (error) => {
      logger.warn({ err: error }, 'sync listener connection failed; reconnecting');
      retry();
    });
    next.on('end', retry);
    next.on('notification', (message) => handlers[message.channel]?.());
    try {
      await next.connect();
      for (const channel of Object.keys(handlers)) await next.query(`listen ${channel}`);
      failures = 0;
      // What was committed while not listening.
      for (const handler of Object.values(handlers)) handler();
    } catch (error) {
      logger.warn({ err: error }, 'sync listener could not connect; retrying');
      retry();
    }
  };
  void connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

/**
 * The outbound sync's workers in this process: the relay (outbox → feed and deliveries), which polls
 * the outboxes, and the webhook deliverer, woken by the relay (NOTIFY) and by a poll of SYNC_POLL_MS. `env` is a subgraph's
 * environment (DATABASE_URL, APPROVALS_DATABASE_PASSWORD, the SYNC_ and WEBHOOK_ variables): they
 * log in as the subgraph's role, on a small pool of their own so that requests and deliveries never
 * wait for each other. SYNC_WORKERS chooses which run here (`off`: none). Several processes may run
 * them: one relay works at a time, and deliverers share the deliveries by lease.
 */
export async function startSyncWorkers(
  env: NodeJS.ProcessEnv,
  options: { logger?: Logger } = {},
): Promise<SyncWorkers> {
  const config = syncConfigOf(env);
  const logger = (options.logger ?? createLogger('approvals', config.LOG_LEVEL)).child({ module: 'sync' });
  const relays = config.SYNC_WORKERS === 'on' || config.SYNC_WORKERS === 'relay';
  const delivers = config.SYNC_WORKERS === 'on' || config.SYNC_WORKERS === 'deliver';
  if (!relays && !delivers) return { relayNow: () => Promise.resolve(), stop: () => Promise.resolve() };

  const databaseUrl = subgraphDatabaseUrl('approvals', config, 'approvals');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 10_000 });
  releaseDeadClients(pool);
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle sync connection failed'));

  let deliverer: Deliverer | undefined;
  const sender = delivers
    ? createWebhookSender({
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        concurrency: config.WEBHOOK_CONCURRENCY,
        extraCertificates: extraCertificatesOf(config),
        allowHttpHosts: new Set(config.WEBHOOK_ALLOW_HTTP_HOSTS),
      })
    : undefined;
  if (sender) {
    deliverer = startDeliverer({
      pool,
      sender,
      retry: retryPolicyOf(config),
      concurrency: config.WEBHOOK_CONCURRENCY,
      perWebhook: config.WEBHOOK_CONCURRENCY_PER_WEBHOOK,
      leaseSeconds: config.WEBHOOK_LEASE_SECONDS,
      logger: logger.child({ worker: 'deliverer' }),
    });
  }
  const relay = relays
    ? relayLoop(pool, config, logger.child({ worker: 'relay' }), () => deliverer?.wake())
    : undefined;

  // Deliveries queued by a relay in another process (or a replay) wake this deliverer at once.
  const listener = deliverer
    ? listen(databaseUrl, logger, { [DELIVERIES_CHANNEL]: () => deliverer.wake() })
    : undefined;
  const poll = setInterval(() => deliverer?.wake(), config.SYNC_POLL_MS);
  poll.unref();
  logger.info({ relay: relays, deliverer: delivers }, 'sync workers started');

  return {
    relayNow: () => relay?.wake() ?? Promise.resolve(),
    async stop() {
      clearInterval(poll);
      await listener?.stop();
      await relay?.stop();
      await deliverer?.stop();
      sender?.close();
      await pool.end();
    },
  };
}
