import type pg from 'pg';
import type { MonthRange } from './compliance-arguments.rules.ts';
import {
  complianceUnit,
  unitJsonSql,
  type ComplianceUnitRow,
  type ReportedUnit,
} from './compliance-unit.repository.ts';
import { renderMissingMonths } from './missing-months.rules.ts';

/** The states in which a month's payment list counts as made (approved, being paid, or paid and closed). */
export const MADE_LIST_STATES = ['approved', 'paying', 'closed'] as const;

export type ProvinceRow = { code: string; name: string; fullName: string };

export type MissingPaymentListRow = {
  province: ProvinceRow;
  unit: ComplianceUnitRow;
  /** `YYYY-MM`, oldest first. */
  missingMonths: string[];
  /** As the ministry writes them (renderMissingMonths). */
  rendered: string;
};

export type MissingPaymentLists = {
  unit: ComplianceUnitRow;
  range: MonthRange;
  /** Paying units in force in at least one month of the range. */
  unitsChecked: number;
  /** Those with at least one month without a list, by province and unit code (an old version first). */
  rows: MissingPaymentListRow[];
};

/**
 * Each commune (the paying unit) under the unit's read paths, for each month of the range in which it
 * was in force (on the month's first day: the old communes until 6/2025, the current ones from 7/2025,
 * whatever their codes), whether it has a list of that month in a made state (`payments.v_payment_lists`,
 * scoped to the caller by the database as well). One statement; the months missing, oldest first.
 */
const MISSING_MONTHS_SQL = `
  with months as (
    select to_char(m, 'YYYY-MM') as month, m::date as first_day
      from generate_series(($2::text || '-01')::timestamp, ($3::text || '-01')::timestamp, interval '1 month') m
  ), communes as materialized (
    select u.id, u.code, u.name, u.full_name, u.level, u.path, u.valid_from, u.valid_to
      from registry.v_units u
     where u.level = 'commune' and u.path <@ any($1::ltree[])
  ), due as (
    select c.id as unit_id, m.month
      from communes c
      join months m on (c.valid_from is null or c.valid_from <= m.first_day)
                   and (c.valid_to is null or c.valid_to >= m.first_day)
  ), missing as (
    select d.unit_id,
           coalesce(array_agg(d.month order by d.month) filter (where l.list_id is null), '{}') as months
      from due d
      left join payments.v_payment_lists l
             on l.unit_id = d.unit_id and l.month = d.month and l.state = any($4::text[])
     group by d.unit_id
  )
  select ${unitJsonSql('c')} as unit,
         json_build_object('code', p.code, 'name', p.name, 'fullName', p.full_name) as province,
         m.months
    from missing m
    join communes c on c.id = m.unit_id
    left join registry.v_units p on p.path = subpath(c.path, 0, 1)
   order by p.code, c.code, c.valid_from nulls first`;

/** The missing payment lists of the communes under `unit` over `range` (GraphQL and export alike). */
export async function missingPaymentLists(
  client: pg.ClientBase,
  unit: ReportedUnit,
  range: MonthRange,
): Promise<MissingPaymentLists> {
  const { rows } = await client.query<{ unit: ComplianceUnitRow; province: ProvinceRow; months: string[] }>(
    MISSING_MONTHS_SQL,
    [unit.scopePaths, range.fromMonth, range.toMonth, [...MADE_LIST_STATES]],
  );
  return {
    unit: await complianceUnit(client, unit.id),
    range,
    unitsChecked: rows.length,
    rows: rows
      .filter((row) => row.months.length > 0)
      .map((row) => ({
        province: row.province,
        unit: row.unit,
        missingMonths: row.months,
        rendered: renderMissingMonths(row.months),
      })),
  };
}
