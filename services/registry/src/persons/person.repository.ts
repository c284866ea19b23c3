import { SUBTREE_UNIT_CODES } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Person } from './person.entity.ts';
import { namePrefixQuery, type PersonSearch } from './person-search.ts';

const SUBTREE = `residence_unit_code in (${SUBTREE_UNIT_CODES})`;

export function createPersonByIdLoader(em: EntityManager) {
  return new DataLoader<string, Person | null>(async (ids) => {
    const persons = await em.find(Person, { id: { $in: [...ids] } });
    const byId = new Map(persons.map((person) => [person.id, person]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export type PersonCursor = { nameFolded: string; id: string };

/**
 * Persons in the subtree under `unitPath` matching the search, ordered by folded name then id, after
 * the cursor; with the number of all matches.
 */
export async function findPersonsInSubtree(
  em: EntityManager,
  unitPath: string,
  search: PersonSearch,
  page: { first: number; after: PersonCursor | undefined },
): Promise<{ persons: Person[]; totalCount: number; hasNextPage: boolean }> {
  const matching = () => {
    const query = em.createQueryBuilder(Person, 'p').where(SUBTREE, [unitPath]);
    if (search.nameWords.length) {
      query.andWhere(
        `to_tsvector('simple'::regconfig, p.name_folded) @@ to_tsquery('simple'::regconfig, ?)`,
        [namePrefixQuery(search.nameWords)],
      );
    }
    if (search.citizenId) query.andWhere({ citizenId: search.citizenId });
    if (search.oldIdNumber) query.andWhere({ oldIdNumber: search.oldIdNumber });
    if (search.status) query.andWhere({ status: search.status });
    if (search.householdId) query.andWhere({ householdId: search.householdId });
    return query;
  };
  const pageQuery = matching()
    .orderBy({ nameFolded: 'asc', id: 'asc' })
    .limit(page.first + 1);
  if (page.after)
    pageQuery.andWhere('(p.name_folded, p.id) > (?, ?)', [page.after.nameFolded, page.after.id]);
  const [rows, totalCount] = await Promise.all([pageQuery.getResultList(), matching().getCount()]);
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
