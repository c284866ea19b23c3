import {
  arrayLiteral,
  badInput,
  rowsOfPersonsLoader,
  rowsOfPersonsStatement,
  UNIT_IDS_UNDER,
} from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PaymentLine } from './payment-line.entity.ts';

/** Paid by a unit under one of the paths given (one ltree[] parameter). */
const PAID_UNDER = `unit_id in (${UNIT_IDS_UNDER})`;

/**
 * A person's payment lines that the caller reads, newest first (batched per request): paid by a unit
 * under the caller's read paths, or of a person the caller reads now, whichever unit paid them (a
 * commune reads the pre-reform lines of the people it took over).
 */
export function createPaymentsByPersonLoader(em: EntityManager, readPaths: () => readonly string[]) {
  return rowsOfPersonsLoader(em, PaymentLine, PAYMENTS_OF_PERSONS, readPaths);
}

const PAYMENTS_OF_PERSONS = rowsOfPersonsStatement('payments.payment_lines', 'r.month desc, r.id asc');

/** The most lines one payment list answers; a larger unit must be asked commune by commune. */
export const MAX_LINES_PER_LIST = 20_000;

/** The month's lines paid by units under `unitPaths`. */
export async function findPaymentList(
  em: EntityManager,
  unitPaths: readonly string[],
  month: string,
): Promise<PaymentLine[]> {
  const rows = await em
    .createQueryBuilder(PaymentLine, 'l')
    .where({ month })
    .andWhere(PAID_UNDER, [arrayLiteral(unitPaths)])
    .orderBy({ unitId: 'asc', personId: 'asc' })
    .limit(MAX_LINES_PER_LIST + 1)
    .getResultList();
  if (rows.length > MAX_LINES_PER_LIST) {
    throw badInput(
      'unitCode',
      `Danh sách chi trả của đơn vị này có hơn ${MAX_LINES_PER_LIST.toLocaleString('vi-VN')} dòng; hãy xem theo từng xã/phường.`,
    );
  }
  return rows;
}
