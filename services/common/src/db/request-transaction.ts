import type { ApolloServerPlugin } from '@apollo/server';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Logger } from 'pino';
import { forbidden, unauthenticated } from '../errors/app-error.ts';
import { databaseUnavailable, databaseUnavailableError } from './database-unavailable.ts';
import { inScopedTransaction } from '../jobs/scoped-transaction.ts';
import { ACTOR_SETTINGS, SCOPE_SETTING } from '../scope/row-level-security.ts';

/** Entity managers whose request runs in its one scoped transaction (requestTransactionPlugin). */
const IN_REQUEST_TRANSACTION = new WeakSet<EntityManager>();

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
  if (IN_REQUEST_TRANSACTION.has(em))
    throw new Error('inRequestTransaction inside a request transaction would wait for a second connection');
  const session = em.getSessionContext() ?? {};
  const variables: Record<string, unknown> = session.variables ?? {};
  if (session.role && !variables[SCOPE_SETTING]) {
    if (!variables[ACTOR_SETTINGS.id]) throw unauthenticated();
    throw forbidden(NO_UNIT);
  }
  const pool = (await em.getConnection().getNativeClient()) as unknown as pg.Pool;
  return inScopedTransaction(pool, session, work);
}

/**
 * One scoped transaction for each query operation: begun once the operation is resolved, with the
 * role and scope settings applied once, and committed (closed, for an operation refused meanwhile)
 * before the answer is sent, instead of an implicit transaction around each statement (begin, set
 * role, set_config, the statement, commit). Row-level security binds every statement as before. A
 * query may still write (a rate limit's counter); its writes commit with the answer. Mutations keep
 * their own transactions. A subgraph whose queries run `inRequestTransaction` (their own scoped
 * transaction on a second connection) does not use it: a request holding one connection while
 * waiting for another could exhaust the pool.
 */
export function requestTransactionPlugin<
  TContext extends { em: EntityManager; logger: Logger },
>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      // Apollo runs every plugin's didResolveOperation at once: another plugin may refuse the operation
      // (and the answer be on its way) while the transaction is still beginning, so the answer waits
      // for the beginning to end before it closes the transaction.
      let beginning: Promise<EntityManager> | undefined;
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation !== 'query') return;
          const em = contextValue.em;
          const { role, ...session } = em.getSessionContext() ?? {};
          em.clearSessionContext(); // setSessionContext merges: it would keep the role
          em.setSessionContext({
            ...session,
            variables: {
              ...session.variables,
              // The role with the settings, in the same statement (`set_config('role', …)` is `set
              // local role`): one round trip less per request.
              ...(role ? { role } : {}),
              // The query's parameterised statements are prepared ones (preparedRows): PostgreSQL's
              // default would go on planning them per call, not knowing that planning the row-level
              // security policies costs more than a generic plan ever loses.
              plan_cache_mode: 'force_generic_plan',
            },
          });
          beginning = em.begin().then(() => {
            IN_REQUEST_TRANSACTION.add(em);
            return em;
          });
          try {
            await beginning;
          } catch (error) {
            // The database is out of reach: answered 503 in words an official reads, as when the
            // request's session could not be read.
            if (databaseUnavailable(error)) throw databaseUnavailableError();
            throw error;
          }
        },
        async willSendResponse({ contextValue }) {
          const em = await beginning?.catch(() => undefined);
          beginning = undefined;
          if (!em) return;
          IN_REQUEST_TRANSACTION.delete(em);
          try {
            await em.commit();
          } catch (error) {
            // What the query read stands; only a query's own bookkeeping (a rate limit's count) is lost.
            contextValue.logger.error({ err: error }, 'request transaction: commit failed');
            await em.rollback().catch(() => undefined);
          }
        },
      };
    },
  };
}
