import type pg from 'pg';

/** The role and settings a scoped transaction runs with (scopeSessionContext, MikroORM's SessionContext). */
export type ScopedSession = { role?: string | undefined; variables?: Record<string, unknown> | undefined };

/**
 * Sets the session's settings and role for the rest of the open transaction, as MikroORM does when it
 * begins one for a request. Refuses a session without a role or a scope: the statements would run as
 * the login, which may be the owner of the tables and bypass row-level security.
 */
export async function applyScopedSession(client: pg.ClientBase, session: ScopedSession): Promise<void> {
  const variables = Object.entries(session.variables ?? {});
  const scope = session.variables?.['ansinh.scope_path'];
  if (!session.role || typeof scope !== 'string' || scope === '') {
    throw new Error('a scoped session is needed: a role and ansinh.scope_path');
  }
  await client.query(
    `select ${variables.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
    variables.flatMap(([name, value]) => [name, String(value)]),
  );
  await client.query(`set local role "${session.role.replaceAll('"', '""')}"`);
}

/**
 * One statement on a connection of `pool`, checked out and given back here rather than by
 * `pool.query`: a subgraph's pool has its `connect` wrapped (releaseDeadClients, db/orm.ts), and the
 * callback form that `pool.query` uses would never answer nor give its connection back.
 */
export async function queryOnce<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken ??= error);
  client.on('error', onError);
  try {
    return await client.query<R>(text, values);
  } catch (error) {
    broken ??= error as Error;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** How long a rollback may take before its connection is dropped. */
const ROLLBACK_WAIT_MS = 5_000;

/**
 * Runs `work` in one transaction on a connection of `pool`, scoped by `session`; commits when it
 * returns, rolls back when it throws. When `signal` aborts, the statement in flight is cancelled
 * (`pg_cancel_backend` from another connection of the pool) so that a long set-based statement does
 * not hold a cancelled job for minutes; `work` then fails and everything rolls back. A connection
 * whose rollback failed, or whose statement was cancelled, is destroyed, never handed to the next user.
 */
export async function inScopedTransaction<T>(
  pool: pg.Pool,
  session: ScopedSession,
  work: (client: pg.PoolClient) => Promise<T>,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken ??= error);
  client.on('error', onError);
  let cancelStatement: (() => void) | undefined;
  try {
    await client.query('begin');
    await applyScopedSession(client, session);
    if (options.signal) {
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      const pid = rows[0]!.pid;
      cancelStatement = () => {
        // The connection is not given back to the pool afterwards: the cancel may land late, and must
        // not stop the next user's statement.
        broken ??= new Error('statement cancelled: the job was aborted');
        void queryOnce(pool, 'select pg_cancel_backend($1)', [pid]).catch(() => undefined);
      };
      options.signal.addEventListener('abort', cancelStatement, { once: true });
      options.signal.throwIfAborted();
    }
    const result = await work(client);
    options.signal?.throwIfAborted();
    await client.query('commit');
    return result;
  } catch (error) {
    // A connection left mid-COPY by a cancel may never answer the rollback: after a few seconds it is
    // dropped instead, which rolls the transaction back as surely (the server ends it with the session).
    const stuck = new Promise<void>((resolve) => setTimeout(resolve, ROLLBACK_WAIT_MS).unref());
    const rolledBack = client.query('rollback').then(
      () => true,
      (rollbackError: Error) => void (broken ??= rollbackError),
    );
    if ((await Promise.race([rolledBack, stuck])) !== true) broken ??= new Error('rollback did not answer');
    throw error;
  } finally {
    if (cancelStatement) options.signal?.removeEventListener('abort', cancelStatement);
    client.off('error', onError);
    client.release(broken);
  }
}
