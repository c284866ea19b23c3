import type pg from 'pg';
import {
  feedEventOf,
  feedRowInput,
  interleave,
  publishable,
  type EntitlementDossier,
  type OutboxOwner,
  type OutboxRow,
} from './feed-event.rules.ts';
import { isSyncMode, type SyncMode } from './sync-mode.rule.ts';

/** The relay's lock key, also taken inside `take_sync_events` and `publish_sync_events`. */
const RELAY_LOCK = `hashtext('approvals.sync_relay')`;

type TakenRow = {
  id: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
  province_code: string | null;
  details?: Record<string, unknown> | null;
};

const outboxRow =
  (owner: OutboxOwner) =>
  (row: TakenRow): OutboxRow => ({
    owner,
    id: row.id,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    eventType: row.event_type,
    payload: row.payload,
    occurredAt: row.occurred_at,
    provinceCode: row.province_code,
    details: row.details ?? null,
  });

export type RelayResult = {
  /** false: another relay holds the lock (it does this work). */
  ran: boolean;
  /** Outbox rows taken (of both owners). */
  taken: number;
  /** Feed events written, and deliveries queued for them. */
  published: number;
  queued: number;
};

/**
 * One relay transaction: the outbox rows of approvals and payments not yet published (up to `batch`
 * of each, payments' only once their dossier's earlier events are taken: `takePayments`), turned into feed events (feed-event.rules.ts), those of provinces whose mode sends kept,
 * written to the feed with a delivery per active webhook of their province; the rows are marked
 * published in the same transaction, so an event is in the feed exactly once and a crash loses none.
 * One relay at a time (advisory lock): another one's turn is skipped, not waited for. Run it again
 * while it takes rows.
 */
export async function relayOnce(pool: pg.Pool, batch: number): Promise<RelayResult> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const { rows: lock } = await client.query<{ locked: boolean }>(
      `select pg_try_advisory_xact_lock(${RELAY_LOCK}) as locked`,
    );
    if (!lock[0]?.locked) {
      await client.query('rollback');
      return { ran: false, taken: 0, published: 0, queued: 0 };
    }
    const approvals = (
      await client.query<TakenRow>('select * from approvals.take_sync_events($1)', [batch])
    ).rows.map(outboxRow('approvals'));
    const payments = (await takePayments(client, batch)).map(outboxRow('payments'));
    const dossiers = await dossiersOf(client, payments);
    const events = interleave(approvals, payments).flatMap((row) => feedEventOf(row, dossiers) ?? []);
    const modes = await modesOf(client, [...new Set(events.map((event) => event.province))]);
    const outgoing = publishable(events, modes);
    let published = 0;
    let queued = 0;
    if (outgoing.length) {
      const { rows } = await client.query<{ published: number; queued: number }>(
        'select * from approvals.publish_sync_events($1::jsonb)',
        [JSON.stringify(outgoing.map(feedRowInput))],
      );
      published = rows[0]?.published ?? 0;
      queued = rows[0]?.queued ?? 0;
    }
    await client.query('commit');
    return { ran: true, taken: approvals.length + payments.length, published, queued };
  } catch (error) {
    broken = error as Error;
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * The rows of a payment's outbox are taken (up to `max`, every run, so a backlog of approvals' events
 * never starves them), but only those that cannot overtake an event of their dossier still in
 * approvals' outbox. A payment follows the decision it pays in time: the decision's transaction
 * committed before the payment's began, so the decision's `occurred_at` (its transaction's start) is
 * earlier than the payment's. A payment whose `occurred_at` is earlier than every approvals event not
 * yet published (`sync_events_horizon`, read after approvals' take, under the relay's lock) therefore
 * has its decision in this batch or an earlier one. `take_sync_events` takes a prefix in id order, so
 * the take is undone (savepoint) and redone for the prefix of such rows; should a payment committed
 * meanwhile slip into that prefix, none is taken this run.
 */
async function takePayments(client: pg.ClientBase, max: number): Promise<TakenRow[]> {
  const { rows: bound } = await client.query<{ horizon: Date | null }>(
    'select approvals.sync_events_horizon() as horizon',
  );
  const horizon = bound[0]?.horizon ?? null;
  const take = async (count: number) =>
    (await client.query<TakenRow>('select * from payments.take_sync_events($1)', [count])).rows;
  await client.query('savepoint payments_take');
  let rows = await take(max);
  let safe = beforeHorizon(rows, horizon);
  if (safe < rows.length) {
    await client.query('rollback to savepoint payments_take');
    rows = safe ? await take(safe) : [];
    safe = beforeHorizon(rows, horizon);
    if (safe < rows.length) {
      await client.query('rollback to savepoint payments_take');
      rows = [];
    }
  }
  await client.query('release savepoint payments_take');
  return rows;
}

/**
 * How many of `rows` (in id order), from the first, occurred strictly before `horizon` (null: no
 * event is waiting, all of them). Compared in whole milliseconds, strictly, as JavaScript dates drop
 * PostgreSQL's microseconds.
 */
export function beforeHorizon(rows: readonly { occurred_at: Date }[], horizon: Date | null): number {
  if (horizon === null) return rows.length;
  const late = rows.findIndex((row) => row.occurred_at.getTime() >= horizon.getTime());
  return late === -1 ? rows.length : late;
}

async function dossiersOf(
  client: pg.ClientBase,
  payments: readonly OutboxRow[],
): Promise<Map<string, EntitlementDossier>> {
  const ids = [
    ...new Set(
      payments.flatMap((row) =>
        typeof row.payload.entitlementId === 'string' ? [row.payload.entitlementId] : [],
      ),
    ),
  ];
  if (!ids.length) return new Map();
  const { rows } = await client.query<{
    entitlement_id: string;
    root_entitlement_id: string;
    application_id: string | null;
    source: string | null;
    external_code: string | null;
    confidential: boolean;
  }>('select * from approvals.sync_entitlement_dossiers($1::uuid[])', [ids]);
  return new Map(
    rows.map((row) => [
      row.entitlement_id,
      {
        rootEntitlementId: row.root_entitlement_id,
        applicationId: row.application_id,
        source: row.source,
        externalCode: row.external_code,
        confidential: row.confidential,
      },
    ]),
  );
}

async function modesOf(client: pg.ClientBase, provinces: readonly string[]): Promise<Map<string, SyncMode>> {
  if (!provinces.length) return new Map();
  const { rows } = await client.query<{ province_code: string; mode: string }>(
    'select province_code, mode from approvals.sync_provinces where province_code = any($1::text[])',
    [provinces],
  );
  return new Map(
    rows.flatMap((row) => (isSyncMode(row.mode) ? [[row.province_code, row.mode] as const] : [])),
  );
}
