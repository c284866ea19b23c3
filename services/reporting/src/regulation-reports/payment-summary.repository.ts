import type { Month } from '@ansinh/common';
import type pg from 'pg';
import {
  PAYMENT_FIGURE_KEYS,
  summarisePayments,
  type PaymentFigures,
  type PaymentListStateValue,
  type PaymentSummaryCommuneRow,
  type PaymentSummaryDistrictRow,
} from './payment-summary.rules.ts';

export type PaymentSummaryData = {
  month: Month;
  communes: PaymentSummaryCommuneRow[];
  districts: PaymentSummaryDistrictRow[];
  total: PaymentFigures;
};

type Row = Omit<PaymentSummaryCommuneRow, 'figures'> & Record<keyof PaymentFigures, string | number>;

/**
 * The payment lists of `month` of every paying unit under `scopePaths` (`payments.v_payment_lists`),
 * each with the figures of its lines (`payments.v_payment_lines`), and the district an old commune
 * belonged to (`registry.v_units`). A line is paid, held, or else unpaid; its amount is its `total`
 * (regular + arrears + carried over + one-off − recovery). Lines stay with the list and the unit
 * version that paid them, so a month already paid answers the same however units and lists change
 * later. One statement, one row per list.
 */
const PAYMENT_SUMMARY_SQL = `
  with subtree as materialized (select id from registry.v_units where path <@ any($1::ltree[])),
  lists as materialized (
    select list_id, unit_id, state from payments.v_payment_lists
     where month = $2 and unit_id in (select id from subtree)
  ),
  figures as (
    select l.list_id,
           count(pl.line_id) as lines,
           count(distinct pl.person_id) as persons,
           coalesce(sum(pl.total), 0) as "plannedAmount",
           count(*) filter (where pl.status = 'paid') as "paidLines",
           coalesce(sum(pl.total) filter (where pl.status = 'paid'), 0) as "paidAmount",
           count(*) filter (where pl.status <> 'paid' and not pl.held) as "unpaidLines",
           coalesce(sum(pl.total) filter (where pl.status <> 'paid' and not pl.held), 0) as "unpaidAmount",
           count(*) filter (where pl.held) as "heldLines",
           coalesce(sum(pl.total) filter (where pl.held), 0) as "heldAmount",
           count(*) filter (where pl.status = 'paid' and pl.late) as "paidLateLines",
           coalesce(sum(pl.total) filter (where pl.status = 'paid' and pl.late), 0) as "paidLateAmount"
      from lists l
      join payments.v_payment_lines pl on pl.list_id = l.list_id and pl.month = $2
     group by l.list_id
  )
  select l.unit_id as "unitId", u.code as "unitCode", u.full_name as "unitName",
         d.id as "districtId", d.code as "districtCode", d.full_name as "districtName", l.state as "listState",
         ${PAYMENT_FIGURE_KEYS.map((key) => `coalesce(f."${key}", 0) as "${key}"`).join(', ')}
    from lists l
    join registry.v_units u on u.id = l.unit_id
    left join registry.v_units d on d.id = u.parent_id and d.level = 'district'
    left join figures f on f.list_id = l.list_id
   order by d.code nulls first, u.code, u.valid_from nulls first`;

/** Tổng hợp chi trả of the units under `scopePaths` for `month`: per paying unit, per former district, in total. */
export async function paymentSummaryData(
  client: pg.ClientBase,
  scopePaths: readonly string[],
  month: Month,
): Promise<PaymentSummaryData> {
  const { rows } = await client.query<Row>(PAYMENT_SUMMARY_SQL, [scopePaths, month]);
  const communes = rows.map((row): PaymentSummaryCommuneRow => {
    const figures = Object.fromEntries(
      PAYMENT_FIGURE_KEYS.map((key) => [key, Number(row[key])]),
    ) as PaymentFigures;
    return {
      unitId: row.unitId,
      unitCode: row.unitCode,
      unitName: row.unitName,
      districtId: row.districtId,
      districtCode: row.districtCode,
      districtName: row.districtName,
      listState: row.listState as PaymentListStateValue,
      figures,
    };
  });
  return { month, communes, ...summarisePayments(communes) };
}
