import { badInput, SUBTREE_UNIT_CODES } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Entitlement, StandardLevel } from './entitlement.entity.ts';
import type { LevelRow } from './entitlement.rules.ts';

const IN_SUBTREE = `unit_code in (${SUBTREE_UNIT_CODES})`;

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

/** The most entitlements one list answers; a larger unit must be asked commune by commune. */
export const MAX_ENTITLEMENTS_PER_LIST = 10_000;

/** Entitlements paid by the subtree under `unitPath`, only those active in `month` when given. */
export async function findEntitlementsInSubtree(
  em: EntityManager,
  unitPath: string,
  month: string | undefined,
): Promise<Entitlement[]> {
  const query = em.createQueryBuilder(Entitlement, 'e').where(IN_SUBTREE, [unitPath]);
  if (month) {
    query.andWhere({
      status: 'active',
      startMonth: { $lte: month },
      $or: [{ endMonth: null }, { endMonth: { $gte: month } }],
    });
  }
  const rows = await query
    .orderBy({ unitCode: 'asc', startMonth: 'asc' })
    .limit(MAX_ENTITLEMENTS_PER_LIST + 1)
    .getResultList();
  if (rows.length > MAX_ENTITLEMENTS_PER_LIST) {
    throw badInput(
      'unitCode',
      `Đơn vị này có hơn ${MAX_ENTITLEMENTS_PER_LIST.toLocaleString('vi-VN')} mức hưởng; hãy xem theo từng xã/phường.`,
    );
  }
  return rows;
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
