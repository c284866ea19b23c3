import { arrayLiteral, entitiesOf, preparedRows, preparedStatement, UNIT_IDS_UNDER } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Person } from './person.entity.ts';
import { nameWordsQuery, type PersonSearch } from './person-search.ts';

/** Persons of the units under any of the paths (one ltree[] parameter). */
const SUBTREE = `residence_unit_id in (${UNIT_IDS_UNDER})`;

const PERSONS_BY_ID = preparedStatement<Record<string, unknown>>(
  'select p.* from registry.persons p where p.id = any($1::uuid[])',
);

export function createPersonByIdLoader(em: EntityManager) {
  return new DataLoader<string, Person | null>(async (ids) => {
    const persons = entitiesOf(em, Person, await preparedRows(em, PERSONS_BY_ID, [ids]));
    const byId = new Map(persons.map((person) => [person.id, person]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export type PersonCursor = { nameFolded: string; id: string };

/** Searching stops past this many matches: an official narrows such a search rather than pages through it. */
export const COUNT_LIMIT = 10_000;

export type PersonPage = {
  persons: Person[];
  totalCount: number;
  totalCountIsExact: boolean;
  hasNextPage: boolean;
};

/**
 * Persons in the units under `unitPaths` (a unit's read paths: its own and those merged whole into it) matching the search, ordered by folded name then id, after
 * the cursor, with the number of matches. The matches are gathered through the search's own indexes
 * (name words, CCCD, commune) and ordered; past COUNT_LIMIT of them the gathering stops, and the list
 * is those COUNT_LIMIT persons (the caller is told the count is not exact).
 */
export async function findPersonsInSubtree(
  em: EntityManager,
  unitPaths: readonly string[],
  search: PersonSearch,
  page: { first: number; after: PersonCursor | undefined },
): Promise<PersonPage> {
  const found = em
    .createQueryBuilder(Person, 'p')
    .select(['id', 'nameFolded'])
    .where(SUBTREE, [arrayLiteral(unitPaths)]);
  const narrowedFurther = Boolean(
    search.citizenId || search.oldIdNumber || search.status || search.householdId,
  );
  if (search.nameWords.length) {
    // See registry.person_ids_matching_name: the name index is out of reach below row-level security.
    found.andWhere(
      `p.id in (select registry.person_ids_matching_name(to_tsquery('simple'::regconfig, ?), ?))`,
      [nameWordsQuery(search.nameWords), narrowedFurther ? 100 * COUNT_LIMIT : COUNT_LIMIT + 1],
    );
  }
  if (search.citizenId) found.andWhere({ citizenId: search.citizenId });
  if (search.oldIdNumber) found.andWhere({ oldIdNumber: search.oldIdNumber });
  if (search.status) found.andWhere({ status: search.status });
  if (search.householdId) found.andWhere({ householdId: search.householdId });
  found.limit(COUNT_LIMIT + 1);
  const [counted] = await em.execute<{ total: number; ids: string[] | null }[]>(
    `with f as materialized (${found.getQuery()})
     select (select count(*)::int from f) as total,
            (select array_agg(id order by name_folded, id) from (
               select id, name_folded from (select * from f order by name_folded, id limit ${COUNT_LIMIT}) capped
                ${page.after ? 'where (name_folded, id) > (?, ?)' : ''}
                order by name_folded, id limit ?) pick) as ids`,
    [...found.getParams(), ...(page.after ? [page.after.nameFolded, page.after.id] : []), page.first + 1],
  );
  const ids = counted?.ids ?? [];
  const persons = ids.length ? await em.find(Person, { id: { $in: ids } }) : [];
  const byId = new Map(persons.map((person) => [person.id, person]));
  // Row-level security could hide a row between the two reads; a hidden one is simply left out.
  const ordered = ids.flatMap((id) => byId.get(id) ?? []);
  const total = counted?.total ?? 0;
  return {
    persons: ordered.slice(0, page.first),
    totalCount: Math.min(total, COUNT_LIMIT),
    totalCountIsExact: total <= COUNT_LIMIT,
    hasNextPage: ordered.length > page.first,
  };
}

/** Whether a living person anywhere holds this CCCD (row-level security would hide other units' persons). */
export async function livingCitizenIdTaken(em: EntityManager, citizenId: string): Promise<boolean> {
  const [row] = await em.execute<{ taken: boolean }[]>(
    'select registry.living_citizen_id_taken(?) as taken',
    [citizenId],
  );
  return row?.taken === true;
}

/** Which of these CCCDs a living person anywhere holds, in one query (`livingCitizenIdTaken` for a batch). */
export async function livingCitizenIdsTaken(
  em: EntityManager,
  citizenIds: readonly string[],
): Promise<Set<string>> {
  if (!citizenIds.length) return new Set();
  const rows = await em.execute<{ citizen_id: string }[]>(
    'select registry.living_citizen_ids_taken(?::text[]) as citizen_id',
    [arrayLiteral(citizenIds)],
  );
  return new Set(rows.map((row) => row.citizen_id));
}

/** Whether the person holds an entitlement active this month (approvals' published view, in the caller's scope). */
export async function holdsActiveEntitlement(em: EntityManager, personId: string): Promise<boolean> {
  const [row] = await em.execute<{ entitled: boolean }[]>(
    'select exists (select 1 from approvals.v_active_entitlements where person_id = ?) as entitled',
    [personId],
  );
  return row?.entitled === true;
}
