import { arrayLiteral, UNIT_IDS_UNDER } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';

export type UnitFigures = {
  personCount: number;
  beneficiaryCount: number;
  monthlyEntitlementTotal: number;
  paymentLineCount: number;
  paidTotal: number;
  unpaidTotal: number;
};

type Row = Record<keyof UnitFigures, string | number>;

/**
 * One set-based statement over the owners' published views (`registry.v_units`,
 * `registry.v_person_units`, `approvals.v_active_entitlements`, `payments.v_payment_lines`): the
 * figures of the units under `unitPaths` (a unit's own path and those of the units merged whole into
 * it, so that a unit's figures include its predecessors' records), by unit version.
 */
export async function unitFigures(
  em: EntityManager,
  unitPaths: readonly string[],
  month: string,
): Promise<UnitFigures> {
  const [row] = await em.execute<Row[]>(
    `with subtree as materialized (${UNIT_IDS_UNDER})
     select
       (select count(*) from registry.v_person_units pu
          where pu.unit_id in (select id from subtree) and pu.status = 'living') as "personCount",
       (select count(distinct ae.person_id) from approvals.v_active_entitlements ae
          where ae.unit_id in (select id from subtree)) as "beneficiaryCount",
       (select coalesce(sum(ae.monthly_amount), 0) from approvals.v_active_entitlements ae
          where ae.unit_id in (select id from subtree)) as "monthlyEntitlementTotal",
       (select count(*) from payments.v_payment_lines pl
          where pl.month = ? and pl.unit_id in (select id from subtree)) as "paymentLineCount",
       (select coalesce(sum(pl.amount + pl.arrears) filter (where pl.status = 'paid'), 0) from payments.v_payment_lines pl
          where pl.month = ? and pl.unit_id in (select id from subtree)) as "paidTotal",
       (select coalesce(sum(pl.amount + pl.arrears) filter (where pl.status <> 'paid'), 0) from payments.v_payment_lines pl
          where pl.month = ? and pl.unit_id in (select id from subtree)) as "unpaidTotal"`,
    [arrayLiteral(unitPaths), month, month, month],
  );
  const figures = {} as UnitFigures;
  for (const [key, value] of Object.entries(row!)) figures[key as keyof UnitFigures] = Number(value);
  return figures;
}
