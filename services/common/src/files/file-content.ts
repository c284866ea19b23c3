import type { Readable } from 'node:stream';
import type pg from 'pg';
import { SCOPE_SETTING } from '../scope/row-level-security.ts';

/** Where a file's content is: chunks in the subgraph's schema, or an object in a bucket. */
export type Storage = 'postgres' | 's3';

/** One place file content can live; the metadata row is the store's. */
export type ContentBackend = {
  readonly storage: Storage;
  /** Writes the whole content of a new file, or throws having kept none of it reachable. */
  write(
    file: { id: string; contentType: string; scopePath: string },
    content: AsyncIterable<Buffer>,
  ): Promise<void>;
  /** The content of a complete file as a stream, or undefined when it is gone. */
  open(file: { id: string; bytes: number; scopePath: string }): Promise<Readable | undefined>;
  /** Removes the content (idempotent); the metadata row goes after it. */
  remove(id: string): Promise<void>;
};

/** An ltree path of unit codes (`42.436.18073`). */
export const LTREE_PATH = /^[A-Za-z0-9_]{1,64}(?:\.[A-Za-z0-9_]{1,64}){0,15}$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** `"schema"."name"`, for a schema and name of our own (never a caller's). */
export function qualified(schema: string, name: string): string {
  if (!IDENTIFIER.test(schema) || !IDENTIFIER.test(name))
    throw new Error(`not an identifier: ${schema}.${name}`);
  return `"${schema}"."${name}"`;
}

/**
 * Runs `work` in one short transaction whose row-level-security scope is `scopePath`: the files
 * tables' policies show and accept only rows under it. One transaction per statement group, so a
 * slow client never holds a connection between two chunks of its file.
 */
export async function inScope<T>(
  pool: pg.Pool,
  scopePath: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // While checked out a client's errors are its holder's: a connection the server ends between two
  // statements would otherwise be an unhandled 'error' event, and take the process down.
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('begin');
    await client.query('select set_config($1, $2, true)', [SCOPE_SETTING, scopePath]);
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.off('error', onError);
    // A connection that broke, or whose rollback failed, is not given back to the pool.
    client.release(broken);
  }
}
