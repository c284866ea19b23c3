import { Readable } from 'node:stream';
import type * as S3 from '@aws-sdk/client-s3';
import type * as S3Storage from '@aws-sdk/lib-storage';
import type { ContentBackend } from './file-content.ts';

/** Where FILE_STORE_URL puts content. */
export type BucketLocation = {
  bucket: string;
  /** Key prefix (the URL's path), empty or ending in `/`. */
  prefix: string;
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  /** From the URL's `user:password`; else the AWS SDK's own chain (AWS_ACCESS_KEY_ID, profiles, roles). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
};

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PART_BYTES = 5 * 1024 * 1024;

/**
 * Reads `s3://[key:secret@]bucket[/prefix]?endpoint=http://host:port&region=…&forcePathStyle=true`.
 * Throws a message naming the problem (never the secret).
 */
export function parseFileStoreUrl(value: string): BucketLocation {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('is not a URL (s3://bucket/prefix?endpoint=…&region=…)');
  }
  if (url.protocol !== 's3:') throw new Error('must start with s3:// (the only store besides PostgreSQL)');
  const bucket = decodeURIComponent(url.hostname);
  if (!BUCKET.test(bucket))
    throw new Error('must name a bucket (3–63 lowercase letters, digits, dots, hyphens)');
  const known = new Set(['endpoint', 'region', 'forcePathStyle']);
  const unknown = [...url.searchParams.keys()].find((name) => !known.has(name));
  if (unknown)
    throw new Error(`has an unknown parameter "${unknown.slice(0, 40)}" (endpoint, region, forcePathStyle)`);
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+(?:\/\S*)?$/.test(endpoint))
    throw new Error('has an endpoint that is not an http(s) URL');
  const forcePathStyle = url.searchParams.get('forcePathStyle') ?? 'false';
  if (forcePathStyle !== 'true' && forcePathStyle !== 'false')
    throw new Error('has forcePathStyle other than true or false');
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  if (path.length > 200 || /[\\\p{Cc}]/u.test(path)) throw new Error('has an invalid key prefix');
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (Boolean(user) !== Boolean(password))
    throw new Error('has a key without its secret (or a secret without its key)');
  return {
    bucket,
    prefix: path ? `${path}/` : '',
    endpoint,
    region: url.searchParams.get('region') ?? 'us-east-1',
    forcePathStyle: forcePathStyle === 'true',
    credentials: user ? { accessKeyId: user, secretAccessKey: password } : undefined,
  };
}

const missing = (error: unknown) => {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
};

/**
 * Content as one object per file (`<prefix><service>/<id>`) in an S3-compatible bucket, streamed in
 * with a multipart upload (two 5 MiB parts in flight at most) and out as the object's body.
 */
export function s3Content(storeUrl: string, service: string): ContentBackend {
  const location = parseFileStoreUrl(storeUrl);
  // The SDK (about 30 MB resident) is loaded on first use: a process whose files stay in PostgreSQL never loads it.
  let sdk:
    | Promise<{
        client: S3.S3Client;
        s3: typeof S3;
        storage: typeof S3Storage;
      }>
    | undefined;
  const connected = () =>
    (sdk ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(
      ([s3, storage]) => ({
        s3,
        storage,
        client: new s3.S3Client({
          region: location.region,
          ...(location.endpoint ? { endpoint: location.endpoint } : {}),
          forcePathStyle: location.forcePathStyle,
          ...(location.credentials ? { credentials: location.credentials } : {}),
          // Checksums only where S3 requires them: many S3-compatible servers refuse the newer aws-chunked trailers.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          // A store that does not answer is an error, not a request that waits forever.
          requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
          maxAttempts: 3,
        }),
      }),
    ));
  const key = (id: string) => `${location.prefix}${service}/${id}`;
  return {
    storage: 's3',

    async write(file, content) {
      const { client, storage } = await connected();
      const upload = new storage.Upload({
        client,
        params: {
          Bucket: location.bucket,
          Key: key(file.id),
          Body: Readable.from(content),
          ContentType: file.contentType,
        },
        partSize: PART_BYTES,
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
    },

    async open(file) {
      const { client, s3 } = await connected();
      try {
        const answer = await client.send(
          new s3.GetObjectCommand({ Bucket: location.bucket, Key: key(file.id) }),
        );
        return answer.Body as Readable;
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },

    async remove(id) {
      const { client, s3 } = await connected();
      await client.send(new s3.DeleteObjectCommand({ Bucket: location.bucket, Key: key(id) }));
    },
  };
}
