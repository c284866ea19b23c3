import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Person } from './person.entity.ts';

const SUBTREE =
  'residence_unit_code in (select code from registry.administrative_units where path <@ ?::ltree)';

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

export async function livingPersonWithCitizenId(
  em: EntityManager,
  citizenId: string,
): Promise<Person | null> {
  return em.findOne(Person, { citizenId, status: 'living' });
}
