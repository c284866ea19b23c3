import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { PaymentAccount } from './payment-account.entity.ts';

/** A person's accounts, the default first; batched per request. */
export function createAccountsByPersonLoader(em: EntityManager) {
  return new DataLoader<string, PaymentAccount[]>(async (personIds) => {
    const accounts = await em.find(
      PaymentAccount,
      { personId: { $in: [...personIds] } },
      { orderBy: { isDefault: 'desc', createdAt: 'asc' } },
    );
    return personIds.map((id) => accounts.filter((account) => account.personId === id));
  });
}
