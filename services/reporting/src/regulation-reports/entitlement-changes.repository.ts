import type { Month } from '@ansinh/common';
import type pg from 'pg';
import {
  summariseChanges,
  type ChangeDirectionValue,
  type ChangeFigures,
  type ChangeGroupRow,
  type DirectionFigures,
} from './entitlement-changes.rules.ts';

export type EntitlementChangeData = {
  month: Month;
  rows: ChangeFigures[];
  reasons: ChangeFigures[];
  directions: DirectionFigures[];
};

type Row = Omit<ChangeGroupRow, 'decisions' | 'persons' | 'amountBefore' | 'amountAfter'> & {
  decisions: string;
  persons: string;
  amountBefore: string;
  amountAfter: string;
};

/**
 * Biến động of `month` under `scopePaths`: the decisions taking effect that month
 * (`approvals.v_entitlement_changes`) of entitlements paid by those units, by direction, kind and
 * category, with the amounts due the month before and that month. The view already hides a
 * confidential category's code from a reader without the right; `$3` (may the caller read them) hides
 * it here too, whatever the connection's setting, so that such rows are only ever counted together.
 * The amounts of a month come from the decisions in force then: a later decision leaves them as they were.
 */
const ENTITLEMENT_CHANGES_SQL = `
  with subtree as materialized (select id from registry.v_units where path <@ any($1::ltree[])),
  changes as (
    select ch.direction, ch.kind, ch.person_id, ch.amount_before, ch.amount_after,
           case when ch.category_code is null or (ch.confidential and not $3::boolean) then null else ch.category_id end as category_id
      from approvals.v_entitlement_changes ch
     where ch.month = $2 and ch.unit_id in (select id from subtree)
  )
  select ch.direction, ch.kind as "reasonCode", c.code as "categoryCode", c.name as "categoryName",
         count(*) as decisions, count(distinct ch.person_id) as persons,
         coalesce(sum(ch.amount_before), 0) as "amountBefore", coalesce(sum(ch.amount_after), 0) as "amountAfter"
    from changes ch
    left join approvals.categories c on c.id = ch.category_id
   group by ch.direction, ch.kind, c.code, c.name`;

/** Biến động tăng/giảm of the units under `scopePaths` in `month`, by reason and category, with totals. */
export async function entitlementChangeData(
  client: pg.ClientBase,
  scopePaths: readonly string[],
  month: Month,
  readsConfidential: boolean,
): Promise<EntitlementChangeData> {
  const { rows } = await client.query<Row>(ENTITLEMENT_CHANGES_SQL, [scopePaths, month, readsConfidential]);
  const groups = rows.map((row): ChangeGroupRow => ({
    direction: row.direction as ChangeDirectionValue,
    reasonCode: row.reasonCode,
    categoryCode: row.categoryCode,
    categoryName: row.categoryName,
    decisions: Number(row.decisions),
    persons: Number(row.persons),
    amountBefore: Number(row.amountBefore),
    amountAfter: Number(row.amountAfter),
  }));
  return { month, ...summariseChanges(groups) };
}
