import type pg from 'pg';
import { readStats } from '../statistics/stats.repository.ts';

export type UnitFigures = {
  personCount: number;
  beneficiaryCount: number;
  monthlyEntitlementTotal: number;
  paymentLineCount: number;
  paidTotal: number;
  unpaidTotal: number;
};

/**
 * The figures of the units under `unitPaths` (a unit's own path and those of the units merged whole into
 * it, so that a unit's figures include its predecessors' records) for a month: living persons in the
 * register today (`registry.v_person_units`), and the month's ledger and payment figures from the
 * statistics' cells (refreshed by the caller).
 */
export async function unitFigures(
  client: pg.ClientBase,
  unitPaths: readonly string[],
  month: string,
  includeConfidential: boolean,
): Promise<UnitFigures> {
  const { totals } = await readStats(
    client,
    {
      groupBy: [],
      measures: ['beneficiaries', 'amount_due', 'payment_lines', 'paid', 'unpaid'],
      fromMonth: month,
      toMonth: month,
      unitLevel: 'commune',
      unitEra: 'current',
    },
    unitPaths,
    includeConfidential,
  );
  const { rows } = await client.query<{ count: string }>(
    `select count(*) from registry.v_person_units pu
      where pu.status = 'living' and pu.unit_id in (select id from registry.v_units where path <@ any($1::ltree[]))`,
    [unitPaths],
  );
  return {
    personCount: Number(rows[0]!.count),
    beneficiaryCount: totals.beneficiaries ?? 0,
    monthlyEntitlementTotal: totals.amount_due ?? 0,
    paymentLineCount: totals.payment_lines ?? 0,
    paidTotal: totals.paid ?? 0,
    unpaidTotal: totals.unpaid ?? 0,
  };
}
