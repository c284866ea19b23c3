import type { PaymentListStateValue } from '../payment-lists/payment-list.entity.ts';
import { arrayLiteral } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ACCOUNT_CHANNELS, POST_PROVIDER, type DisbursementLine } from './disbursement-file.rules.ts';
import type { FoundLine, Match, Mismatch } from './reconciliation.rules.ts';

/**
 * SQL of disbursement files and reconciliation. Runs as the subgraph's role in the caller's scope:
 * row-level security and the registry's published views show only the caller's units and persons.
 */

/** A payment list with its unit, as the caller reads it. */
export type ListForWork = {
  id: string;
  unitId: string;
  unitCode: string;
  unitPath: string;
  /** Last day the unit was in force (YYYY-MM-DD); null while it is. */
  unitValidTo: string | null;
  month: string;
  state: PaymentListStateValue;
};

/** The list, or undefined when it does not exist or the caller does not read it; `forUpdate` locks it. */
export async function findList(
  em: EntityManager,
  listId: string,
  options: { forUpdate?: boolean } = {},
): Promise<ListForWork | undefined> {
  const [row] = await em.execute<ListForWork[]>(
    `select p.id, p.unit_id as "unitId", u.code as "unitCode", u.path::text as "unitPath",
            to_char(u.valid_to, 'YYYY-MM-DD') as "unitValidTo", p.month, p.state
       from payments.payment_lists p join registry.v_units u on u.id = p.unit_id
      where p.id = ?${options.forUpdate ? ' for update of p' : ''}`,
    [listId],
  );
  return row;
}

/**
 * The lines a provider's file carries: of the list, pending or not yet paid, not held, and paid
 * through the provider (the post: its channel; any other: an account of the provider, of the
 * channel's kind). `holder` is the account's holder, or for the post the person's full name.
 */
function exportLines(listId: string, provider: string): { sql: string; params: unknown[] } {
  const payable = `l.list_id = ? and l.status in ('pending', 'unpaid') and l.hold_reason is null`;
  if (provider === POST_PROVIDER)
    return {
      sql: `select l.line_code as "lineCode", null as account, coalesce(n.full_name, '') as holder, l.total::text as amount
              from payments.payment_lines l
              left join registry.v_person_names n on n.person_id = l.person_id
             where ${payable} and l.channel = 'post'`,
      params: [listId],
    };
  return {
    sql: `select l.line_code as "lineCode", a.account_number as account, a.holder_name as holder, l.total::text as amount
            from payments.payment_lines l
            join registry.v_payment_accounts a on a.account_id = l.account_id and a.kind = l.channel
           where ${payable} and l.channel in (${ACCOUNT_CHANNELS.map((channel) => `'${channel}'`).join(', ')})
             and a.provider_code = ?`,
    params: [listId, provider],
  };
}

/** How many lines a provider's file of the list has, counted up to `limit` + 1. */
export async function countExportLines(
  em: EntityManager,
  listId: string,
  provider: string,
  limit: number,
): Promise<number> {
  const { sql, params } = exportLines(listId, provider);
  const [row] = await em.execute<{ count: number }[]>(
    `select count(*)::int as count from (${sql} limit ?) lines`,
    [...params, limit + 1],
  );
  return row?.count ?? 0;
}

/** The next page of a provider's file, after `afterCode` in line-code order (byte order, stable). */
export async function exportLinesAfter(
  em: EntityManager,
  listId: string,
  provider: string,
  afterCode: string,
  limit: number,
): Promise<DisbursementLine[]> {
  const { sql, params } = exportLines(listId, provider);
  const rows = await em.execute<
    { lineCode: string; account: string | null; holder: string; amount: string }[]
  >(`${sql} and l.line_code collate "C" > ? order by l.line_code collate "C" limit ?`, [
    ...params,
    afterCode,
    limit,
  ]);
  return rows.map((row) => ({ ...row, amount: Number(row.amount) }));
}

/**
 * The lines with these codes that the caller reads, wherever they are (another month, another
 * commune), with their account as published; those of `listId` locked for the update.
 */
export async function findLinesByCode(
  em: EntityManager,
  listId: string,
  codes: readonly string[],
): Promise<Map<string, FoundLine>> {
  if (codes.length === 0) return new Map();
  // Locked first, in one order, so that two imports of one list wait for each other rather than deadlock.
  await em.execute(
    `select l.id from payments.payment_lines l
      where l.list_id = ? and l.line_code = any(?::text[]) order by l.id for update`,
    [listId, arrayLiteral(codes)],
  );
  const rows = await em.execute<(Omit<FoundLine, 'total'> & { total: string })[]>(
    `select l.id, l.line_code as "lineCode", l.list_id as "listId", u.code as "unitCode", l.month, l.status,
            l.total::text as total, l.channel, a.kind as "accountKind", a.provider_code as "providerCode",
            to_char(l.paid_on, 'YYYY-MM-DD') as "paidOn"
       from payments.payment_lines l
       join registry.v_units u on u.id = l.unit_id
       left join registry.v_payment_accounts a on a.account_id = l.account_id
      where l.line_code = any(?::text[])`,
    [arrayLiteral(codes)],
  );
  return new Map(rows.map((row) => [row.lineCode, { ...row, total: Number(row.total) }]));
}

/** approved → paying, at the first result recorded. */
export async function markPaying(em: EntityManager, listId: string): Promise<void> {
  await em.execute(
    `update payments.payment_lists set state = 'paying', paying_at = now() where id = ? and state = 'approved'`,
    [listId],
  );
}

export type Recorder = { id: string; name: string };

/** Local date (YYYY-MM-DD in Vietnam) of a time, in SQL. */
const VIETNAM_DATE_OF = (column: string) => `(${column} at time zone 'Asia/Ho_Chi_Minh')::date`;

/**
 * Applies the matched rows in set-based statements: paid rows make their line paid (at the
 * provider's time, reference = the provider's, received by the person), failed rows make it
 * returned with the provider's reason; each line's version goes up; each update is recorded in
 * `payment_updates` (source `result-file`, never late). Only lines still pending or not yet paid
 * change: the count changed is returned for the caller to check.
 */
export async function applyMatches(
  em: EntityManager,
  listId: string,
  matches: { paid: readonly Match[]; failed: readonly Match[] },
  recorder: Recorder,
): Promise<number> {
  const rows = [
    ...matches.paid.map(({ lineId, result }) => ({
      id: lineId,
      status: 'paid',
      paid_at: result.paidAt!.toISOString(),
      reference: result.providerReference,
      note: result.reason,
    })),
    ...matches.failed.map(({ lineId, result }) => ({
      id: lineId,
      status: 'returned',
      paid_at: result.paidAt?.toISOString() ?? null,
      reference: result.providerReference,
      note: result.reason ?? 'Đơn vị chi trả báo chi không thành công (không ghi lý do).',
    })),
  ];
  if (rows.length === 0) return 0;
  const results = `jsonb_to_recordset(?::jsonb) as r(id uuid, status text, paid_at timestamptz, reference text, note text)`;
  const changed = await em.execute<{ id: string }[]>(
    `update payments.payment_lines l
        set status = r.status,
            paid_at = case when r.status = 'paid' then r.paid_at else l.paid_at end,
            paid_on = case when r.status = 'paid' then ${VIETNAM_DATE_OF('r.paid_at')} else l.paid_on end,
            receiver = case when r.status = 'paid' then 'person' else l.receiver end,
            reference = case when r.status = 'paid' then r.reference else l.reference end,
            status_note = case when r.status = 'returned' then r.note else l.status_note end,
            late = false,
            version = l.version + 1,
            updated_at = now(), updated_by_id = ?, updated_by_name = ?
       from ${results}
      where l.id = r.id and l.list_id = ? and l.status in ('pending', 'unpaid')
      returning l.id`,
    [recorder.id, recorder.name, JSON.stringify(rows), listId],
  );
  await em.execute(
    `insert into payments.payment_updates
       (line_id, list_id, unit_id, for_date, status, paid_at, receiver, reference, note, source, late, recorded_by_id, recorded_by_name)
     select l.id, l.list_id, l.unit_id, coalesce(${VIETNAM_DATE_OF('r.paid_at')}, ${VIETNAM_DATE_OF('now()')}), r.status, r.paid_at,
            case when r.status = 'paid' then 'person' end, r.reference, r.note, 'result-file', false, ?, ?
       from ${results} join payments.payment_lines l on l.id = r.id`,
    [recorder.id, recorder.name, JSON.stringify(rows)],
  );
  return changed.length;
}

export type ReconciliationRow = {
  id: string;
  listId: string;
  provider: string;
  fileId: string | null;
  fileName: string | null;
  rows: number;
  matchedPaid: number;
  matchedFailed: number;
  mismatches: Mismatch[];
  recordedAt: string;
  recordedBy: string;
};

const RECONCILIATION_COLUMNS = `id, list_id as "listId", provider, file_id as "fileId", file_name as "fileName", rows,
  matched_paid as "matchedPaid", matched_failed as "matchedFailed", mismatches,
  to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "recordedAt", recorded_by_name as "recordedBy"`;

export async function insertReconciliation(
  em: EntityManager,
  record: Omit<ReconciliationRow, 'id' | 'recordedAt' | 'recordedBy'> & {
    unitId: string;
    recorder: Recorder;
  },
): Promise<ReconciliationRow> {
  const [row] = await em.execute<ReconciliationRow[]>(
    `insert into payments.reconciliations
       (list_id, unit_id, provider, file_id, file_name, rows, matched_paid, matched_failed, mismatches, recorded_by_id, recorded_by_name)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
     returning ${RECONCILIATION_COLUMNS}`,
    [
      record.listId,
      record.unitId,
      record.provider,
      record.fileId,
      record.fileName,
      record.rows,
      record.matchedPaid,
      record.matchedFailed,
      JSON.stringify(record.mismatches),
      record.recorder.id,
      record.recorder.name,
    ],
  );
  return row!;
}

/** The reconciliations of a list the caller reads, newest first. */
export async function findReconciliations(em: EntityManager, listId: string): Promise<ReconciliationRow[]> {
  return em.execute<ReconciliationRow[]>(
    `select ${RECONCILIATION_COLUMNS} from payments.reconciliations where list_id = ? order by recorded_at desc, id`,
    [listId],
  );
}
