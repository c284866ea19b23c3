import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { forbidden, unauthenticated } from '../errors/app-error.ts';
import { inScopedTransaction } from '../jobs/scoped-transaction.ts';
import { ACTOR_SETTINGS, SCOPE_SETTING } from '../scope/row-level-security.ts';

const NO_UNIT =
  'Tài khoản không gắn với đơn vị hành chính nào trong danh mục nên không xem hay thay đổi được dữ liệu của đơn vị.';

/**
 * Runs `work` in one transaction on a plain pg connection of the request's pool, scoped as the
 * request's EntityManager is (its role, unit scope and actor): for set-based statements written with
 * `$n` parameters and temporary tables, shared with jobs, where the ORM's query builder is in the way.
 * A request without a unit scope (the ministry, whose level is national; a unit not in the lists;
 * an anonymous caller) is refused here, before any statement, rather than failing as a server error.
 */
export async function inRequestTransaction<T>(
  em: EntityManager,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const session = em.getSessionContext() ?? {};
  const variables: Record<string, unknown> = session.variables ?? {};
  if (session.role && !variables[SCOPE_SETTING]) {
    if (!variables[ACTOR_SETTINGS.id]) throw unauthenticated();
    throw forbidden(NO_UNIT);
  }
  const pool = (await em.getConnection().getNativeClient()) as unknown as pg.Pool;
  return inScopedTransaction(pool, session, work);
}
