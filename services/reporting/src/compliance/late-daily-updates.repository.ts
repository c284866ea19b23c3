import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DayRange } from './compliance-arguments.rules.ts';
import {
  complianceUnit,
  unitJsonSql,
  type ComplianceUnitRow,
  type ReportedUnit,
} from './compliance-unit.repository.ts';

export type DailyUpdateIssue = 'missing' | 'late';

export type LateDailyUpdateRow = {
  unit: ComplianceUnitRow;
  /** `yyyy-mm-dd` */
  date: string;
  status: DailyUpdateIssue;
  updates: number;
  lateUpdates: number;
  /** ISO 8601 (UTC); null when nothing was recorded. */
  firstRecordedAt: string | null;
  lastRecordedAt: string | null;
};

export type LateDailyUpdatesSummary = {
  /** Monday–Friday days of the range that are not public holidays. */
  workingDays: number;
  /** Communes with a list being paid on at least one of those days. */
  communesChecked: number;
  /** (commune, working day) pairs on which the commune had a list being paid. */
  communeDaysChecked: number;
  missingDays: number;
  lateDays: number;
};

/**
 * Every (commune, working day) of the range on which the commune under the unit's read paths had a list
 * of that day's month in state paying (moved to paying before the day ended and not closed before it
 * began: the day a list is closed still counts, as payments' `dailyUpdateStatus` counts it), and what it
 * recorded for the day (`payments.v_daily_updates`, filtered to the range before it is grouped):
 * MISSING when nothing, LATE when some update came after the day's 17:30 cut-off (payments marks each
 * update `late` as it is recorded). Working days: Monday to Friday, except `approvals.public_holidays`.
 * $1 read paths (ltree[]), $2 first day, $3 last day.
 */
const JUDGED_DAYS_SQL = `
  with days as (
    select d::date as day
      from generate_series($2::date::timestamp, $3::date::timestamp, interval '1 day') d
     where extract(isodow from d) < 6
       and not exists (select 1 from approvals.public_holidays h where h.day = d::date)
  ), lists as (
    select l.unit_id, l.month, l.paying_at, l.closed_at
      from payments.v_payment_lists l
      join registry.v_units u on u.id = l.unit_id
     where u.level = 'commune' and u.path <@ any($1::ltree[])
       and l.paying_at is not null
       and l.month between to_char($2::date, 'YYYY-MM') and to_char($3::date, 'YYYY-MM')
  ), checked as (
    select distinct l.unit_id, d.day
      from lists l
      join days d on to_char(d.day, 'YYYY-MM') = l.month
     where l.paying_at < ((d.day + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh')
       and (l.closed_at is null or l.closed_at >= (d.day::timestamp at time zone 'Asia/Ho_Chi_Minh'))
  ), recorded as (
    select v.unit_id, v.for_date, v.updates, v.late_updates, v.first_recorded_at, v.last_recorded_at
      from payments.v_daily_updates v
     where v.for_date between $2::date and $3::date
  ), judged as (
    select c.unit_id, c.day, coalesce(r.updates, 0)::int as updates, coalesce(r.late_updates, 0)::int as late_updates,
           r.first_recorded_at, r.last_recorded_at,
           case when coalesce(r.updates, 0) = 0 then 'missing' when r.late_updates > 0 then 'late' end as status
      from checked c
      left join recorded r on r.unit_id = c.unit_id and r.for_date = c.day
  )`;

const SUMMARY_SQL = `${JUDGED_DAYS_SQL}
  select (select count(*) from days)::int as "workingDays",
         count(distinct unit_id)::int as "communesChecked",
         count(*)::int as "communeDaysChecked",
         (count(*) filter (where status = 'missing'))::int as "missingDays",
         (count(*) filter (where status = 'late'))::int as "lateDays"
    from judged`;

const ROWS_SQL = `${JUDGED_DAYS_SQL}
  select ${unitJsonSql('u')} as unit, j.day::text as date, j.status, j.updates, j.late_updates,
         j.first_recorded_at, j.last_recorded_at
    from judged j
    join registry.v_units u on u.id = j.unit_id
   where j.status is not null
   order by u.code, u.valid_from nulls first, j.day`;

type RawRow = {
  unit: ComplianceUnitRow;
  date: string;
  status: DailyUpdateIssue;
  updates: number;
  late_updates: number;
  first_recorded_at: Date | string | null;
  last_recorded_at: Date | string | null;
};

const isoOf = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

const shape = (row: RawRow): LateDailyUpdateRow => ({
  unit: row.unit,
  date: row.date,
  status: row.status,
  updates: row.updates,
  lateUpdates: row.late_updates,
  firstRecordedAt: isoOf(row.first_recorded_at),
  lastRecordedAt: isoOf(row.last_recorded_at),
});

const parameters = (unit: ReportedUnit, range: DayRange) => [unit.scopePaths, range.fromDate, range.toDate];

/** The counts of the range: how many commune-days were checked, and how many were missing or late. */
export async function lateDailyUpdatesSummary(
  client: pg.ClientBase,
  unit: ReportedUnit,
  range: DayRange,
): Promise<{ unit: ComplianceUnitRow; summary: LateDailyUpdatesSummary }> {
  const { rows } = await client.query<LateDailyUpdatesSummary>(SUMMARY_SQL, parameters(unit, range));
  return { unit: await complianceUnit(client, unit.id), summary: rows[0]! };
}

/** One page of the missing and late commune-days, by unit code and day. */
export async function lateDailyUpdateRows(
  client: pg.ClientBase,
  unit: ReportedUnit,
  range: DayRange,
  page: { first: number; offset: number },
): Promise<LateDailyUpdateRow[]> {
  const { rows } = await client.query<RawRow>(`${ROWS_SQL} limit $4 offset $5`, [
    ...parameters(unit, range),
    page.first,
    page.offset,
  ]);
  return rows.map(shape);
}

/** Rows fetched per round trip when an export streams them. */
const CURSOR_BATCH = 1_000;

/**
 * All the missing and late commune-days, read with a cursor in the client's open transaction (an
 * export's), `CURSOR_BATCH` rows at a time, so that a province's quarter never sits in memory at once.
 */
export async function* streamLateDailyUpdateRows(
  client: pg.ClientBase,
  unit: ReportedUnit,
  range: DayRange,
  signal?: AbortSignal,
): AsyncGenerator<LateDailyUpdateRow> {
  const cursor = `late_daily_updates_${randomUUID().replaceAll('-', '')}`;
  await client.query(`declare ${cursor} no scroll cursor for ${ROWS_SQL}`, parameters(unit, range));
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { rows } = await client.query<RawRow>(`fetch ${CURSOR_BATCH} from ${cursor}`);
      for (const row of rows) yield shape(row);
      if (rows.length < CURSOR_BATCH) return;
    }
  } finally {
    await client.query(`close ${cursor}`).catch(() => undefined);
  }
}
