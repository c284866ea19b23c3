import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, badInput, notFound } from '@ansinh/common';

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const KEEP_MS = 24 * 60 * 60 * 1000;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type StoredFile = { owner: string; fileName: string; bytes: number; storedAt: string };

/**
 * Files of one user kept for a day: spreadsheets uploaded for import (the GraphQL `Upload` scalar
 * carries the id of one) and the import reports to download. Only the user who stored a file can use it.
 */
export class UploadStore {
  readonly directory: string;

  constructor(directory = join(tmpdir(), 'ansinh-registry-files')) {
    this.directory = directory;
  }

  /** Streams a file to disk, refusing it past `maxBytes`; returns its id. */
  async save(
    content: Readable,
    owner: string,
    fileName: string,
    maxBytes = MAX_UPLOAD_BYTES,
  ): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    void this.removeExpired();
    const id = randomUUID();
    let bytes = 0;
    try {
      await pipeline(
        content,
        async function* limit(chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            bytes += chunk.length;
            if (bytes > maxBytes) {
              throw new AppError('BAD_USER_INPUT', `Tệp quá lớn (tối đa ${maxBytes / 1024 / 1024} MB).`, {
                field: 'file',
              });
            }
            yield chunk;
          }
        },
        createWriteStream(this.pathOf(id)),
      );
    } catch (error) {
      await this.remove(id);
      throw error;
    }
    const meta: StoredFile = { owner, fileName, bytes, storedAt: new Date().toISOString() };
    await writeFile(this.metaOf(id), JSON.stringify(meta));
    return id;
  }

  /** A path where a new file of this owner can be written, and its id (for reports). */
  async reserve(
    owner: string,
    fileName: string,
  ): Promise<{ id: string; path: string; commit(): Promise<void> }> {
    await mkdir(this.directory, { recursive: true });
    const id = randomUUID();
    return {
      id,
      path: this.pathOf(id),
      commit: async () => {
        const { size } = await stat(this.pathOf(id));
        const meta: StoredFile = { owner, fileName, bytes: size, storedAt: new Date().toISOString() };
        await writeFile(this.metaOf(id), JSON.stringify(meta));
      },
    };
  }

  /** The stored file with this id, if it belongs to `owner`. */
  async open(id: string, owner: string): Promise<{ path: string; fileName: string; bytes: number }> {
    if (!ID.test(id)) throw badInput('file', 'Mã tệp tải lên không hợp lệ.');
    const meta = await readFile(this.metaOf(id), 'utf8')
      .then((text) => JSON.parse(text) as StoredFile)
      .catch(() => undefined);
    if (!meta || meta.owner !== owner) {
      throw notFound('Không tìm thấy tệp đã tải lên (tệp chỉ được giữ 24 giờ). Hãy tải lên lại.');
    }
    return { path: this.pathOf(id), fileName: meta.fileName, bytes: meta.bytes };
  }

  async remove(id: string): Promise<void> {
    await Promise.all([rm(this.pathOf(id), { force: true }), rm(this.metaOf(id), { force: true })]);
  }

  private pathOf(id: string) {
    return join(this.directory, `${id}.file`);
  }

  private metaOf(id: string) {
    return join(this.directory, `${id}.json`);
  }

  private async removeExpired(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.directory).catch(() => [] as string[])) {
      const path = join(this.directory, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > KEEP_MS) await rm(path, { force: true });
    }
  }
}
