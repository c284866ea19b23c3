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
    client.release = (error?: Error | boolean) => {
      if (released) return;
      released = true;
      client.off('end', onEnd);
      release(error);
    };
    client.once('end', onEnd);
    return client;
  };
  pool.connect = guarded as Pool['connect'];
}
