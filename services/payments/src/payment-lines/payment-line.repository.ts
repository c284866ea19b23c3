import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { PaymentLine } from './payment-line.entity.ts';

const IN_SUBTREE = 'unit_code in (select code from registry.v_units where path <@ ?::ltree)';

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

export async function findPaymentList(
  em: EntityManager,
  unitPath: string,
  month: string,
): Promise<PaymentLine[]> {
  return em
    .createQueryBuilder(PaymentLine, 'l')
    .where({ month })
    .andWhere(IN_SUBTREE, [unitPath])
    .orderBy({ unitCode: 'asc', personId: 'asc' })
    .getResultList();
}
