import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The materialised path of the current unit with this code, from the registry's published view
 * `registry.v_units`. An abolished unit has no scope: codes were reused after the 2025 reform.
 */
export async function unitPathOf(em: EntityManager, unitCode: string): Promise<string | undefined> {
  const rows = await em.execute<{ path: string }[]>(
    'select path from registry.v_units where code = ? and valid_to is null',
    [unitCode],
  );
  return rows[0]?.path;
}

/** Paths of current units by code, batched per request (for scope checks on other subgraphs' data). */
export function createUnitPathLoader(em: EntityManager) {
  return new DataLoader<string, string | undefined>(async (codes) => {
    const rows = await em.execute<{ code: string; path: string }[]>(
      'select code, path from registry.v_units where code in (?) and valid_to is null',
      [[...codes]],
    );
    const byCode = new Map(rows.map((row) => [row.code, row.path]));
    return codes.map((code) => byCode.get(code));
  });
}
