import { badInput, SUBTREE_UNIT_CODES } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { PaymentLine } from './payment-line.entity.ts';

const IN_SUBTREE = `unit_code in (${SUBTREE_UNIT_CODES})`;

/** A person's payment lines in units of `scopePath`, newest first; batched per request. */
export function createPaymentsByPersonLoader(em: EntityManager, scopePath: () => string) {
  return new DataLoader<string, PaymentLine[]>(async (personIds) => {
    const rows = await em
      .createQueryBuilder(PaymentLine, 'l')
      .where({ personId: { $in: [...personIds] } })
      .andWhere(IN_SUBTREE, [scopePath()])
      .orderBy({ month: 'desc' })
      .getResultList();
    return personIds.map((id) => rows.filter((row) => row.personId === id));
  });
}

/** The most lines one payment list answers; a larger unit must be asked commune by commune. */
export const MAX_LINES_PER_LIST = 20_000;

export async function findPaymentList(
  em: EntityManager,
  unitPath: string,
  month: string,
): Promise<PaymentLine[]> {
  const rows = await em
    .createQueryBuilder(PaymentLine, 'l')
    .where({ month })
    .andWhere(IN_SUBTREE, [unitPath])
    .orderBy({ unitCode: 'asc', personId: 'asc' })
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
