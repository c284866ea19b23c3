import {
  arrayLiteral,
  badInput,
  rowsOfPersonsLoader,
  rowsOfPersonsStatement,
  UNIT_IDS_UNDER,
} from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Entitlement } from './entitlement.entity.ts';

/** Paid by a unit under one of the paths given (one ltree[] parameter). */
const PAID_UNDER = `unit_id in (${UNIT_IDS_UNDER})`;

/**
 * A person's entitlements that the caller reads (batched per request): paid by a unit under the
 * caller's read paths, or of a person the caller reads now, whichever unit paid them (a commune reads
 * the pre-reform entitlements of the people it took over).
 */
export function createEntitlementsByPersonLoader(em: EntityManager, readPaths: () => readonly string[]) {
  return rowsOfPersonsLoader(em, Entitlement, ENTITLEMENTS_OF_PERSONS, readPaths);
}

const ENTITLEMENTS_OF_PERSONS = rowsOfPersonsStatement(
  'approvals.entitlements',
  'r.start_month asc, r.id asc',
);

/** The province code of a unit path: the code of its root (labels of later eras carry `_yyyymmdd`). */
export function provinceCodeOf(path: string): string {
  return path.split('.')[0]!.split('_')[0]!;
}

/** The most entitlements one list answers; a larger unit must be asked commune by commune. */
export const MAX_ENTITLEMENTS_PER_LIST = 10_000;

/** Entitlements paid by units under `unitPaths`, only those active in `month` when given. */
export async function findEntitlementsInSubtree(
  em: EntityManager,
  unitPaths: readonly string[],
  month: string | undefined,
): Promise<Entitlement[]> {
  const query = em.createQueryBuilder(Entitlement, 'e').where(PAID_UNDER, [arrayLiteral(unitPaths)]);
  if (month) {
    query.andWhere({
      status: 'active',
      startMonth: { $lte: month },
      $or: [{ endMonth: null }, { endMonth: { $gte: month } }],
    });
  }
  const rows = await query
    .orderBy({ unitId: 'asc', startMonth: 'asc', id: 'asc' })
    .limit(MAX_ENTITLEMENTS_PER_LIST + 1)
    .getResultList();
  if (rows.length > MAX_ENTITLEMENTS_PER_LIST) {
    throw badInput(
      'unitCode',
      `Đơn vị này có hơn ${MAX_ENTITLEMENTS_PER_LIST.toLocaleString('vi-VN')} mức hưởng; hãy xem theo từng xã/phường.`,
    );
  }
  return rows;
}

/** What the money rule answers for one province, month and coefficient. */
export type MoneyKey = { provinceCode: string | null; month: string; coefficientHundredths: number };
/** Null before the first standard level of that month. */
export type Money = { standardLevel: number | null; monthlyAmount: number | null };

/**
 * The standard level and monthly amount from the SQL money rule (`approvals.standard_level_for` and
 * `approvals.monthly_amount`, the functions the published view uses too), batched per request: one
 * statement for every entitlement and month of an answer.
 */
export function createMoneyLoader(em: EntityManager) {
  return new DataLoader<MoneyKey, Money, string>(
    async (keys) => {
      const rows = await em.execute<
        { n: number; standardLevel: string | null; monthlyAmount: string | null }[]
      >(
        `select k.n, l.amount as "standardLevel", approvals.monthly_amount(l.amount, k.coefficient) as "monthlyAmount"
           from (values ${keys.map(() => '(?::int, ?::text, ?::text, ?::int)').join(', ')}) k(n, province, at_month, coefficient)
           cross join lateral approvals.standard_level_for(k.province, k.at_month) l(amount)`,
        keys.flatMap((key, position) => [position, key.provinceCode, key.month, key.coefficientHundredths]),
      );
      const byPosition = new Map(rows.map((row) => [row.n, row]));
      const amount = (value: string | null | undefined) => (value == null ? null : Number(value));
      return keys.map((_key, position) => {
        const row = byPosition.get(position);
        return { standardLevel: amount(row?.standardLevel), monthlyAmount: amount(row?.monthlyAmount) };
      });
    },
    // Few distinct keys in practice (a province, a handful of coefficients, the months asked for); the
    // batch size keeps a statement far under PostgreSQL's 65,535 parameters whatever an answer asks.
    {
      cacheKeyFn: (key) => `${key.provinceCode}|${key.month}|${key.coefficientHundredths}`,
      maxBatchSize: 1000,
    },
  );
}

/** An entity of another subgraph, as this one knows it: its key. */
export type EntityReference = { id: string };
