import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, badInput, notFound } from '@ansinh/common';

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const HOUR = 60 * 60 * 1000;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type StoredFile = { owner: string; fileName: string; bytes: number; storedAt: string; expiresAt: string };

export type UploadStoreOptions = {
  directory?: string;
  /** Largest file accepted. */
  maxFileBytes?: number;
  /** An upload that no import has used is removed after this. */
  uploadTtlMs?: number;
  /** An import report can be downloaded for this long. */
  reportTtlMs?: number;
  /** How often expired files are removed. */
  sweepEveryMs?: number;
};

/** A file over the size limit (answered 413 by the upload route). */
export class UploadTooLargeError extends AppError {
  constructor(maxBytes: number) {
    super('BAD_USER_INPUT', `Tệp quá lớn (tối đa ${Math.round(maxBytes / 1024 / 1024)} MB).`, {
      field: 'file',
    });
    this.name = 'UploadTooLargeError';
  }
}

/** The client went away before the whole file arrived; nothing was kept. */
export class UploadAbortedError extends Error {
  constructor() {
    super('upload aborted by the client');
    this.name = 'UploadAbortedError';
  }
}

/**
 * Files of one user kept for a short time: spreadsheets uploaded for import (the GraphQL `Upload`
 * scalar carries the id of one; removed once the import has read it, or after an hour unused) and
 * import reports to download (a day). Only the user who stored a file can use or remove it.
 * Expired files are removed on a timer, and a refused or broken upload is removed at once.
 */
export class UploadStore {
  readonly directory: string;
  readonly maxFileBytes: number;
  private readonly uploadTtlMs: number;
  private readonly reportTtlMs: number;
  private readonly sweepEveryMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: UploadStoreOptions | string = {}) {
    const settings = typeof options === 'string' ? { directory: options } : options;
    this.directory = settings.directory ?? join(tmpdir(), 'ansinh-registry-files');
    this.maxFileBytes = settings.maxFileBytes ?? MAX_UPLOAD_BYTES;
    this.uploadTtlMs = settings.uploadTtlMs ?? HOUR;
    this.reportTtlMs = settings.reportTtlMs ?? 24 * HOUR;
    this.sweepEveryMs = settings.sweepEveryMs ?? 10 * 60 * 1000;
  }

  /** Streams a file to disk, refusing it past `maxBytes`; returns its id. */
  async save(
    content: Readable,
    owner: string,
    fileName: string,
    maxBytes = this.maxFileBytes,
  ): Promise<string> {
    await this.prepare();
    const id = randomUUID();
    let bytes = 0;
    try {
      await pipeline(
        content,
        async function* limit(chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            bytes += chunk.length;
            if (bytes > maxBytes) throw new UploadTooLargeError(maxBytes);
            yield chunk;
          }
        },
        createWriteStream(this.pathOf(id), { mode: 0o600 }),
      );
    } catch (error) {
      await this.remove(id);
      if (error instanceof AppError) throw error;
      throw new UploadAbortedError();
    }
    await this.writeMeta(id, { owner, fileName, bytes }, this.uploadTtlMs);
    return id;
  }

  /** A path where a new file of this owner can be written, and its id (for reports). */
  async reserve(
    owner: string,
    fileName: string,
  ): Promise<{ id: string; path: string; commit(): Promise<void> }> {
    await this.prepare();
    const id = randomUUID();
    return {
      id,
      path: this.pathOf(id),
      commit: async () => {
        const { size } = await stat(this.pathOf(id));
        await this.writeMeta(id, { owner, fileName, bytes: size }, this.reportTtlMs);
      },
    };
  }

  /** The stored file with this id, if it belongs to `owner` and has not expired. */
  async open(id: string, owner: string): Promise<{ path: string; fileName: string; bytes: number }> {
    if (!ID.test(id)) throw badInput('file', 'Mã tệp tải lên không hợp lệ.');
    const meta = await this.metaOfId(id);
    if (!meta || meta.owner !== owner || Date.parse(meta.expiresAt) <= Date.now()) {
      throw notFound('Không tìm thấy tệp đã tải lên (tệp chưa dùng chỉ được giữ 1 giờ). Hãy tải lên lại.');
    }
    return { path: this.pathOf(id), fileName: meta.fileName, bytes: meta.bytes };
  }

  /** Removes a file of `owner`; an id that is not theirs (or is gone) changes nothing. */
  async removeOwned(id: string, owner: string): Promise<void> {
    if (!ID.test(id)) throw badInput('id', 'Mã tệp tải lên không hợp lệ.');
    const meta = await this.metaOfId(id);
    if (meta?.owner === owner) await this.remove(id);
  }

  async remove(id: string): Promise<void> {
    await Promise.all([rm(this.pathOf(id), { force: true }), rm(this.metaOf(id), { force: true })]);
  }

  /** Removes every expired file, and files whose upload never finished. Runs on a timer. */
  async removeExpired(now = Date.now()): Promise<number> {
    let removed = 0;
    const names = await readdir(this.directory).catch(() => [] as string[]);
    const ids = new Set(names.map((name) => name.replace(/\.(file|json)$/, '')).filter((id) => ID.test(id)));
    for (const id of ids) {
      const meta = await this.metaOfId(id);
      let expired: boolean;
      if (meta) expired = !(Date.parse(meta.expiresAt) > now);
      else {
        // No description: an upload still streaming, or one whose process died mid-way.
        const info = await stat(this.pathOf(id)).catch(() => undefined);
        expired = !info || now - info.mtimeMs > this.uploadTtlMs;
      }
      if (expired) {
        await this.remove(id);
        removed++;
      }
    }
    return removed;
  }

  /** Stops the expiry timer (tests; a process that exits needs nothing). */
  close(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private async prepare(): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    if (!this.sweeper) {
      this.sweeper = setInterval(() => void this.removeExpired().catch(() => undefined), this.sweepEveryMs);
      this.sweeper.unref();
    }
  }

  private async writeMeta(id: string, file: Omit<StoredFile, 'storedAt' | 'expiresAt'>, ttlMs: number) {
    const now = Date.now();
    const meta: StoredFile = {
      ...file,
      storedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttlMs).toISOString(),
    };
    await writeFile(this.metaOf(id), JSON.stringify(meta), { mode: 0o600 });
  }

  private async metaOfId(id: string): Promise<StoredFile | undefined> {
    return readFile(this.metaOf(id), 'utf8')
      .then((text) => JSON.parse(text) as StoredFile)
      .catch(() => undefined);
  }

  private pathOf(id: string) {
    return join(this.directory, `${id}.file`);
  }

  private metaOf(id: string) {
    return join(this.directory, `${id}.json`);
  }
}
