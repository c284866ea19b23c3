import { TODAY_IN_VIETNAM_SQL, todayInVietnam } from '@ansinh/common';
import type pg from 'pg';
import {
  complianceUnit,
  unitJsonSql,
  type ComplianceUnitRow,
  type ReportedUnit,
} from './compliance-unit.repository.ts';
import {
  COMPLETENESS_BASE,
  COMPLETENESS_FIELDS,
  percentMissing,
  type CompletenessField,
  type CompletenessGrouping,
} from './data-completeness.rules.ts';

export type CompletenessGap = { missing: number; outOf: number; percent: number | null };

export type DataCompletenessRow = {
  unit: ComplianceUnitRow;
  /** Living persons whose residence lies in the unit. */
  persons: number;
  /** Of those, the persons with a monthly entitlement active this month. */
  beneficiaries: number;
} & Record<CompletenessField, CompletenessGap>;

export type DataCompleteness = {
  grouping: CompletenessGrouping;
  /** The day the figures are of (`yyyy-mm-dd`, Vietnam): the register as it stands, entitlements active this month. */
  asOf: string;
  /** The rows' units, in force first, by code. */
  rows: DataCompletenessRow[];
  /** Every living person under the unit (its own records of every era), whatever unit they lie in. */
  total: DataCompletenessRow;
};

/**
 * The units a row is made for, and the key (the unit's path) of the row a person's residence falls in.
 * `commune`: every commune under the read paths (a person living in a commune is counted there);
 * `child_unit`: each unit directly under one of the read paths (the current communes of a province and
 * its former districts, as the registry's `dataGaps` groups them). Units that have ended get a row only
 * while living persons still lie in them (the persons of a split commune awaiting their new commune).
 */
const GROUPINGS: Record<CompletenessGrouping, { units: string; rowKey: string }> = {
  commune: {
    units: `select u.* from registry.v_units u where u.level = 'commune' and u.path <@ any($1::ltree[])`,
    rowKey: `case when p.level = 'commune' then p.path::text end`,
  },
  child_unit: {
    units: `select u.* from registry.v_units u
              join (select unnest($1::ltree[]) as path) r on u.path <@ r.path and nlevel(u.path) = nlevel(r.path) + 1`,
    rowKey: `(select subpath(p.path, 0, nlevel(r.path) + 1)::text from unnest($1::ltree[]) as r(path)
               where p.path <@ r.path and nlevel(p.path) > nlevel(r.path) limit 1)`,
  },
};

/**
 * Living persons (`registry.v_person_profile`) under the read paths, what each lacks, and the decision
 * fields of their monthly entitlements active this month (`approvals.v_active_entitlements`), counted
 * per row unit and in total (grouping sets) in one statement: the registry's `dataGaps` definitions.
 */
function completenessSql(grouping: CompletenessGrouping): string {
  const { units, rowKey } = GROUPINGS[grouping];
  return `
  with row_units as materialized (${units}),
  profile as (
    select pp.person_id, pu.level, pu.path, pp.has_citizen_id, pp.gender, pp.ethnicity_code, pp.has_payment_account
      from registry.v_person_profile pp
      join registry.v_units pu on pu.id = pp.unit_id
     where pp.status = 'living' and pu.path <@ any($1::ltree[])
  ), decisions as (
    select e.person_id, bool_or(coalesce(e.decision_number, '') = '') as lacks_number,
           bool_or(e.decision_date is null) as lacks_date
      from approvals.v_active_entitlements e
     group by e.person_id
  ), facts as (
    select ${rowKey} as row_key, p.*, d.person_id is not null as beneficiary,
           coalesce(d.lacks_number, false) as lacks_number, coalesce(d.lacks_date, false) as lacks_date
      from profile p
      left join decisions d on d.person_id = p.person_id
  ), counts as (
    select row_key, grouping(row_key) = 1 as is_total,
           count(*)::int as persons,
           (count(*) filter (where beneficiary))::int as beneficiaries,
           (count(*) filter (where not has_citizen_id))::int as "citizenId",
           (count(*) filter (where gender = 'unknown'))::int as gender,
           (count(*) filter (where ethnicity_code is null))::int as ethnicity,
           (count(*) filter (where lacks_number))::int as "decisionNumber",
           (count(*) filter (where lacks_date))::int as "decisionDate",
           (count(*) filter (where not has_payment_account))::int as "paymentAccount"
      from facts
     group by grouping sets ((row_key), ())
  )
  select * from (
  select ${unitJsonSql('r')} as unit, false as is_total, c.persons, c.beneficiaries, c."citizenId", c.gender,
         c.ethnicity, c."decisionNumber", c."decisionDate", c."paymentAccount"
    from row_units r
    left join counts c on not c.is_total and c.row_key = r.path::text
   where r.valid_to is null or r.valid_to >= ${TODAY_IN_VIETNAM_SQL} or c.persons > 0
  union all
  select null, true, persons, beneficiaries, "citizenId", gender, ethnicity, "decisionNumber", "decisionDate", "paymentAccount"
    from counts where is_total
  ) answer
  order by is_total, unit ->> 'former', unit ->> 'code', unit ->> 'validFrom' nulls first`;
}

type CountsRow = {
  unit: ComplianceUnitRow | null;
  is_total: boolean;
  persons: number | null;
  beneficiaries: number | null;
} & Record<CompletenessField, number | null>;

function completenessRow(unit: ComplianceUnitRow, counts: CountsRow | undefined): DataCompletenessRow {
  const persons = counts?.persons ?? 0;
  const beneficiaries = counts?.beneficiaries ?? 0;
  const gaps = Object.fromEntries(
    COMPLETENESS_FIELDS.map((field) => {
      const missing = counts?.[field] ?? 0;
      const outOf = COMPLETENESS_BASE[field] === 'persons' ? persons : beneficiaries;
      return [field, { missing, outOf, percent: percentMissing(missing, outOf) }];
    }),
  ) as Record<CompletenessField, CompletenessGap>;
  return { unit, persons, beneficiaries, ...gaps };
}

/** Data completeness of the unit's rows and in total (GraphQL and export alike). */
export async function dataCompleteness(
  client: pg.ClientBase,
  unit: ReportedUnit,
  grouping: CompletenessGrouping,
): Promise<DataCompleteness> {
  const { rows } = await client.query<CountsRow>(completenessSql(grouping), [unit.scopePaths]);
  const total = rows.find((row) => row.is_total);
  return {
    grouping,
    asOf: todayInVietnam(),
    rows: rows.filter((row) => !row.is_total).map((row) => completenessRow(row.unit!, row)),
    total: completenessRow(await complianceUnit(client, unit.id), total),
  };
}
