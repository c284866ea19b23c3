import { addMonths, currentMonth, inScopedTransaction, scopeSessionContext } from '@ansinh/common';
import type pg from 'pg';
import { ageBandSql } from './age-band.rules.ts';

const REPORTING = 'reporting';
/** `approvals.report_marks`: every unit (a standard level changed). */
const EVERY_UNIT = '00000000-0000-0000-0000-000000000000';
/** Months kept current: ten years back, and next month (its lists are made before the 25th). */
const MONTHS_KEPT = 120;
/** Partitions computed together in one transaction. */
const PARTITIONS_PER_BATCH = 400;
/** One refresher at a time (pg_advisory_lock key); the others wait and then find less to do. */
const REFRESH_LOCK = 4_130_001;
/**
 * The scope of the refresh's own bookkeeping (marks, stale partitions, the unit list): a path no unit has,
 * so that nothing scoped is read there.
 */
const NO_UNIT_SCOPE = 'statistics_refresh';

export type RefreshTotals = { partitions: number; batches: number };

type Partition = { unit_id: string; month: string };

/**
 * Moves the owners' marks (payments: unit and month of every line written; approvals: unit and first
 * month changed; registry: persons whose facts changed) into `reporting.stale_partitions`, in one short
 * transaction so that the owners' writers wait on their marks for no longer than that.
 */
async function collectMarks(client: pg.ClientBase, now: Date): Promise<void> {
  const lastMonth = addMonths(currentMonth(now), 1);
  const firstMonth = addMonths(lastMonth, -MONTHS_KEPT);
  const { rows: marked } = await client.query<{ person_id: string }>(
    'select person_id from registry.take_report_marks()',
  );
  const persons = marked.length > 0 ? marked.map((row) => row.person_id) : null;
  await client.query(
    `with unit_months as (
       select m.unit_id, m.month from payments.take_report_marks() m
       union select p.unit_id, p.month from payments.report_partitions_of_persons($4::uuid[]) p where $4 is not null
     ),
     unit_from as (
       select m.unit_id, m.from_month from approvals.take_report_marks() m
       union all select p.unit_id, p.from_month from approvals.report_partitions_of_persons($4::uuid[]) p where $4 is not null
     ),
     every_unit as (
       select c.unit_id, greatest(f.from_month, min(c.month)) as from_month
         from unit_from f, reporting.computed_partitions c
        where f.unit_id = $3::uuid and c.month >= f.from_month
        group by c.unit_id, f.from_month
     ),
     expanded as (
       select f.unit_id, to_char(m, 'YYYY-MM') as month
         from (select * from unit_from where unit_id <> $3::uuid union all select * from every_unit) f,
              generate_series(to_date(greatest(f.from_month, $1), 'YYYY-MM'), to_date($2, 'YYYY-MM'), interval '1 month') m
     )
     insert into reporting.stale_partitions (unit_id, month)
     select unit_id, month from unit_months where month between $1 and $2
     union select unit_id, month from expanded
     on conflict do nothing`,
    [firstMonth, lastMonth, EVERY_UNIT, persons],
  );
}

/** The facts of a person that figures are broken down by, with `x.person_id` and the month `x.month`. */
const PERSON_DIMENSIONS = `coalesce(f.gender, 'unknown') as gender, coalesce(f.ethnicity_code, '') as ethnicity_code,
  ${ageBandSql('x.month')} as age_band`;

/**
 * Computes the cells of the given partitions again, in the current transaction (scoped to the unit
 * that holds them all): removes theirs, writes the ledger's and the payment lines', and clears their marks.
 */
async function computePartitions(client: pg.ClientBase, partitions: readonly Partition[]): Promise<void> {
  const units = partitions.map((p) => p.unit_id);
  const months = partitions.map((p) => p.month);
  const parts = 'unnest($1::uuid[], $2::text[]) p(unit_id, month)';
  for (const table of ['beneficiary_cells', 'payment_cells'])
    await client.query(
      `delete from reporting.${table} c using ${parts} where c.unit_id = p.unit_id and c.month = p.month`,
      [units, months],
    );

  const byMonth = new Map<string, string[]>();
  for (const { unit_id, month } of partitions) byMonth.set(month, [...(byMonth.get(month) ?? []), unit_id]);
  for (const [month, unitIds] of byMonth)
    await client.query(
      `insert into reporting.beneficiary_cells (unit_id, month, program_id, category_id, confidential, gender,
         ethnicity_code, age_band, beneficiaries, entitlements, amount_due, increases, decreases)
       with due as (
         select d.*, row_number() over (partition by d.person_id order by d.amount desc, d.entitlement_id) = 1 as counts_person
           from approvals.entitlements_due($1::uuid[], $2) d
          where d.category_id in (select id from approvals.categories where payment = 'monthly')
       ), x as (
         select unit_id, $2::text as month, program_id, category_id, confidential, person_id,
                counts_person::int as beneficiaries, 1 as entitlements, amount as amount_due, 0 as increases, 0 as decreases
           from due
         union all
         select c.unit_id, $2::text, k.program_id, k.id, k.confidential, c.person_id, 0, 0, 0,
                (c.direction = 'increase')::int, (c.direction = 'decrease')::int
           from approvals.v_entitlement_changes c join approvals.categories k on k.id = c.category_id
          where c.month = $2 and c.unit_id = any($1::uuid[]) and c.direction in ('increase', 'decrease')
       )
       select x.unit_id, x.month, x.program_id, x.category_id, x.confidential, ${PERSON_DIMENSIONS},
              sum(beneficiaries), sum(entitlements), sum(amount_due), sum(increases), sum(decreases)
         from x left join registry.v_person_facts f on f.person_id = x.person_id
        group by 1, 2, 3, 4, 5, 6, 7, 8`,
      [unitIds, month],
    );

  await client.query(
    `insert into reporting.payment_cells (unit_id, month, program_id, category_id, confidential, gender,
       ethnicity_code, age_band, channel, status, lines, persons, planned, paid, unpaid, paid_late)
     with x as materialized (
       select l.unit_id, l.month, l.person_id, l.entitlement_id, l.channel, l.status, l.total, l.late,
              row_number() over (partition by l.person_id, l.month order by l.total desc, l.line_id) = 1 as counts_person
         from payments.lines_for_reports($1::uuid[], $2::text[]) l
     )
     select x.unit_id, x.month, k.program_id, k.category_id, k.confidential, ${PERSON_DIMENSIONS}, x.channel, x.status,
            count(*), count(*) filter (where x.counts_person), sum(x.total),
            coalesce(sum(x.total) filter (where x.status = 'paid'), 0),
            coalesce(sum(x.total) filter (where x.status <> 'paid'), 0),
            count(*) filter (where x.status = 'paid' and x.late)
       from x
       join approvals.categories_of_entitlements(array(select distinct entitlement_id from x)) k on k.entitlement_id = x.entitlement_id
       left join registry.v_person_facts f on f.person_id = x.person_id
      group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`,
    [units, months],
  );
  await client.query(
    `delete from reporting.stale_partitions s using ${parts} where s.unit_id = p.unit_id and s.month = p.month`,
    [units, months],
  );
  await client.query(
    `insert into reporting.computed_partitions (unit_id, month) select unit_id, month from ${parts}
     on conflict (unit_id, month) do update set computed_at = now()`,
    [units, months],
  );
}

/**
 * Brings the statistics' cells up to date with the owners' data: takes the owners' marks, then computes
 * every stale partition again, a batch at a time, each batch in one transaction in the scope of the
 * top-level unit (province version) that holds its units, reading confidential categories (the cells keep
 * them; a reader without the right never gets them). Serialised by an advisory lock on a connection of
 * its own, so that a reader that refreshes before reading waits for a refresh in progress and sees its
 * result. Cheap when nothing changed: three marks functions and one lookup.
 */
export async function refreshStatistics(
  pool: pg.Pool,
  options: { now?: Date; signal?: AbortSignal; onBatch?: (totals: RefreshTotals) => void } = {},
): Promise<RefreshTotals> {
  const totals: RefreshTotals = { partitions: 0, batches: 0 };
  const lockHolder = await pool.connect();
  let broken = false;
  try {
    await lockHolder.query('select pg_advisory_lock($1)', [REFRESH_LOCK]);
    const unscopedSession = scopeSessionContext(REPORTING, NO_UNIT_SCOPE);
    await inScopedTransaction(pool, unscopedSession, (client) =>
      collectMarks(client, options.now ?? new Date()),
    );
    const tops = await inScopedTransaction(pool, unscopedSession, async (client) => {
      // Marks of units that no longer exist in the register: nothing to compute.
      await client.query(
        `delete from reporting.stale_partitions s where not exists (select 1 from registry.v_units u where u.id = s.unit_id)`,
      );
      const { rows } = await client.query<{ top: string }>(
        `select distinct subpath(u.path, 0, 1)::text as top
           from reporting.stale_partitions s join registry.v_units u on u.id = s.unit_id order by 1`,
      );
      return rows;
    });
    for (const { top } of tops) {
      for (;;) {
        options.signal?.throwIfAborted();
        const done = await inScopedTransaction(
          pool,
          scopeSessionContext(REPORTING, top, undefined, { readConfidential: true }),
          async (client) => {
            const { rows: batch } = await client.query<Partition>(
              `select s.unit_id, s.month from reporting.stale_partitions s join registry.v_units u on u.id = s.unit_id
                where u.path <@ $1::ltree order by s.month, s.unit_id limit $2 for update of s`,
              [top, PARTITIONS_PER_BATCH],
            );
            if (batch.length > 0) await computePartitions(client, batch);
            return batch.length;
          },
          { signal: options.signal },
        );
        if (done === 0) break;
        totals.partitions += done;
        totals.batches += 1;
        options.onBatch?.(totals);
      }
    }
    return totals;
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    await lockHolder.query('select pg_advisory_unlock($1)', [REFRESH_LOCK]).catch(() => (broken = true));
    lockHolder.release(broken);
  }
}
