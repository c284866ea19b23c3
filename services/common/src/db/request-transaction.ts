import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { inScopedTransaction } from '../jobs/scoped-transaction.ts';

/**
 * Runs `work` in one transaction on a plain pg connection of the request's pool, scoped as the
 * request's EntityManager is (its role, unit scope and actor): for set-based statements written with
 * `$n` parameters and temporary tables, shared with jobs, where the ORM's query builder is in the way.
 */
export async function inRequestTransaction<T>(
  em: EntityManager,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const pool = (await em.getConnection().getNativeClient()) as unknown as pg.Pool;
  return inScopedTransaction(pool, em.getSessionContext() ?? {}, work);
}
