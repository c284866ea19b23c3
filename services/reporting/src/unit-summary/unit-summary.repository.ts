import { SUBTREE_UNIT_CODES } from '@ansinh/common';
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
 * `registry.v_person_units`, `approvals.v_active_entitlements`, `payments.v_payment_lines`).
 */
export async function unitFigures(em: EntityManager, unitPath: string, month: string): Promise<UnitFigures> {
  const [row] = await em.execute<Row[]>(
    `with subtree as (${SUBTREE_UNIT_CODES})
     select
       (select count(*) from registry.v_person_units pu
          where pu.unit_code in (select code from subtree) and pu.status = 'living') as "personCount",
       (select count(distinct ae.person_id) from approvals.v_active_entitlements ae
          where ae.unit_code in (select code from subtree)) as "beneficiaryCount",
       (select coalesce(sum(ae.monthly_amount), 0) from approvals.v_active_entitlements ae
          where ae.unit_code in (select code from subtree)) as "monthlyEntitlementTotal",
       (select count(*) from payments.v_payment_lines pl
          where pl.month = ? and pl.unit_code in (select code from subtree)) as "paymentLineCount",
       (select coalesce(sum(pl.amount + pl.arrears) filter (where pl.status = 'paid'), 0) from payments.v_payment_lines pl
          where pl.month = ? and pl.unit_code in (select code from subtree)) as "paidTotal",
       (select coalesce(sum(pl.amount + pl.arrears) filter (where pl.status <> 'paid'), 0) from payments.v_payment_lines pl
          where pl.month = ? and pl.unit_code in (select code from subtree)) as "unpaidTotal"`,
    [unitPath, month, month, month],
  );
  const figures = {} as UnitFigures;
  for (const [key, value] of Object.entries(row!)) figures[key as keyof UnitFigures] = Number(value);
  return figures;
}
