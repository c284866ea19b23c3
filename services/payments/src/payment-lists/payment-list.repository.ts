import { arrayLiteral, badInput, UNIT_IDS_UNDER } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { PaymentLine, type PaymentStatusValue } from '../payment-lines/payment-line.entity.ts';
import { PaymentList, type PaymentListStateValue } from './payment-list.entity.ts';

export type AdjustmentRow = {
  id: string;
  list_id: string;
  line_id: string | null;
  kind: 'amount' | 'channel' | 'hold' | 'release';
  reason: string;
  recorded_at: Date | string;
  recorded_by_name: string;
};

export type RecoveryRow = {
  id: string;
  person_id: string;
  entitlement_id: string;
  month: string;
  amount: string;
  reason: string;
  paid_line_id: string;
  deducted_line_id: string | null;
};

export type CoveredMonthRow = { line_id: string; month: string; amount: string; kind: string };

/** The most lines one list answers in one query. */
export const MAX_LINES_PER_ANSWER = 20_000;
/** The most lists one query answers (a province's communes for a month). */
export const MAX_LISTS_PER_ANSWER = 5_000;

function grouped<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const byKey = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = byKey.get(key);
    if (group) group.push(row);
    else byKey.set(key, [row]);
  }
  return keys.map((key) => byKey.get(key) ?? []);
}

/** Loaders of one request (row-level security answers only what the caller reads). */
export function createPaymentListLoaders(em: EntityManager) {
  return {
    listById: new DataLoader<string, PaymentList | null>(async (ids) => {
      const rows = await em.find(PaymentList, { id: { $in: [...ids] } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    lineById: new DataLoader<string, PaymentLine | null>(async (ids) => {
      const rows = await em.find(PaymentLine, { id: { $in: [...ids] } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    adjustmentsByList: new DataLoader<string, AdjustmentRow[]>(async (ids) =>
      grouped(
        ids,
        await em.execute<AdjustmentRow[]>(
          `select id, list_id, line_id, kind, reason, recorded_at, recorded_by_name from payments.list_adjustments
            where list_id = any(?::uuid[]) order by recorded_at, id`,
          [arrayLiteral(ids)],
        ),
        (row) => row.list_id,
      ),
    ),
    coveredMonthsByLine: new DataLoader<string, CoveredMonthRow[]>(async (ids) =>
      grouped(
        ids,
        // Months of lines the caller reads (the join keeps the lines' row-level security).
        await em.execute<CoveredMonthRow[]>(
          `select c.line_id, c.month, c.amount, c.kind from payments.line_months c
             join payments.payment_lines l on l.id = c.line_id
            where c.line_id = any(?::uuid[]) order by c.line_id, c.month`,
          [arrayLiteral(ids)],
        ),
        (row) => row.line_id,
      ),
    ),
  };
}

/** A list's lines in line-code order, at most `first`. */
export async function findListLines(
  em: EntityManager,
  listId: string,
  first: number,
  status: PaymentStatusValue | undefined,
): Promise<PaymentLine[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_LINES_PER_ANSWER) {
    throw badInput('first', `Mỗi lần xem từ 1 đến ${MAX_LINES_PER_ANSWER.toLocaleString('vi-VN')} dòng.`);
  }
  return em.find(
    PaymentLine,
    { listId, ...(status ? { status } : {}) },
    { orderBy: { lineCode: 'asc' }, limit: first },
  );
}

/** The lists of a month of units under `unitPaths`. */
export async function findLists(
  em: EntityManager,
  unitPaths: readonly string[],
  month: string,
  state: PaymentListStateValue | undefined,
): Promise<PaymentList[]> {
  const rows = await em
    .createQueryBuilder(PaymentList, 'p')
    .where({ month, ...(state ? { state } : {}) })
    .andWhere(`p.unit_id in (${UNIT_IDS_UNDER})`, [arrayLiteral(unitPaths)])
    .orderBy({ unitId: 'asc' })
    .limit(MAX_LISTS_PER_ANSWER + 1)
    .getResultList();
  if (rows.length > MAX_LISTS_PER_ANSWER) {
    throw badInput('unitCode', 'Quá nhiều danh sách chi trả: hãy xem theo từng tỉnh.');
  }
  return rows;
}

/** Months to recover paid by units under `unitPaths` (or of persons in scope), owed ones only unless `all`. */
export async function findRecoveries(
  em: EntityManager,
  unitPaths: readonly string[],
  all: boolean,
): Promise<RecoveryRow[]> {
  return em.execute<RecoveryRow[]>(
    `select id, person_id, entitlement_id, month, amount, reason, paid_line_id, deducted_line_id
       from payments.recoveries
      where unit_id in (${UNIT_IDS_UNDER}) and (? or deducted_line_id is null)
      order by person_id, month limit ${MAX_LINES_PER_ANSWER}`,
    [arrayLiteral(unitPaths), all],
  );
}
