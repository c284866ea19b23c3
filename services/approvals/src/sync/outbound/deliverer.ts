import { signWebhook, WEBHOOK_HEADERS, type Logger } from '@ansinh/common';
import type pg from 'pg';
import { outcomeOf, type AttemptResult, type DeliveryOutcome, type RetryPolicy } from './delivery.rules.ts';
import { eventBodyOf, type DossierRef } from './feed-event.rules.ts';
import type { WebhookSender } from './webhook-sender.ts';

type LeasedRow = {
  webhook_id: string;
  seq: string;
  lease_id: string;
  attempts: number;
  url: string;
  secret: string;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  province_code: string;
  dossier_key: string;
  payload: { dossier: DossierRef; data: Record<string, unknown> };
};

type Settlement = { webhookId: string; seq: string; leaseId: string } & DeliveryOutcome;

export type DelivererOptions = {
  pool: pg.Pool;
  sender: WebhookSender;
  retry: RetryPolicy;
  /** Deliveries in flight at most (WEBHOOK_CONCURRENCY), and to one webhook (WEBHOOK_CONCURRENCY_PER_WEBHOOK). */
  concurrency: number;
  perWebhook: number;
  leaseSeconds: number;
  logger: Logger;
  /** The clock (tests move it). */
  now?: () => Date;
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Outcomes are written together: at most this many per statement, and at most this long after the first. */
const SETTLE_BATCH = 200;
const SETTLE_WAIT_MS = 5;

export type Deliverer = {
  /** Looks for due deliveries now (new events, a NOTIFY, the poll). */
  wake(): void;
  /** Deliveries being sent now. */
  readonly inFlight: number;
  /** Stops taking deliveries, lets those in flight finish and writes their outcomes. */
  stop(): Promise<void>;
};

/** The headers of one POST: the event's id and type, and the signature of the exact body at this second. */
export function signedRequestOf(
  row: Pick<LeasedRow, 'secret' | 'event_id' | 'event_type'>,
  body: string,
  now: Date,
) {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Ansinh-Webhooks/1',
    [WEBHOOK_HEADERS.eventId]: row.event_id,
    [WEBHOOK_HEADERS.eventType]: row.event_type,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook(row.secret, body, timestamp),
  };
}

/**
 * Sends due webhook deliveries: leases them (`approvals.lease_webhook_deliveries`: skip-locked, one
 * per dossier and webhook at a time, the attempt counted), POSTs each signed event with bounded
 * concurrency, and writes the outcomes in small batches (`settle_webhook_deliveries`): delivered,
 * retried later with backoff, dead, or the webhook deactivated on 410. A process killed mid-send
 * leaves its leases to expire; the rows are then sent again (at least once; receivers de-duplicate
 * on the event id).
 */
export function startDeliverer(options: DelivererOptions): Deliverer {
  const now = options.now ?? (() => new Date());
  const log = options.logger;
  let inFlight = 0;
  const inFlightTo = new Map<string, number>();
  let stopped = false;
  let pumping = false;
  let again = false;
  let failures = 0;
  let backoffUntil = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  const sending = new Set<Promise<void>>();
  let pending: Settlement[] = [];
  let settleTimer: NodeJS.Timeout | undefined;
  let settling: Promise<void> = Promise.resolve();

  // A promise nobody awaits must not reject: an unhandled rejection ends the process.
  const unexpected = (error: unknown) => log.error({ err: error }, 'webhook deliverer failed unexpectedly');

  const lease = async (max: number): Promise<LeasedRow[]> => {
    const busy = [...inFlightTo].filter(([, count]) => count >= options.perWebhook).map(([id]) => id);
    const { rows } = await options.pool.query<LeasedRow>(
      'select * from approvals.lease_webhook_deliveries($1, $2, $3::uuid[])',
      [max, options.leaseSeconds, busy],
    );
    return rows;
  };

  const flush = (): Promise<void> => {
    clearTimeout(settleTimer);
    settleTimer = undefined;
    if (!pending.length) return settling;
    const batch = pending;
    pending = [];
    settling = settling.then(async () => {
      try {
        await options.pool.query('select approvals.settle_webhook_deliveries($1::jsonb)', [
          JSON.stringify(
            batch.map((item) => ({
              webhookId: item.webhookId,
              seq: item.seq,
              leaseId: item.leaseId,
              outcome: item.outcome,
              status: item.status,
              error: 'error' in item ? item.error : null,
              retryAt: item.outcome === 'retry' ? item.retryAt.toISOString() : null,
            })),
          ),
        ]);
      } catch (error) {
        // The leases expire and the rows are sent again: at least once, never lost.
        log.error(
          { err: error, deliveries: batch.length },
          'writing webhook delivery outcomes failed; they will be sent again after their lease',
        );
      }
      // A dossier's next event may wait for this one: look again.
      wake();
    });
    return settling;
  };

  const settle = (item: Settlement) => {
    pending.push(item);
    if (pending.length >= SETTLE_BATCH) void flush().catch(unexpected);
    else settleTimer ??= setTimeout(() => void flush().catch(unexpected), SETTLE_WAIT_MS);
  };

  /** One POST of the row's event; whatever goes wrong (a malformed row included) is an attempt that failed. */
  const attempt = async (row: LeasedRow): Promise<AttemptResult> => {
    let body: string;
    try {
      body = JSON.stringify(
        eventBodyOf({
          seq: row.seq,
          eventId: row.event_id,
          eventType: row.event_type,
          occurredAt: row.occurred_at,
          provinceCode: row.province_code,
          payload: row.payload,
        }),
      );
    } catch (error) {
      return { error: `Không dựng được sự kiện để gửi: ${messageOf(error)}` };
    }
    try {
      return await options.sender.send({ url: row.url, body, headers: signedRequestOf(row, body, now()) });
    } catch (error) {
      return { error: messageOf(error) };
    }
  };

  /** Never rejects: a delivery that cannot even be tried is settled as a failed attempt (retried, then dead). */
  const deliver = async (row: LeasedRow): Promise<void> => {
    try {
      const outcome = outcomeOf(await attempt(row), row.attempts, options.retry, now());
      if (outcome.outcome === 'dead' || outcome.outcome === 'gone') {
        // The status, not the receiver's words (they stay with the dead letter for its administrator).
        log.warn(
          { webhookId: row.webhook_id, seq: row.seq, attempts: row.attempts, status: outcome.status },
          `webhook delivery ${outcome.outcome}`,
        );
      }
      settle({ webhookId: row.webhook_id, seq: row.seq, leaseId: row.lease_id, ...outcome });
    } catch (error) {
      // Left leased: the lease expires and the row is tried again.
      log.error(
        { err: error, webhookId: row.webhook_id, seq: row.seq },
        'settling a webhook delivery failed',
      );
    }
  };

  const pump = async (): Promise<void> => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        while (!stopped && inFlight < options.concurrency) {
          const rows = await lease(options.concurrency - inFlight);
          failures = 0;
          if (!rows.length) break;
          for (const row of rows) {
            inFlight += 1;
            inFlightTo.set(row.webhook_id, (inFlightTo.get(row.webhook_id) ?? 0) + 1);
            const sent = deliver(row)
              .finally(() => {
                inFlight -= 1;
                const left = inFlightTo.get(row.webhook_id)! - 1;
                if (left) inFlightTo.set(row.webhook_id, left);
                else inFlightTo.delete(row.webhook_id);
                sending.delete(sent);
                wake();
              })
              .catch(unexpected);
            sending.add(sent);
          }
        }
      } while (again && !stopped);
    } catch (error) {
      failures += 1;
      // Backs off while the database is away, instead of trying again on every wake.
      const delay = Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
      backoffUntil = Date.now() + delay;
      log.error({ err: error, retryInMs: delay }, 'leasing webhook deliveries failed; trying again shortly');
      clearTimeout(retryTimer);
      retryTimer = setTimeout(wake, delay);
      retryTimer.unref();
    } finally {
      pumping = false;
    }
  };

  function wake(): void {
    if (stopped || Date.now() < backoffUntil) return;
    void pump().catch(unexpected);
  }

  return {
    wake,
    get inFlight() {
      return inFlight;
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      while (sending.size) await Promise.allSettled([...sending]);
      await flush();
      await settling;
    },
  };
}
