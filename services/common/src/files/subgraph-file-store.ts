import type pg from 'pg';
import {
  createFileStore,
  DEFAULT_MAX_FILE_BYTES,
  type FileStore,
  type FileStoreOptions,
} from './file-store.ts';

/** What the store needs of an EntityManager: its connection, whose pool is the subgraph's own. */
type PoolOwner = { getConnection(): { getNativeClient(): Promise<pg.Pool> } };

const stores = new WeakMap<object, FileStore>();

/**
 * The file store of the subgraph process that `em` belongs to: one per database connection (so
 * one per running subgraph, several in a test process), on the pool of the subgraph's own role.
 * Built on first use; callable from a synchronous context factory, as the pool is only reached
 * asynchronously.
 */
export function subgraphFileStore(em: PoolOwner, options: Omit<FileStoreOptions, 'pool'>): FileStore {
  const connection = em.getConnection();
  let store = stores.get(connection);
  if (!store) {
    store = deferredFileStore(options, () =>
      connection.getNativeClient().then((pool) => createFileStore({ ...options, pool })),
    );
    stores.set(connection, store);
  }
  return store;
}

/** A store whose methods wait for the real one; a failure to build it is retried on the next call. */
function deferredFileStore(
  options: Omit<FileStoreOptions, 'pool'>,
  build: () => Promise<FileStore>,
): FileStore {
  let ready: Promise<FileStore> | undefined;
  const store = () => {
    ready ??= build().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
  return {
    service: options.service,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    put: async (content, file) => (await store()).put(content, file),
    stat: async (id, scope) => (await store()).stat(id, scope),
    read: async (id, scope) => (await store()).read(id, scope),
    remove: async (id, scope) => (await store()).remove(id, scope),
    removeExpired: async (now) => (await store()).removeExpired(now),
  };
}
