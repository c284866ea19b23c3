import type { EntityManager } from '@mikro-orm/postgresql';
import { arrayLiteral } from '@ansinh/common';
import { foldText } from '@ansinh/common/standalone';

/** One entry of the review queue, as the resolvers answer it (units and person loaded by id). */
export type ReformReviewRow = {
  id: string;
  personId: string;
  householdId: string | null;
  fromUnitId: string;
  candidateUnitIds: string[];
  reformDate: string;
  address: string | null;
  assignedUnitId: string | null;
  assignedBy: string | null;
  assignedAt: Date | null;
  createdAt: Date;
};

type Row = {
  id: string;
  person_id: string;
  household_id: string | null;
  from_unit_id: string;
  candidate_unit_ids: string[];
  reform_date: string;
  address: string | null;
  assigned_unit_id: string | null;
  assigned_by: string | null;
  assigned_at: Date | string | null;
  created_at: Date | string;
};

const dateOf = (value: Date | string) => (value instanceof Date ? value : new Date(value));

export const reviewOf = (row: Row): ReformReviewRow => ({
  id: row.id,
  personId: row.person_id,
  householdId: row.household_id,
  fromUnitId: row.from_unit_id,
  candidateUnitIds: row.candidate_unit_ids,
  reformDate: row.reform_date,
  address: row.address,
  assignedUnitId: row.assigned_unit_id,
  assignedBy: row.assigned_by,
  assignedAt: row.assigned_at === null ? null : dateOf(row.assigned_at),
  createdAt: dateOf(row.created_at),
});

/** The columns of an entry, as `reviewOf` reads them (`r`: reform_reviews). */
export const REVIEW_COLUMNS = `r.id, r.person_id, r.household_id, r.from_unit_id, r.candidate_unit_ids::text[] as candidate_unit_ids,
  r.reform_date::text as reform_date, r.address, r.assigned_unit_id, r.assigned_by, r.assigned_at, r.created_at`;

/**
 * SQL condition and its values: the entry's address contains `text`, without regard to accents, case or
 * runs of spaces (folded as foldText folds; `\`, `%` and `_` typed are plain characters).
 */
export function addressContainsSql(text: string): { sql: string; values: string[] } {
  const folded = foldText(text).replace(/[\\%_]/g, (character) => `\\${character}`);
  return {
    sql: `regexp_replace(registry.fold_name(coalesce(r.address, '')), '\\s+', ' ', 'g') like ?`,
    values: [`%${folded}%`],
  };
}

export type ReviewFilter = {
  /** Entries that may go to this unit (a candidate). */
  candidateUnitId?: string | undefined;
  /** Entries of the split unit of this code. */
  fromUnitCode?: string | undefined;
  addressContains?: string | undefined;
  status: 'waiting' | 'assigned' | 'all';
};

function whereOf(filter: ReviewFilter): { sql: string; values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (filter.candidateUnitId) {
    conditions.push('?::uuid = any(r.candidate_unit_ids)');
    values.push(filter.candidateUnitId);
  }
  if (filter.fromUnitCode) {
    conditions.push('r.from_unit_id in (select u.id from registry.v_units u where u.code = ?)');
    values.push(filter.fromUnitCode);
  }
  if (filter.addressContains) {
    const address = addressContainsSql(filter.addressContains);
    conditions.push(address.sql);
    values.push(...address.values);
  }
  if (filter.status === 'waiting') conditions.push('r.assigned_unit_id is null');
  if (filter.status === 'assigned') conditions.push('r.assigned_unit_id is not null');
  return { sql: conditions.length ? conditions.join(' and ') : 'true', values };
}

/**
 * A page of the queue the caller reads (row-level security: the province all of its units' entries, a
 * commune those it may receive), ordered by entry id, after the entry `after`.
 */
export async function reviewsPage(
  em: EntityManager,
  filter: ReviewFilter,
  first: number,
  after: string | null,
): Promise<{ nodes: ReformReviewRow[]; hasNextPage: boolean; totalCount: number }> {
  const where = whereOf(filter);
  const page = after ? { sql: ' and r.id > ?::uuid', values: [after] } : { sql: '', values: [] };
  const [rows, counted] = await Promise.all([
    em.execute<Row[]>(
      `select ${REVIEW_COLUMNS} from registry.reform_reviews r where ${where.sql}${page.sql} order by r.id limit ?`,
      [...where.values, ...page.values, first + 1],
    ),
    em.execute<{ total: number }[]>(
      `select count(*)::integer as total from registry.reform_reviews r where ${where.sql}`,
      where.values,
    ),
  ]);
  return {
    nodes: rows.slice(0, first).map(reviewOf),
    hasNextPage: rows.length > first,
    totalCount: counted[0]?.total ?? 0,
  };
}

/** Entries by id, in the caller's scope. */
export async function reviewsById(em: EntityManager, ids: readonly string[]): Promise<ReformReviewRow[]> {
  if (!ids.length) return [];
  const rows = await em.execute<Row[]>(
    `select ${REVIEW_COLUMNS} from registry.reform_reviews r where r.id = any(?::uuid[]) order by r.id`,
    [arrayLiteral(ids)],
  );
  return rows.map(reviewOf);
}
