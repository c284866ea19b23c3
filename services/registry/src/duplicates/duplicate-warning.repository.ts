import { arrayLiteral } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { DuplicateWarning } from './duplicate-warning.entity.ts';

/**
 * Raises duplicate warnings for these persons (same CCCD, or same name and birth in the same district);
 * see `registry.raise_duplicate_warnings`. Returns how many were raised.
 */
export async function raiseDuplicateWarnings(
  em: EntityManager,
  personIds: readonly string[],
): Promise<number> {
  if (!personIds.length) return 0;
  const [row] = await em.execute<{ raised: number }[]>(
    'select registry.raise_duplicate_warnings(?::uuid[], true) as raised',
    [arrayLiteral(personIds)],
  );
  return row?.raised ?? 0;
}

/** Open warnings about persons, either as the newer record or as the one matched; batched per request. */
export function createOpenWarningsByPersonLoader(em: EntityManager) {
  return new DataLoader<string, DuplicateWarning[]>(async (personIds) => {
    const ids = [...personIds];
    const warnings = await em.find(
      DuplicateWarning,
      { status: 'open', $or: [{ personId: { $in: ids } }, { matchedPersonId: { $in: ids } }] },
      { orderBy: { createdAt: 'asc' } },
    );
    return ids.map((id) =>
      warnings.filter((warning) => warning.personId === id || warning.matchedPersonId === id),
    );
  });
}
