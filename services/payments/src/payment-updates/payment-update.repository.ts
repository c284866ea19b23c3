import type { PaymentListStateValue } from '../payment-lists/payment-list.entity.ts';
import { arrayLiteral, unitWritableSql } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CheckedUpdate, Day, LineFacts } from './payment-update.rules.ts';

/**
 * A PostgreSQL array literal of values that may be null (`{"a",NULL}`), for a parameter cast to an
 * array type and unnested: MikroORM would expand a JavaScript array into a list of values.
 */
export function nullableArrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  return `{${values
    .map((value) => {
      if (value === null) return 'NULL';
      if (typeof value === 'boolean') return value ? 't' : 'f';
      return `"${String(value).replace(/(["\\])/g, '\\$1')}"`;
    })
    .join(',')}}`;
}

/** A timestamptz as raw SQL answers it (the driver may give a string, with the session's offset) in ISO 8601, UTC. */
const isoOf = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

type LineFactsRow = {
  id: string;
  month: string | null;
  list_state: PaymentListStateValue | null;
  status: string;
  hold_reason: string | null;
  version: number;
  paid_at: Date | string | null;
  updated_at: Date | string | null;
  updated_by_name: string | null;
  unit_code: string | null;
  writable: boolean;
};

/**
 * The lines named, that the caller reads, locked for the update (in id order, so that two bulk updates
 * sharing lines cannot deadlock), with their list's month and state (null when the caller does not
 * read the list) and whether the caller may change them (row-level security's own rule).
 */
export async function lockLines(
  em: EntityManager,
  lineIds: readonly string[],
): Promise<Map<string, LineFacts>> {
  const rows = await em.execute<LineFactsRow[]>(
    `select l.id, p.month, p.state as list_state, l.status, l.hold_reason, l.version, l.paid_at, l.updated_at,
            l.updated_by_name, u.code as unit_code, ${unitWritableSql('l.unit_id')} as writable
       from payments.payment_lines l
       left join payments.payment_lists p on p.id = l.list_id
       left join registry.v_units u on u.id = l.unit_id
      where l.id = any(?::uuid[])
      order by l.id
        for update of l`,
    [arrayLiteral(lineIds)],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        month: row.month,
        listState: row.list_state,
        status: row.status,
        holdReason: row.hold_reason,
        version: row.version,
        paidAt: isoOf(row.paid_at),
        updatedAt: isoOf(row.updated_at),
        updatedBy: row.updated_by_name,
        unitCode: row.unit_code,
        writable: row.writable,
      },
    ]),
  );
}

/** The first update of an approved list moves it to paying (chi trả). */
export async function startPaying(em: EntityManager, lineIds: readonly string[], now: Date): Promise<void> {
  await em.execute(
    `update payments.payment_lists set state = 'paying', paying_at = ?
      where state = 'approved' and id in (select list_id from payments.payment_lines where id = any(?::uuid[]))`,
    [now, arrayLiteral(lineIds)],
  );
}

export type Recorder = { id: string; name: string };

/**
 * Applies the updates in one statement: each line's new state (version + 1) and one
 * `payment_updates` row per line, from arrays unnested, whatever their number. Answers how many lines
 * changed (each only when still at its expected version).
 */
export async function applyUpdates(
  em: EntityManager,
  updates: readonly CheckedUpdate[],
  recorder: Recorder,
  now: Date,
): Promise<number> {
  const column = <T extends string | number | boolean | null>(value: (update: CheckedUpdate) => T) =>
    nullableArrayLiteral(updates.map(value));
  const [row] = await em.execute<{ changed: number }[]>(
    `with i as (
       select * from unnest(?::uuid[], ?::int[], ?::text[], ?::date[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[])
         as t(line_id, expected_version, status, for_date, paid_at, receiver, receiver_name, reference, note, late)
     ), changed as (
       update payments.payment_lines l
          set status = i.status,
              paid_on = case when i.status = 'paid' then i.for_date end,
              paid_at = i.paid_at,
              receiver = i.receiver,
              receiver_name = i.receiver_name,
              reference = i.reference,
              status_note = i.note,
              late = i.late,
              version = l.version + 1,
              updated_at = ?::timestamptz,
              updated_by_id = ?,
              updated_by_name = ?
         from i
        where l.id = i.line_id and l.version = i.expected_version
       returning l.id, l.list_id, l.unit_id
     ), recorded as (
       insert into payments.payment_updates
         (line_id, list_id, unit_id, for_date, status, paid_at, receiver, receiver_name, reference, note, source, late, recorded_at, recorded_by_id, recorded_by_name)
       select i.line_id, c.list_id, c.unit_id, i.for_date, i.status, i.paid_at, i.receiver, i.receiver_name, i.reference, i.note,
              'officer', i.late, ?::timestamptz, ?, ?
         from i join changed c on c.id = i.line_id
       returning 1
     )
     select count(*)::int as changed from recorded`,
    [
      column((update) => update.lineId),
      column((update) => update.expectedVersion),
      column((update) => update.status),
      column((update) => update.forDate),
      column((update) => update.paidAt?.toISOString() ?? null),
      column((update) => update.receiver),
      column((update) => update.receiverName),
      column((update) => update.reference),
      column((update) => update.note),
      column((update) => update.late),
      now,
      recorder.id,
      recorder.name,
      now,
      recorder.id,
      recorder.name,
    ],
  );
  return row!.changed;
}

/** What a retried mutation answers again: the lines it changed and how many were late. */
export type StoredAnswer = { lineIds: string[]; late: number };

/**
 * The stored request of the caller's idempotency key, after waiting for any request holding the same
 * key (a transaction-scoped advisory lock): two retries sent at once apply once.
 */
export async function claimIdempotencyKey(
  em: EntityManager,
  actorId: string,
  key: string,
): Promise<{ operation: string; requestHash: string; answer: StoredAnswer } | undefined> {
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [
    `payments.idempotency:${actorId}:${key}`,
  ]);
  const [row] = await em.execute<{ operation: string; request_hash: string; answer: StoredAnswer }[]>(
    `select operation, request_hash, answer from payments.idempotency_keys where actor_id = ? and key = ?`,
    [actorId, key],
  );
  return row && { operation: row.operation, requestHash: row.request_hash, answer: row.answer };
}

export async function storeIdempotencyKey(
  em: EntityManager,
  entry: { actorId: string; key: string; operation: string; requestHash: string; answer: StoredAnswer },
): Promise<void> {
  await em.execute(
    `insert into payments.idempotency_keys (actor_id, key, operation, request_hash, answer) values (?, ?, ?, ?, ?::jsonb)`,
    [entry.actorId, entry.key, entry.operation, entry.requestHash, JSON.stringify(entry.answer)],
  );
}

export type DailyListRow = {
  unitId: string;
  unitCode: string;
  listId: string;
  month: string;
  updates: number;
  lateUpdates: number;
  firstRecordedAt: string | null;
  lastRecordedAt: string | null;
};

/**
 * For each commune under `paths` in force on `day` with a list being paid (approved or paying, or
 * closed after the day began), that list's updates for the day (any source), from
 * `payments.payment_updates` under row-level security.
 */
export async function findDailyUpdates(
  em: EntityManager,
  paths: readonly string[],
  day: Day,
  dayStart: Date,
): Promise<DailyListRow[]> {
  const rows = await em.execute<
    {
      unit_id: string;
      unit_code: string;
      list_id: string;
      month: string;
      updates: number;
      late_updates: number;
      first_recorded_at: Date | string | null;
      last_recorded_at: Date | string | null;
    }[]
  >(
    `with lists as (
       select p.id as list_id, p.unit_id, u.code as unit_code, p.month
         from payments.payment_lists p
         join registry.v_units u on u.id = p.unit_id
        where u.path <@ any(?::ltree[]) and u.level = 'commune'
          and (u.valid_from is null or u.valid_from <= ?::date) and (u.valid_to is null or u.valid_to >= ?::date)
          and (p.state in ('approved', 'paying') or (p.state = 'closed' and p.closed_at >= ?::timestamptz))
     ), day_updates as (
       select d.list_id, count(*)::int as updates, (count(*) filter (where d.late))::int as late_updates,
              min(d.recorded_at) as first_recorded_at, max(d.recorded_at) as last_recorded_at
         from payments.payment_updates d
        where d.for_date = ?::date and d.list_id in (select list_id from lists)
        group by d.list_id
     )
     select s.unit_id, s.unit_code, s.list_id, s.month, coalesce(d.updates, 0) as updates,
            coalesce(d.late_updates, 0) as late_updates, d.first_recorded_at, d.last_recorded_at
       from lists s left join day_updates d on d.list_id = s.list_id
      order by s.unit_code, s.month, s.list_id`,
    [arrayLiteral(paths), day, day, dayStart, day],
  );
  return rows.map((row) => ({
    unitId: row.unit_id,
    unitCode: row.unit_code,
    listId: row.list_id,
    month: row.month,
    updates: row.updates,
    lateUpdates: row.late_updates,
    firstRecordedAt: isoOf(row.first_recorded_at),
    lastRecordedAt: isoOf(row.last_recorded_at),
  }));
}
