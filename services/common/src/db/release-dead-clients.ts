import type { Pool, PoolClient } from 'pg';

/**
 * Gives back, as broken, a client whose connection ends while it is checked out. Kysely (under
 * MikroORM) does not release a connection when BEGIN, COMMIT or ROLLBACK fails
 * (kysely-org/kysely#1990), so each PostgreSQL restart in the middle of requests would otherwise
 * leak one pool slot for good, until every request waits forever.
 */
export function releaseDeadClients(pool: Pool): void {
  const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
  const guarded = async (): Promise<PoolClient> => {
    const client = await connect();
    const release = client.release.bind(client);
    let released = false;
    const onEnd = () => client.release(new Error('PostgreSQL connection closed while checked out'));
    // A connection that fails while checked out (a terminated backend, a restart) is an 'error' event
    // with no listener of the pool's: without this one it would end the process.
    const onError = (error: Error) => client.release(error);
    client.release = (error?: Error | boolean) => {
      if (released) return;
      released = true;
      client.off('end', onEnd);
      client.off('error', onError);
      release(error);
    };
    client.once('end', onEnd);
    client.on('error', onError);
    return client;
  };
  type Callback = (error: Error | undefined, client?: PoolClient, done?: PoolClient['release']) => void;
  // pg-pool's own `pool.query()` checks out with the callback form: answer it too, or its client is
  // never given back and its query never settles.
  pool.connect = ((callback?: Callback) => {
    if (!callback) return guarded();
    guarded().then(
      (client) => callback(undefined, client, client.release),
      (error: Error) => callback(error),
    );
    return undefined;
  }) as Pool['connect'];
}
