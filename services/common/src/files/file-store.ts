import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { AppError } from '../errors/app-error.ts';
import { UUID_FORMAT } from '../text/text-policy.ts';
import { cleanFileName } from './file-name.ts';
import { postgresContent } from './postgres-content.ts';
import { s3Content } from './s3-content.ts';
import { inScope, LTREE_PATH, qualified, type ContentBackend, type Storage } from './file-content.ts';

/** Who a file belongs to: the user who stored it and their unit; readers need a scope over `unitPath`. */
export type FileOwner = { subject: string; unitCode: string; unitPath: string };

export type StoredFile = {
  /** uuid */
  id: string;
  /** The subgraph that holds it (`registry`), part of its download path. */
  service: string;
  fileName: string;
  contentType: string;
  bytes: number;
  ownerSubject: string;
  unitCode: string;
  unitPath: string;
  createdAt: Date;
  expiresAt: Date;
};

export type NewFile = {
  fileName: string;
  contentType: string;
  owner: FileOwner;
  /** When it is removed; the store's default keep time from now when not given. */
  expiresAt?: Date;
  /** Largest content accepted; the store's `maxFileBytes` when not given. */
  maxBytes?: number;
};

/**
 * Files of one subgraph: uploads, import reports, exports, disbursement files. Each has an owner
 * scope (only a reader whose unit path covers the file's can see it), a content type, a size and
 * an expiry. Content streams in and out; neither direction holds a file in memory.
 */
export interface FileStore {
  readonly service: string;
  readonly maxFileBytes: number;
  /**
   * Streams content in; past maxBytes (default maxFileBytes) rejects with FileTooLargeError and keeps nothing.
   * A stream it stops reading (refused, failed) is destroyed; give `stream.iterator({ destroyOnReturn: false })`
   * to keep one open (an HTTP request that is still to be answered).
   */
  put(content: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, file: NewFile): Promise<StoredFile>;
  /** NOT_FOUND AppError when missing, expired, or its unitPath is outside `readerScopePath` (ltree subtree). */
  stat(id: string, readerScopePath: string): Promise<StoredFile>;
  read(id: string, readerScopePath: string): Promise<{ file: StoredFile; content: Readable }>;
  /** Idempotent; only within the reader's scope. */
  remove(id: string, readerScopePath: string): Promise<void>;
  removeExpired(now?: Date): Promise<number>;
}

export type FileStoreOptions = {
  /** The subgraph's name, in download paths (`/files/<service>/<id>`). */
  service: string;
  /** The PostgreSQL schema holding its `files` and `file_chunks` tables (see fileStoreTablesSql). */
  schema: string;
  /** The subgraph's own pool, logged in as its role `ansinh_<schema>`. */
  pool: pg.Pool;
  /** FILE_STORE_URL: `s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true` puts content in a bucket. */
  url?: string;
  /** Largest file by default (FILE_MAX_MB). */
  maxFileBytes?: number;
  /** Keep time of a file stored without `expiresAt` (FILE_TTL_HOURS). */
  defaultTtlMs?: number;
  /** How often this process removes expired files; 0 never (tests call removeExpired). */
  sweepEveryMs?: number;
};

const MIB = 1024 * 1024;
export const DEFAULT_MAX_FILE_BYTES = 100 * MIB;
export const DEFAULT_FILE_TTL_MS = 24 * 60 * 60_000;
const DEFAULT_SWEEP_EVERY_MS = 10 * 60_000;
/**
 * How long a file still being written stays before the sweep removes it: longer than any upload
 * may last (HTTP_REQUEST_TIMEOUT_SECONDS is at most an hour), so only a writer that died is swept.
 */
const WRITING_TTL = '24 hours';
const SWEEP_BATCH = 100;
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

const megabytes = (bytes: number) => `${Math.round((bytes / MIB) * 10) / 10} MB`;

/** A file past its size limit; nothing of it was kept (HTTP routes answer 413). */
export class FileTooLargeError extends AppError {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super('BAD_USER_INPUT', `Tệp quá lớn (tối đa ${megabytes(maxBytes)}).`, { field: 'file' });
    this.name = 'FileTooLargeError';
    this.maxBytes = maxBytes;
  }
}

export const fileNotFound = () =>
  new AppError(
    'NOT_FOUND',
    'Không tìm thấy tệp (tệp đã hết hạn, đã bị xoá hoặc không thuộc đơn vị của bạn).',
  );

/** `/files/<service>/<id>`: where the gateway serves a download (generic, not tied to one subgraph). */
export function downloadPath(file: Pick<StoredFile, 'service' | 'id'>): string {
  return `/files/${encodeURIComponent(file.service)}/${encodeURIComponent(file.id)}`;
}

/** A `text/csv`-like media type (parameters dropped), else `application/octet-stream`. */
export function cleanContentType(value: string | undefined): string {
  const type = String(value ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  return CONTENT_TYPE.test(type) ? type : 'application/octet-stream';
}

type FileRow = {
  id: string;
  file_name: string;
  content_type: string;
  bytes: string;
  owner_subject: string;
  unit_code: string;
  unit_path: string;
  storage: Storage;
  created_at: Date;
  expires_at: Date;
};

/**
 * The store of one subgraph: metadata always in PostgreSQL (`<schema>.files`, under row-level
 * security on the unit path), content in `<schema>.file_chunks` (default) or in an S3-compatible
 * bucket when `url` is set. Each file remembers where its content is, so files written before a
 * change of FILE_STORE_URL stay readable.
 */
export function createFileStore(options: FileStoreOptions): FileStore {
  return new SqlFileStore(options);
}

class SqlFileStore implements FileStore {
  readonly service: string;
  readonly maxFileBytes: number;
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private readonly table: string;
  private readonly defaultTtlMs: number;
  private readonly writer: ContentBackend;
  private readonly backends: Partial<Record<Storage, ContentBackend>>;

  constructor(options: FileStoreOptions) {
    this.service = options.service;
    this.pool = options.pool;
    this.schema = options.schema;
    this.table = qualified(options.schema, 'files');
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.defaultTtlMs = options.defaultTtlMs ?? DEFAULT_FILE_TTL_MS;
    const database = postgresContent(options.pool, options.schema);
    const bucket = options.url ? s3Content(options.url, options.service) : undefined;
    this.backends = { postgres: database, ...(bucket ? { s3: bucket } : {}) };
    this.writer = bucket ?? database;
    const every = options.sweepEveryMs ?? DEFAULT_SWEEP_EVERY_MS;
    if (every > 0) {
      const sweeper: NodeJS.Timeout = setInterval(() => {
        // A closed pool is a stopped subgraph (tests start many): its sweeper stops with it.
        if (this.pool.ended) return clearInterval(sweeper);
        // Another run, or this process's next one, retries whatever failed now.
        this.removeExpired().catch(() => undefined);
      }, every);
      sweeper.unref();
    }
  }

  async put(content: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, file: NewFile): Promise<StoredFile> {
    const { owner } = file;
    if (!LTREE_PATH.test(owner.unitPath)) throw new Error(`file owner's unit path is not an ltree path`);
    if (!owner.subject || owner.subject.length > 255 || !owner.unitCode || owner.unitCode.length > 32)
      throw new Error(`file owner's subject or unit code is missing or too long`);
    const maxBytes = file.maxBytes ?? this.maxFileBytes;
    const id = randomUUID();
    const writer = this.writer;
    await inScope(this.pool, owner.unitPath, (client) =>
      client.query(
        `insert into ${this.table} (id, file_name, content_type, owner_subject, unit_code, unit_path, storage, expires_at)
         values ($1, $2, $3, $4, $5, $6::ltree, $7, now() + interval '${WRITING_TTL}')`,
        [
          id,
          cleanFileName(file.fileName),
          cleanContentType(file.contentType),
          owner.subject,
          owner.unitCode,
          owner.unitPath,
          writer.storage,
        ],
      ),
    );
    let bytes = 0;
    async function* limited(): AsyncGenerator<Buffer> {
      for await (const piece of content as AsyncIterable<Uint8Array | string>) {
        const chunk =
          typeof piece === 'string'
            ? Buffer.from(piece)
            : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        bytes += chunk.length;
        if (bytes > maxBytes) throw new FileTooLargeError(maxBytes);
        yield chunk;
      }
    }
    const pieces = limited();
    try {
      await writer.write(
        { id, contentType: cleanContentType(file.contentType), scopePath: owner.unitPath },
        pieces,
      );
      const expiresAt = file.expiresAt ?? new Date(Date.now() + this.defaultTtlMs);
      const rows = await inScope(this.pool, owner.unitPath, (client) =>
        client.query<FileRow>(
          `update ${this.table} set bytes = $2, expires_at = $3, complete = true where id = $1 returning *`,
          [id, bytes, expiresAt],
        ),
      );
      return this.fileOf(rows.rows[0]!);
    } catch (error) {
      // A source nobody reads any more is let go (a stream is destroyed), so its producer is not left waiting.
      void pieces.return(undefined).catch(() => undefined);
      // Nothing of a refused or broken file stays readable; what cannot be removed now, the sweep removes.
      await this.expire(id, owner.unitPath).catch(() => undefined);
      await this.discard(id, owner.unitPath, writer).catch(() => undefined);
      if (error instanceof FileTooLargeError || bytes > maxBytes) throw new FileTooLargeError(maxBytes);
      throw error;
    }
  }

  async stat(id: string, readerScopePath: string): Promise<StoredFile> {
    return this.fileOf(await this.row(id, readerScopePath));
  }

  async read(id: string, readerScopePath: string): Promise<{ file: StoredFile; content: Readable }> {
    const row = await this.row(id, readerScopePath);
    const backend = this.backends[row.storage];
    if (!backend) throw new Error(`file ${id} is in ${row.storage}, which FILE_STORE_URL does not configure`);
    const file = this.fileOf(row);
    const content = await backend.open({ id, bytes: file.bytes, scopePath: readerScopePath });
    if (!content) throw fileNotFound();
    return { file, content };
  }

  async remove(id: string, readerScopePath: string): Promise<void> {
    if (!UUID_FORMAT.test(id) || !LTREE_PATH.test(readerScopePath)) return;
    // Marked expired first: unreadable at once, and swept later if its content cannot be removed now.
    const storage = await this.expire(id, readerScopePath);
    if (!storage) return;
    await this.discard(id, readerScopePath, this.backends[storage]).catch(() => undefined);
  }

  /** Makes a file in scope unreadable at once (the sweep's to remove); where its content is, if it exists. */
  private async expire(id: string, scopePath: string): Promise<Storage | undefined> {
    const { rows } = await inScope(this.pool, scopePath, (client) =>
      client.query<{ storage: Storage }>(
        `update ${this.table} set expires_at = '-infinity' where id = $1 and unit_path <@ $2::ltree returning storage`,
        [id, scopePath],
      ),
    );
    return rows[0]?.storage;
  }

  async removeExpired(now: Date = new Date()): Promise<number> {
    let removed = 0;
    for (;;) {
      const { rows } = await this.pool.query<{ id: string; storage: Storage }>(
        `select id, storage from ${qualified(this.schema, 'expired_files')}($1, $2)`,
        [now, SWEEP_BATCH],
      );
      if (rows.length === 0) return removed;
      const removable: string[] = [];
      for (const row of rows) {
        const backend = this.backends[row.storage];
        // Content in a bucket this process is not configured for stays listed for one that is.
        if (!backend) continue;
        const ok = await backend.remove(row.id).then(
          () => true,
          () => false,
        );
        if (ok) removable.push(row.id);
      }
      if (removable.length === 0) return removed;
      const { rows: counted } = await this.pool.query<{ removed: number }>(
        `select ${qualified(this.schema, 'remove_expired_files')}($1, $2::uuid[]) as removed`,
        [now, removable],
      );
      removed += counted[0]!.removed;
      if (rows.length < SWEEP_BATCH || removable.length < rows.length) return removed;
    }
  }

  /** The row of a readable file: complete, unexpired, in scope; NOT_FOUND otherwise (malformed ids too). */
  private async row(id: string, readerScopePath: string): Promise<FileRow> {
    if (!UUID_FORMAT.test(id) || !LTREE_PATH.test(readerScopePath ?? '')) throw fileNotFound();
    const { rows } = await inScope(this.pool, readerScopePath, (client) =>
      client.query<FileRow>(
        `select * from ${this.table}
          where id = $1 and complete and expires_at > now() and unit_path <@ $2::ltree`,
        [id, readerScopePath],
      ),
    );
    if (!rows[0]) throw fileNotFound();
    return rows[0];
  }

  private async discard(id: string, scopePath: string, backend: ContentBackend | undefined): Promise<void> {
    await backend?.remove(id);
    await inScope(this.pool, scopePath, (client) =>
      client.query(`delete from ${this.table} where id = $1 and unit_path <@ $2::ltree`, [id, scopePath]),
    );
  }

  private fileOf(row: FileRow): StoredFile {
    return {
      id: row.id,
      service: this.service,
      fileName: row.file_name,
      contentType: row.content_type,
      bytes: Number(row.bytes),
      ownerSubject: row.owner_subject,
      unitCode: row.unit_code,
      unitPath: row.unit_path,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }
}
