import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import S3rver from 's3rver';
import { subgraphDatabaseUrl } from '@ansinh/common';
import { testEnv } from '../support/stack.ts';

/** A pool on a test database logged in as the registry's own role, as the registry's store has. */
export function registryRolePool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: subgraphDatabaseUrl(
      'tests',
      { ...testEnv(databaseUrl), DATABASE_URL: databaseUrl },
      'registry',
    ),
    max: 4,
  });
  // An idle connection the server ends (a restart during the run) is no failure of the store's.
  pool.on('error', () => undefined);
  return pool;
}

export type S3Server = {
  /** A FILE_STORE_URL for the server's bucket. */
  url(prefix?: string): string;
  /** Keys of the objects in the bucket, with their sizes. */
  objects(): Promise<Map<string, number>>;
  stop(): Promise<void>;
};

const BUCKET = 'ansinh-files';
const KEY = 'S3RVER';

/**
 * A real S3-compatible server (s3rver, from npm) on a loopback port with one bucket, its data in
 * a temporary folder; it checks request signatures, so the store's credentials are exercised too.
 */
export async function startS3Server(): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'ansinh-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: KEY, secretAccessKey: KEY },
  });
  return {
    url: (prefix = '') =>
      `s3://${KEY}:${KEY}@${BUCKET}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`,
    async objects() {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      return new Map((listed.Contents ?? []).map((object) => [object.Key!, object.Size!]));
    },
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
