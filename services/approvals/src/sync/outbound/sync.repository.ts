import { arrayLiteral, inRequestTransaction } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FeedRow } from './feed-event.rules.ts';
import { isSyncMode, type SyncMode } from './sync-mode.rule.ts';
import { DELIVERIES_CHANNEL } from './sync-workers.ts';

/**
 * The sync tables as a request reads and writes them: under the caller's role and scope, so that
 * row-level security keeps each province's feed, webhooks and deliveries to that province (the
 * queries name the province too). Secrets are never read here: the role may not.
 */

type FeedRecord = {
  seq: string;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  province_code: string;
  payload: FeedRow['payload'];
};

/** Events of `province` after `afterSeq`, in order: `limit` of them. */
export async function findChanges(
  em: EntityManager,
  province: string,
  afterSeq: string,
  limit: number,
): Promise<FeedRow[]> {
  const rows = await em.execute<FeedRecord[]>(
    `select f.seq::text as seq, f.event_id, f.event_type, f.occurred_at, f.province_code, f.payload
       from approvals.sync_feed f where f.province_code = ? and f.seq > ?::bigint order by f.seq limit ?`,
    [province, afterSeq, limit],
  );
  return rows.map((row) => ({
    seq: row.seq,
    eventId: row.event_id,
    eventType: row.event_type,
    occurredAt: new Date(row.occurred_at),
    provinceCode: row.province_code,
    payload: row.payload,
  }));
}

/**
 * Where a client of the province has read the feed to (for its connection status). `lastSeq` is the
 * caller's cursor on an empty page, so it is capped at the province's last event: a cursor made up
 * beyond the end must not hide the events that come after it from the backlog.
 */
export async function recordFeedRead(
  em: EntityManager,
  province: string,
  clientId: string,
  lastSeq: string,
): Promise<void> {
  await em.execute(
    `insert into approvals.sync_feed_reads (province_code, client_id, last_read_at, last_sequence)
     values (?, ?, now(), least(?::bigint, (select coalesce(max(f.seq), 0) from approvals.sync_feed f where f.province_code = ?)))
     on conflict (province_code, client_id) do update
       set last_read_at = excluded.last_read_at,
           last_sequence = greatest(approvals.sync_feed_reads.last_sequence, excluded.last_sequence)`,
    [province, clientId, lastSeq, province],
  );
}

export type WebhookRecord = {
  id: string;
  clientId: string;
  url: string;
  active: boolean;
  createdAt: Date;
  createdBy: string;
  lastDeliveryAt: Date | null;
  pendingDeliveries: number;
  deadLetters: number;
};

type WebhookRow = {
  id: string;
  client_id: string;
  url: string;
  active: boolean;
  created_at: Date;
  created_by: string;
  last_delivered_at: Date | null;
  pending: number;
  dead: number;
};

const WEBHOOK_COLUMNS = `w.id, w.client_id, w.url, w.active, w.created_at, w.created_by, w.last_delivered_at,
  (select count(*)::int from approvals.webhook_deliveries d where d.webhook_id = w.id and d.state = 'pending') as pending,
  (select count(*)::int from approvals.webhook_deliveries d where d.webhook_id = w.id and d.state = 'dead') as dead`;

const webhookOf = (row: WebhookRow): WebhookRecord => ({
  id: row.id,
  clientId: row.client_id,
  url: row.url,
  active: row.active,
  createdAt: new Date(row.created_at),
  createdBy: row.created_by,
  lastDeliveryAt: row.last_delivered_at ? new Date(row.last_delivered_at) : null,
  pendingDeliveries: row.pending,
  deadLetters: row.dead,
});

/** The province's webhooks, those of one client when given, oldest first. */
export async function findWebhooks(
  em: EntityManager,
  province: string,
  clientId: string | null,
): Promise<WebhookRecord[]> {
  const rows = await em.execute<WebhookRow[]>(
    `select ${WEBHOOK_COLUMNS} from approvals.webhooks w
      where w.province_code = ? and (?::text is null or w.client_id = ?) order by w.created_at, w.id`,
    [province, clientId, clientId],
  );
  return rows.map(webhookOf);
}

export async function findWebhook(
  em: EntityManager,
  province: string,
  id: string,
): Promise<WebhookRecord | null> {
  const [row] = await em.execute<WebhookRow[]>(
    `select ${WEBHOOK_COLUMNS} from approvals.webhooks w where w.province_code = ? and w.id = ?`,
    [province, id],
  );
  return row ? webhookOf(row) : null;
}

/** Whether the client is one of the province's systems: the province's own sync client, or one that has filed its dossiers, read its feed or has webhooks. */
export async function clientKnownInProvince(
  em: EntityManager,
  province: string,
  clientId: string,
): Promise<boolean> {
  const [row] = await em.execute<{ known: boolean }[]>(
    `select exists (select 1 from approvals.webhooks w where w.province_code = ? and w.client_id = ?)
         or exists (select 1 from approvals.sync_feed_reads r where r.province_code = ? and r.client_id = ?)
         or exists (select 1 from approvals.applications a join registry.v_units u on u.id = a.unit_id
                     where a.source_system = ? and split_part(split_part(u.path::text, '.', 1), '_', 1) = ?) as known`,
    [province, clientId, province, clientId, clientId, province],
  );
  return row?.known === true;
}

export type NewWebhook = {
  id: string;
  clientId: string;
  province: string;
  url: string;
  secret: string;
  createdBy: string;
};

/**
 * Adds a webhook unless its client has `max` already or has this address (one transaction, the
 * client's webhooks locked against a concurrent registration). Answers why not, or null.
 */
export async function insertWebhook(
  em: EntityManager,
  webhook: NewWebhook,
  max: number,
): Promise<'too-many' | 'duplicate' | null> {
  return inRequestTransaction(em, async (client) => {
    await client.query(`select pg_advisory_xact_lock(hashtext('approvals.webhooks'), hashtext($1))`, [
      webhook.clientId,
    ]);
    const { rows } = await client.query<{ count: number; same: boolean }>(
      `select count(*)::int as count, coalesce(bool_or(url = $2), false) as same from approvals.webhooks where client_id = $1`,
      [webhook.clientId, webhook.url],
    );
    if (rows[0]!.same) return 'duplicate';
    if (rows[0]!.count >= max) return 'too-many';
    await client.query(
      `insert into approvals.webhooks (id, client_id, province_code, url, secret, created_by) values ($1, $2, $3, $4, $5, $6)`,
      [webhook.id, webhook.clientId, webhook.province, webhook.url, webhook.secret, webhook.createdBy],
    );
    return null;
  });
}

/** Removes a webhook (and its deliveries) of the province, of one client when given. Answers whether it existed. */
export async function deleteWebhook(
  em: EntityManager,
  province: string,
  id: string,
  clientId: string | null,
): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `delete from approvals.webhooks where province_code = ? and id = ? and (?::text is null or client_id = ?) returning id`,
    [province, id, clientId, clientId],
  );
  return rows.length > 0;
}

export type DeliveryRecord = {
  webhookId: string;
  sequence: string;
  eventId: string;
  eventType: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
};

/** Deliveries of the province's webhooks (of one client, one webhook, one state when given), newest first. */
export async function findDeliveries(
  em: EntityManager,
  filter: {
    province: string;
    clientId: string | null;
    webhookId: string | null;
    state: DeliveryRecord['state'] | null;
    limit: number;
  },
): Promise<DeliveryRecord[]> {
  const rows = await em.execute<
    {
      webhook_id: string;
      seq: string;
      event_id: string;
      event_type: string;
      state: DeliveryRecord['state'];
      attempts: number;
      next_attempt_at: Date | null;
      last_status: number | null;
      last_error: string | null;
      delivered_at: Date | null;
    }[]
  >(
    `select d.webhook_id, d.seq::text as seq, f.event_id, f.event_type, d.state, d.attempts,
            case when d.state = 'pending' then d.next_attempt_at end as next_attempt_at, d.last_status, d.last_error, d.delivered_at
       from approvals.webhook_deliveries d
       join approvals.webhooks w on w.id = d.webhook_id
       join approvals.sync_feed f on f.seq = d.seq
      where w.province_code = ? and (?::text is null or w.client_id = ?) and (?::uuid is null or d.webhook_id = ?)
        and (?::text is null or d.state = ?)
      order by d.seq desc, d.webhook_id limit ?`,
    [
      filter.province,
      filter.clientId,
      filter.clientId,
      filter.webhookId,
      filter.webhookId,
      filter.state,
      filter.state,
      filter.limit,
    ],
  );
  return rows.map((row) => ({
    webhookId: row.webhook_id,
    sequence: row.seq,
    eventId: row.event_id,
    eventType: row.event_type,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at ? new Date(row.next_attempt_at) : null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    deliveredAt: row.delivered_at ? new Date(row.delivered_at) : null,
  }));
}

/**
 * Puts dead letters of a webhook back in the queue (those of `sequences`, or all), with their attempts
 * counted afresh, and wakes the deliverers. Answers how many.
 */
export async function replayDeadDeliveries(
  em: EntityManager,
  webhookId: string,
  sequences: readonly string[] | null,
): Promise<number> {
  return inRequestTransaction(em, async (client) => {
    const { rowCount } = await client.query(
      `update approvals.webhook_deliveries set state = 'pending', attempts = 0, next_attempt_at = now(),
              leased_until = null, lease_id = null, last_error = null
        where webhook_id = $1 and state = 'dead' and ($2::bigint[] is null or seq = any($2::bigint[]))`,
      [webhookId, sequences],
    );
    if (rowCount) await client.query(`select pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
    return rowCount ?? 0;
  });
}

/** Sets the province's mode (its administrator, in its scope). */
export async function upsertSyncMode(
  em: EntityManager,
  province: string,
  mode: SyncMode,
  changedBy: string,
): Promise<void> {
  await em.execute(
    `insert into approvals.sync_provinces (province_code, mode, changed_at, changed_by) values (?, ?, now(), ?)
     on conflict (province_code) do update set mode = excluded.mode, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
    [province, mode, changedBy],
  );
}

/** A province's mode as intake reads it (none without a row). */
export async function syncModeOf(em: EntityManager, province: string): Promise<SyncMode> {
  const [row] = await em.execute<{ mode: string }[]>(
    `select mode from approvals.sync_provinces where province_code = ?`,
    [province],
  );
  return row && isSyncMode(row.mode) ? row.mode : 'none';
}

export type ConnectionStatusRecord = {
  provinceCode: string;
  provinceName: string;
  mode: SyncMode;
  modeChangedAt: Date | null;
  lastIntakeAt: Date | null;
  lastDeliveryAt: Date | null;
  lastFeedReadAt: Date | null;
  backlog: number;
  failingDeliveries: number;
  deadLetters: number;
  webhooks: number;
};

const date = (value: Date | string | null) => (value === null ? null : new Date(value));

/** The status of the provinces in force (those of `codes` when given), by `approvals.sync_statuses`. */
export async function findConnectionStatuses(
  em: EntityManager,
  codes: readonly string[] | null,
): Promise<ConnectionStatusRecord[]> {
  const rows = await em.execute<
    {
      province_code: string;
      province_name: string;
      mode: string;
      mode_changed_at: Date | null;
      last_intake_at: Date | null;
      last_delivery_at: Date | null;
      last_feed_read_at: Date | null;
      backlog: string;
      failing_deliveries: string;
      dead_letters: string;
      webhooks: string;
    }[]
  >(`select * from approvals.sync_statuses(?::text[])`, [codes ? arrayLiteral(codes) : null]);
  return rows.map((row) => ({
    provinceCode: row.province_code,
    provinceName: row.province_name,
    mode: isSyncMode(row.mode) ? row.mode : 'none',
    modeChangedAt: date(row.mode_changed_at),
    lastIntakeAt: date(row.last_intake_at),
    lastDeliveryAt: date(row.last_delivery_at),
    lastFeedReadAt: date(row.last_feed_read_at),
    backlog: Number(row.backlog),
    failingDeliveries: Number(row.failing_deliveries),
    deadLetters: Number(row.dead_letters),
    webhooks: Number(row.webhooks),
  }));
}
