import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Category, CategoryBand, Program } from './program.entity.ts';

/** A category by id, or null when there is none. */
export function findCategory(em: EntityManager, id: string): Promise<Category | null> {
  return em.findOne(Category, { id });
}

/** Every programme, the national ones first (public rules: small tables). */
export function findPrograms(em: EntityManager): Promise<Program[]> {
  return em.find(
    Program,
    {},
    { orderBy: { provinceCode: 'asc nulls first', validFromMonth: 'asc', id: 'asc' } },
  );
}

/** Categories of programmes, batched per request. */
export function createCategoriesByProgramLoader(em: EntityManager) {
  return new DataLoader<string, Category[]>(async (programIds) => {
    const rows = await em.find(
      Category,
      { programId: { $in: [...programIds] } },
      { orderBy: { programId: 'asc', code: 'asc' } },
    );
    return programIds.map((id) => rows.filter((row) => row.programId === id));
  });
}

/** Categories by id, batched per request (the category of an entitlement, a decision, an application). */
export function createCategoryLoader(em: EntityManager) {
  return new DataLoader<string, Category | undefined>(async (ids) => {
    const rows = await em.find(Category, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
}

/** Age bands of categories, youngest first, batched per request. */
export function createBandsLoader(em: EntityManager) {
  return new DataLoader<string, CategoryBand[]>(async (categoryIds) => {
    const rows = await em.find(
      CategoryBand,
      { categoryId: { $in: [...categoryIds] } },
      { orderBy: { categoryId: 'asc', fromAge: 'asc' } },
    );
    return categoryIds.map((id) => rows.filter((row) => row.categoryId === id));
  });
}

/** Whether a category takes new entitlements in `month` (within its validity). */
export function categoryOpenIn(
  category: Pick<Category, 'validFromMonth' | 'validToMonth'>,
  month: string,
): boolean {
  return (
    category.validFromMonth <= month && (category.validToMonth == null || month <= category.validToMonth)
  );
}
