import { SUBTREE_UNIT_CODES } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Person } from './person.entity.ts';

const SUBTREE = `residence_unit_code in (${SUBTREE_UNIT_CODES})`;

export function createPersonByIdLoader(em: EntityManager) {
  return new DataLoader<string, Person | null>(async (ids) => {
    const persons = await em.find(Person, { id: { $in: [...ids] } });
    const byId = new Map(persons.map((person) => [person.id, person]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Persons living in the subtree under `unitPath`, ordered by id, after `afterId`. */
export async function findPersonsInSubtree(
  em: EntityManager,
  unitPath: string,
  page: { first: number; afterId: string | undefined },
): Promise<{ persons: Person[]; totalCount: number; hasNextPage: boolean }> {
  const pageQuery = em
    .createQueryBuilder(Person, 'p')
    .where(SUBTREE, [unitPath])
    .orderBy({ id: 'asc' })
    .limit(page.first + 1);
  if (page.afterId) pageQuery.andWhere({ id: { $gt: page.afterId } });
  const [rows, totalCount] = await Promise.all([
    pageQuery.getResultList(),
    em.createQueryBuilder(Person, 'p').where(SUBTREE, [unitPath]).getCount(),
  ]);
  return { persons: rows.slice(0, page.first), totalCount, hasNextPage: rows.length > page.first };
}

/** Whether a living person anywhere holds this CCCD (row-level security would hide other units' persons). */
export async function livingCitizenIdTaken(em: EntityManager, citizenId: string): Promise<boolean> {
  const [row] = await em.execute<{ taken: boolean }[]>(
    'select registry.living_citizen_id_taken(?) as taken',
    [citizenId],
  );
  return row?.taken === true;
}
