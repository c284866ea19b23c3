import type { EntityManager } from '@mikro-orm/postgresql';
import { ChangeRecord } from './change-record.entity.ts';

/** The history of a person and of their payment accounts, newest first. */
export function historyOfPerson(em: EntityManager, personId: string, limit = 500): Promise<ChangeRecord[]> {
  return em.find(ChangeRecord, { personId }, { orderBy: { id: 'desc' }, limit });
}
