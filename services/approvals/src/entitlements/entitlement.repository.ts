import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Entitlement, StandardLevel } from './entitlement.entity.ts';
import type { LevelRow } from './entitlement.rules.ts';

const IN_SUBTREE = 'unit_code in (select code from registry.v_units where path <@ ?::ltree)';

/** A person's entitlements paid by units in `scopePath`, batched per request. */
export function createEntitlementsByPersonLoader(em: EntityManager, scopePath: () => string) {
  return new DataLoader<string, Entitlement[]>(async (personIds) => {
    const rows = await em
      .createQueryBuilder(Entitlement, 'e')
      .where({ personId: { $in: [...personIds] } })
      .andWhere(IN_SUBTREE, [scopePath()])
      .orderBy({ startMonth: 'asc' })
      .getResultList();
    return personIds.map((id) => rows.filter((row) => row.personId === id));
  });
}

export async function findEntitlementsInSubtree(em: EntityManager, unitPath: string): Promise<Entitlement[]> {
  return em
    .createQueryBuilder(Entitlement, 'e')
    .where(IN_SUBTREE, [unitPath])
    .orderBy({ unitCode: 'asc', startMonth: 'asc' })
    .limit(10_000)
    .getResultList();
}

/** Standard levels change a few times a decade: loaded once per request. */
export function createStandardLevelsLoader(em: EntityManager) {
  let levels: Promise<LevelRow[]> | undefined;
  return () =>
    (levels ??= em.find(StandardLevel, {}, { orderBy: { validFromMonth: 'asc' } }).then((rows) =>
      rows.map(({ validFromMonth, provinceCode, amount }): LevelRow => ({
        validFromMonth,
        provinceCode: provinceCode ?? null,
        amount,
      })),
    ));
}
