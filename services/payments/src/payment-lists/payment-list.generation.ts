import type pg from 'pg';
import { addMonths } from '@ansinh/common';

/**
 * Building payment lists, set-based: one sequence of statements for any number of communes' lists of
 * one month (a commune's, or every commune of a province at once), over the approvals' published
 * contract (`approvals.payable_entitlements`, `approvals.entitlements_terms`, `approvals.policy_conflicts_among`)
 * and the registry's (`v_payment_accounts`, `v_open_duplicate_warnings`).
 *
 * What a line holds (domain guide §3, §5): the month's amount; arrears (truy lĩnh) for every earlier
 * month since the start that no line covers; the months that unpaid lines of closed lists released
 * (carried over); one-offs due (funeral support); minus what is to be recovered (thu hồi) from months
 * paid after a stop. Each month a line covers is a `line_months` row: the unique index over the
 * months still covered is the rule that no month of an entitlement's lineage is paid twice.
 *
 * Regenerating a draft computes the lines it should have and changes only what differs (same line ids,
 * no history when nothing changed): running it twice changes nothing.
 */

export type GenerationTotals = {
  lists: number;
  lines: number;
  held: number;
  amount: number;
  recoveries: number;
};

/** Temporary tables of one run, dropped at its end (a job may run several in one transaction). */
const TEMP_TABLES = [
  'gen_lists',
  'gen_ents',
  'gen_months',
  'gen_cover',
  'gen_lines',
  'gen_owed',
  'gen_holds',
];

/** SQL: the number of a month (`YYYY-MM`), to count months between two. */
const monthNumber = (month: string) => `(substr(${month}, 1, 4)::int * 12 + substr(${month}, 6, 2)::int)`;

/** Why a line is held (not paid) until an official decides; shown on the line. */
export const HOLD_REASONS = {
  conflict: 'Vướng quy tắc một người chỉ hưởng một chính sách (trùng với quyết định khác chưa xử lý)',
  duplicate: 'Có cảnh báo trùng hồ sơ đối tượng chưa xử lý',
} as const;

/** The recovery reason written on a month paid after a stop. */
const RECOVERY_REASON = 'Đã chi sau thời điểm thôi hưởng';

async function run(client: pg.ClientBase, text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  return client.query(text, params);
}

/**
 * Recomputes the one-policy and duplicate holds of lists' pending and held lines: a line is held, with
 * its reason, while its entitlement is in a live one-policy conflict that no decision overrode, or its
 * person has an open duplicate warning; released otherwise. For drafts (generation and approval).
 */
export async function refreshHolds(client: pg.ClientBase, listIds: readonly string[]): Promise<void> {
  await run(client, 'drop table if exists gen_holds');
  await run(
    client,
    `create temp table gen_holds as
       with lines as (
         select l.id, l.person_id, l.entitlement_id, l.hold_reason from payments.payment_lines l
          where l.list_id = any($1::uuid[]) and l.status in ('pending', 'held')
       ), live as materialized (
         select x.entitlement_id, x.other_entitlement_id
           from approvals.policy_conflicts_among(array(select distinct person_id from lines)) x where not x.overridden
       ), conflicts as (
         select entitlement_id from live union select other_entitlement_id from live
       ), duplicates as (
         select distinct w.person_id from registry.v_open_duplicate_warnings w where w.person_id in (select person_id from lines)
       )
       select id, reason from (
         select l.id, l.hold_reason,
                nullif(concat_ws('; ',
                  case when l.entitlement_id in (select entitlement_id from conflicts) then $2::text end,
                  case when l.person_id in (select person_id from duplicates) then $3::text end), '') as reason
           from lines l
       ) held where hold_reason is distinct from reason`,
    [listIds, HOLD_REASONS.conflict, HOLD_REASONS.duplicate],
  );
  await run(
    client,
    `update payments.payment_lines l
        set status = case when h.reason is null then 'pending' else 'held' end, hold_reason = h.reason, version = l.version + 1
       from gen_holds h
      where h.id = l.id`,
  );
  await run(client, 'drop table gen_holds');
}

/** Stores the control totals of lists, as their lines are now. */
export async function storeControlTotals(client: pg.ClientBase, listIds: readonly string[]): Promise<void> {
  await run(
    client,
    `update payments.payment_lists p
        set line_count = t.line_count, person_count = t.person_count, total_amount = t.total_amount,
            held_count = t.held_count, held_amount = t.held_amount, channel_totals = t.channel_totals
       from payments.control_totals($1::uuid[]) t
      where t.list_id = p.id
        and (p.line_count, p.person_count, p.total_amount, p.held_count, p.held_amount, p.channel_totals)
            is distinct from (t.line_count, t.person_count, t.total_amount, t.held_count, t.held_amount, t.channel_totals)`,
    [listIds],
  );
}

/**
 * Closes lists being paid (the caller has checked their state and control totals): lines still pending
 * become unpaid (chưa nhận), and every line not paid (unpaid, unreachable, returned, held) releases
 * its months, which the next list carries over.
 */
export async function closeLists(
  client: pg.ClientBase,
  listIds: readonly string[],
  closedBy: { id: string; name: string },
  closedAt: Date = new Date(),
): Promise<void> {
  await run(
    client,
    `update payments.payment_lines set status = 'unpaid', version = version + 1 where list_id = any($1::uuid[]) and status = 'pending'`,
    [listIds],
  );
  await run(
    client,
    `update payments.line_months c set released = true
       from payments.payment_lines l
      where l.list_id = any($1::uuid[]) and l.id = c.line_id and l.status <> 'paid' and not c.released`,
    [listIds],
  );
  await run(
    client,
    `update payments.payment_lists set state = 'closed', closed_at = $2, closed_by_id = $3, closed_by_name = $4 where id = any($1::uuid[])`,
    [listIds, closedAt, closedBy.id, closedBy.name],
  );
}

/**
 * Builds (or rebuilds) the given draft lists of `month`, in the caller's transaction and scope. The
 * caller has checked that the lists are drafts it may write, and locked them.
 */
export async function buildDraftLists(
  client: pg.ClientBase,
  input: { listIds: readonly string[]; month: string },
): Promise<GenerationTotals> {
  const { listIds, month } = input;
  const previous = addMonths(month, -1);
  for (const table of TEMP_TABLES) await run(client, `drop table if exists ${table}`);

  await run(
    client,
    `create temp table gen_lists as select id as list_id, unit_id from payments.payment_lists where id = any($1::uuid[])`,
    [listIds],
  );
  // What may have something due, with how many of its months before this one lines of other lists
  // cover and whether one covers this month. Both are subqueries of the select list, so that each is
  // an index lookup per entitlement whatever the statistics of line_months say (a join would be
  // planned from statistics taken before this month's lines existed, and compare every row).
  await run(
    client,
    `create temp table gen_ents as
       select g.list_id, e.entitlement_id, e.root_entitlement_id as root_id, e.person_id, e.unit_id, e.payment,
              e.start_month, least(coalesce(e.end_month, $2), $2) as last_month, e.end_month, e.ended_by,
              (select count(*) from payments.line_months c
                where c.entitlement_root_id = e.root_entitlement_id and not c.released
                  and c.month >= e.start_month and c.month <= least(coalesce(e.end_month, $3), $3)
                  and c.list_id <> all($1::uuid[])) as covered_before,
              exists (select 1 from payments.line_months c
                where c.entitlement_root_id = e.root_entitlement_id and c.month = $2 and not c.released
                  and c.list_id <> all($1::uuid[])) as taken_now
         from gen_lists g
         join approvals.payable_entitlements(array(select unit_id from gen_lists), $2) e on e.unit_id = g.unit_id`,
    [listIds, month, previous],
  );
  await run(client, 'analyze gen_ents');
  // The months to price: this month when every earlier one is covered (the usual case: one probe),
  // else every month from the start that no other list covers.
  await run(
    client,
    `create temp table gen_months as
       select e.list_id, e.entitlement_id, e.root_id, e.person_id, e.payment, $2::text as month
         from gen_ents e
        where e.last_month = $2 and not e.taken_now
          and e.covered_before >= ${monthNumber('least(e.last_month, $3)')} - ${monthNumber('e.start_month')} + 1
       union all
       select list_id, entitlement_id, root_id, person_id, payment, month from (
         select e.list_id, e.entitlement_id, e.root_id, e.person_id, e.payment, m.month,
                exists (select 1 from payments.line_months c where c.entitlement_root_id = e.root_id and c.month = m.month
                           and not c.released and c.list_id <> all($1::uuid[])) as taken
           from gen_ents e
           cross join lateral (
             select to_char(d, 'YYYY-MM') as month
               from generate_series(to_date(e.start_month, 'YYYY-MM'), to_date(e.last_month, 'YYYY-MM'), interval '1 month') d
           ) m
          where e.covered_before < ${monthNumber('least(e.last_month, $3)')} - ${monthNumber('e.start_month')} + 1
          offset 0
       ) gaps where not taken`,
    [listIds, month, previous],
  );
  await run(client, 'analyze gen_months');
  // Priced per month by the ledger (one call per month of the answer); a month with nothing due is no month of a line.
  await run(
    client,
    `create temp table gen_cover as
       select m.list_id, m.entitlement_id, m.root_id, m.person_id, m.month, t.amount,
              case when m.payment = 'one_off' then 'one_off'
                   when m.month = $1 then 'regular'
                   when exists (select 1 from payments.line_months r where r.entitlement_root_id = m.root_id and r.month = m.month and r.released)
                     then 'carried_over'
                   else 'arrears' end as kind
         from (select month, array_agg(entitlement_id) as ids from gen_months group by month) b
         cross join lateral approvals.entitlements_terms(b.ids, b.month) t
         join gen_months m on m.month = b.month and m.entitlement_id = t.entitlement_id
        where t.amount > 0`,
    [month],
  );
  await run(client, 'analyze gen_cover');
  // Months paid after a stop are owed back (recovered from what the person's family is paid next).
  const recovered = await run(
    client,
    `insert into payments.recoveries (person_id, entitlement_id, entitlement_root_id, unit_id, month, amount, paid_line_id, reason)
     select e.person_id, e.entitlement_id, e.root_id, e.unit_id, c.month, c.amount, c.line_id, $1
       from gen_ents e
       cross join lateral (
         select c.month, c.amount, c.line_id from payments.line_months c
          where c.entitlement_root_id = e.root_id and c.month > e.end_month and not c.released and c.amount > 0
            and exists (select 1 from payments.payment_lines paid where paid.id = c.line_id and paid.status = 'paid')
       ) c
      where e.ended_by = 'stop'
     on conflict (paid_line_id, month) do nothing`,
    [RECOVERY_REASON],
  );
  // From here joins are hash joins: the statistics of payment_lines and line_months predate these
  // lists' rows, and a nested loop planned from them is quadratic (every line against every line).
  await run(client, 'set local enable_nestloop = off');
  // The lines the lists should have, with their channel: a line's channel chosen with a reason stays,
  // else the person's default account's, else cash at the commune.
  await run(
    client,
    `create temp table gen_lines as
       with parts as (
         select c.list_id, c.entitlement_id, c.person_id,
                coalesce(sum(c.amount) filter (where c.kind = 'regular'), 0) as amount,
                coalesce(sum(c.amount) filter (where c.kind = 'arrears'), 0) as arrears,
                coalesce(sum(c.amount) filter (where c.kind = 'carried_over'), 0) as carried_over,
                coalesce(sum(c.amount) filter (where c.kind = 'one_off'), 0) as one_off
           from gen_cover c group by c.list_id, c.entitlement_id, c.person_id
       )
       select p.*, g.unit_id,
              coalesce(kept.channel, case a.kind when 'bank' then 'bank' when 'e_wallet' then 'e_wallet' when 'mobile_money' then 'mobile_money' end, 'cash') as channel,
              case when kept.channel is not null then kept.account_id else a.account_id end as account_id,
              0::bigint as recovery
         from parts p
         join gen_lists g on g.list_id = p.list_id
         left join payments.payment_lines kept on kept.list_id = p.list_id and kept.entitlement_id = p.entitlement_id and kept.channel_reason is not null
         left join registry.v_payment_accounts a on a.person_id = p.person_id and a.is_default`,
  );
  // What is owed back is taken from the person's largest line of these lists when it covers it whole
  // (recoveries are few: they are found first, and only their persons' lines are looked at).
  await run(client, 'drop table if exists gen_owed');
  await run(
    client,
    `create temp table gen_owed as
       select r.person_id, sum(r.amount) as amount from payments.recoveries r
        where r.person_id in (select person_id from gen_lines)
          and (r.deducted_line_id is null or (select x.list_id from payments.payment_lines x where x.id = r.deducted_line_id) = any($1::uuid[]))
        group by r.person_id`,
    [listIds],
  );
  await run(
    client,
    `with largest as (
       select distinct on (l.person_id) l.list_id, l.entitlement_id, l.person_id, l.amount + l.arrears + l.carried_over + l.one_off as gross
         from gen_lines l where l.person_id in (select person_id from gen_owed)
        order by l.person_id, gross desc, l.entitlement_id
     )
     update gen_lines l set recovery = o.amount
       from largest x join gen_owed o on o.person_id = x.person_id
      where l.list_id = x.list_id and l.entitlement_id = x.entitlement_id and o.amount <= x.gross`,
  );
  await run(client, 'analyze gen_lines');
  // Apply: remove lines no longer due, change what differs, add the new ones (with their codes); then
  // the months each line covers, likewise.
  await run(
    client,
    `delete from payments.payment_lines l where l.list_id = any($1::uuid[])
        and not exists (select 1 from gen_lines g where g.list_id = l.list_id and g.entitlement_id = l.entitlement_id)`,
    [listIds],
  );
  await run(
    client,
    `insert into payments.payment_lines as l (id, list_id, line_code, person_id, entitlement_id, unit_id, month, amount, arrears, carried_over, one_off, recovery, channel, account_id, status, created_at)
     select gen_random_uuid(), g.list_id, 'CT' || lpad(nextval('payments.line_code_seq')::text, 9, '0'), g.person_id, g.entitlement_id, g.unit_id, $1,
            g.amount, g.arrears, g.carried_over, g.one_off, g.recovery, g.channel, g.account_id, 'pending', now()
       from gen_lines g
      order by g.list_id, g.person_id, g.entitlement_id
     on conflict (list_id, entitlement_id) do update
        set amount = excluded.amount, arrears = excluded.arrears, carried_over = excluded.carried_over, one_off = excluded.one_off,
            recovery = excluded.recovery, channel = excluded.channel, account_id = excluded.account_id, version = l.version + 1
      where (l.amount, l.arrears, l.carried_over, l.one_off, l.recovery, l.channel, l.account_id)
            is distinct from (excluded.amount, excluded.arrears, excluded.carried_over, excluded.one_off, excluded.recovery, excluded.channel, excluded.account_id)`,
    [month],
  );
  await run(
    client,
    `delete from payments.line_months c where c.list_id = any($1::uuid[])
        and not exists (select 1 from gen_cover g where g.list_id = c.list_id and g.entitlement_id = c.entitlement_id and g.month = c.month)`,
    [listIds],
  );
  await run(
    client,
    `insert into payments.line_months as c (line_id, list_id, entitlement_root_id, entitlement_id, person_id, month, amount, kind)
     select l.id, g.list_id, g.root_id, g.entitlement_id, g.person_id, g.month, g.amount, g.kind
       from gen_cover g join payments.payment_lines l on l.list_id = g.list_id and l.entitlement_id = g.entitlement_id
      where l.list_id = any($1::uuid[])
     on conflict (line_id, month) do update set amount = excluded.amount, kind = excluded.kind
      where (c.amount, c.kind) is distinct from (excluded.amount, excluded.kind)`,
    [listIds],
  );
  // Which recoveries a line now takes: those of its person, when the line takes them (else they stay owed).
  await run(
    client,
    `update payments.recoveries r set deducted_line_id = null
       from payments.payment_lines l
      where l.id = r.deducted_line_id and l.list_id = any($1::uuid[]) and l.recovery = 0`,
    [listIds],
  );
  await run(
    client,
    `update payments.recoveries r set deducted_line_id = l.id
       from payments.payment_lines l
      where l.list_id = any($1::uuid[]) and l.recovery > 0 and r.person_id = l.person_id
        and (r.deducted_line_id is null or (select x.list_id from payments.payment_lines x where x.id = r.deducted_line_id) = any($1::uuid[]))
        and r.deducted_line_id is distinct from l.id`,
    [listIds],
  );

  await run(client, 'set local enable_nestloop = on');
  await refreshHolds(client, listIds);
  await storeControlTotals(client, listIds);
  const {
    rows: [totals],
  } = await run(
    client,
    `select count(*)::int as lists, coalesce(sum(line_count), 0)::int as lines, coalesce(sum(held_count), 0)::int as held,
            coalesce(sum(total_amount), 0)::bigint as amount
       from payments.payment_lists where id = any($1::uuid[])`,
    [listIds],
  );
  for (const table of TEMP_TABLES) await run(client, `drop table if exists ${table}`);
  return {
    lists: totals.lists,
    lines: totals.lines,
    held: totals.held,
    amount: Number(totals.amount),
    recoveries: recovered.rowCount ?? 0,
  };
}
