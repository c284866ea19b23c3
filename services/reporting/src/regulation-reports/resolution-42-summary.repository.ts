import type pg from 'pg';
import { groupName, type R42GroupFigures, type R42SeveralGroups } from './resolution-42-summary.rules.ts';

/** The programme of Resolution 42/NQ-CP in `approvals.programs` (its categories are the groups). */
export const R42_PROGRAM = 'resolution-42';

export type R42SummaryData = {
  fromMonth: string;
  toMonth: string;
  groups: R42GroupFigures[];
  people: number;
  rows: number;
  paid: number;
  flagged: number;
  amountListed: number;
  amountPaid: number;
  severalGroups: R42SeveralGroups;
};

/**
 * The rows of Resolution 42 lists whose person lives in a unit under `$1` (`approvals.v_r42_rows`: no
 * name, no ID number; a person is its `person_key`), with the group hidden (null) when it is
 * confidential and the caller may not read it (`$2`), whatever the connection's setting.
 */
const ROWS = `
  subtree as materialized (select id from registry.v_units where path <@ any($1::ltree[])),
  r42 as materialized (
    select r.list_id, r.person_key, r.amount, r.outcome,
           case when r.category_code is null or (r.confidential and not $2::boolean) then null else r.category_id end as category_id
      from approvals.v_r42_rows r
     where r.unit_id in (select id from subtree)
  )`;

/** Every group of the programme that the caller may see, with its figures (zeros without a list), then the hidden ones together. */
const GROUPS_SQL = `
  with ${ROWS},
  figures as (
    select category_id, count(distinct list_id) as lists, count(distinct person_key) as people,
           count(*) filter (where outcome = 'paid') as paid, count(*) filter (where outcome = 'flagged') as flagged,
           coalesce(sum(amount), 0) as "amountListed", coalesce(sum(amount) filter (where outcome = 'paid'), 0) as "amountPaid"
      from r42 group by category_id
  ),
  shown as (
    select id, code, name, fixed_amount from approvals.categories
     where program_id = $3 and (not confidential or $2::boolean)
  )
  select c.code as "categoryCode", c.name as "categoryName",
         coalesce(f.lists, 0) as lists, coalesce(f.people, 0) as people, coalesce(f.paid, 0) as paid,
         coalesce(f.flagged, 0) as flagged, coalesce(f."amountListed", 0) as "amountListed",
         coalesce(f."amountPaid", 0) as "amountPaid"
    from shown c
    full join figures f on f.category_id = c.id
   order by c.id is null, c.fixed_amount desc, c.code`;

/**
 * Distinct people, and those on the lists of several groups (a hidden group counts as one): supported
 * once (one paid row: one support per person), paid on more than one row (to recover), or paid by no
 * row of the unit (a list of another unit supports them), and their flagged rows.
 */
const PEOPLE_SQL = `
  with ${ROWS},
  persons as (
    select count(distinct category_id) + (count(*) filter (where category_id is null) > 0)::int as groups,
           count(*) filter (where outcome = 'paid') as paid_rows,
           count(*) filter (where outcome = 'flagged') as flagged_rows
      from r42 group by person_key
  )
  select count(*) as people,
         count(*) filter (where groups > 1) as "severalPeople",
         count(*) filter (where groups > 1 and paid_rows = 1) as "paidOnce",
         count(*) filter (where groups > 1 and paid_rows > 1) as "paidMoreThanOnce",
         count(*) filter (where groups > 1 and paid_rows = 0) as "paidElsewhere",
         coalesce(sum(flagged_rows) filter (where groups > 1), 0) as "flaggedRows"
    from persons`;

const PERIOD_SQL = `select valid_from_month as "fromMonth", valid_to_month as "toMonth" from approvals.programs where id = $1`;

type Counts = Record<'lists' | 'people' | 'paid' | 'flagged' | 'amountListed' | 'amountPaid', string>;

/** Tổng hợp hỗ trợ theo Nghị quyết 42 of the people in the units under `scopePaths`. */
export async function resolution42SummaryData(
  client: pg.ClientBase,
  scopePaths: readonly string[],
  readsConfidential: boolean,
): Promise<R42SummaryData> {
  const {
    rows: [period],
  } = await client.query<{ fromMonth: string; toMonth: string }>(PERIOD_SQL, [R42_PROGRAM]);
  if (!period) throw new Error(`approvals.programs has no programme ${R42_PROGRAM}`);
  const { rows: groupRows } = await client.query<
    { categoryCode: string | null; categoryName: string | null } & Counts
  >(GROUPS_SQL, [scopePaths, readsConfidential, R42_PROGRAM]);
  const {
    rows: [counts],
  } = await client.query<Record<'people' | 'severalPeople' | keyof R42SeveralGroups, string>>(PEOPLE_SQL, [
    scopePaths,
    readsConfidential,
  ]);
  const groups = groupRows.map((row): R42GroupFigures => ({
    categoryCode: row.categoryCode,
    categoryName: groupName(row.categoryCode, row.categoryName),
    lists: Number(row.lists),
    people: Number(row.people),
    paid: Number(row.paid),
    flagged: Number(row.flagged),
    amountListed: Number(row.amountListed),
    amountPaid: Number(row.amountPaid),
  }));
  const sum = (key: 'paid' | 'flagged' | 'amountListed' | 'amountPaid') =>
    groups.reduce((total, group) => total + group[key], 0);
  return {
    fromMonth: period.fromMonth,
    toMonth: period.toMonth,
    groups,
    people: Number(counts!.people),
    rows: sum('paid') + sum('flagged'),
    paid: sum('paid'),
    flagged: sum('flagged'),
    amountListed: sum('amountListed'),
    amountPaid: sum('amountPaid'),
    severalGroups: {
      people: Number(counts!.severalPeople),
      paidOnce: Number(counts!.paidOnce),
      paidMoreThanOnce: Number(counts!.paidMoreThanOnce),
      paidElsewhere: Number(counts!.paidElsewhere),
      flaggedRows: Number(counts!.flaggedRows),
    },
  };
}
