import { Readable } from 'node:stream';
import type pg from 'pg';
import { inScope, qualified, type ContentBackend } from './file-content.ts';

/** Size of one stored chunk: big enough for few rows, small enough to hold two per transfer. */
export const FILE_CHUNK_BYTES = 1024 * 1024;

/**
 * Content as ~1 MiB `bytea` rows of `<schema>.file_chunks`, each written and read in its own
 * short transaction: a file is never whole in memory, and a connection is held for one chunk at
 * a time. Chunks go with their file (`on delete cascade`).
 */
export function postgresContent(pool: pg.Pool, schema: string): ContentBackend {
  const chunks = qualified(schema, 'file_chunks');
  return {
    storage: 'postgres',

    async write(file, content) {
      const insert = (seq: number, data: Buffer) =>
        inScope(pool, file.scopePath, (client) =>
          client.query(`insert into ${chunks} (file_id, seq, data) values ($1, $2, $3)`, [
            file.id,
            seq,
            data,
          ]),
        );
      let buffer = Buffer.allocUnsafe(FILE_CHUNK_BYTES);
      let filled = 0;
      let seq = 0;
      for await (const piece of content) {
        let offset = 0;
        while (offset < piece.length) {
          const taken = piece.copy(buffer, filled, offset);
          filled += taken;
          offset += taken;
          if (filled === FILE_CHUNK_BYTES) {
            await insert(seq++, buffer);
            buffer = Buffer.allocUnsafe(FILE_CHUNK_BYTES);
            filled = 0;
          }
        }
      }
      if (filled > 0) await insert(seq, buffer.subarray(0, filled));
    },

    async open(file) {
      const after = async (seq: number) => {
        const { rows } = await inScope(pool, file.scopePath, (client) =>
          client.query<{ seq: number; data: Buffer }>(
            `select seq, data from ${chunks} where file_id = $1 and seq > $2 order by seq limit 1`,
            [file.id, seq],
          ),
        );
        return rows[0];
      };
      // The first chunk before the answer starts: a file removed meanwhile is a NOT_FOUND, not a cut download.
      const first = await after(-1);
      if (!first && file.bytes > 0) return undefined;
      async function* read(): AsyncGenerator<Buffer> {
        let row = first;
        let bytes = 0;
        while (row) {
          bytes += row.data.length;
          yield row.data;
          row = await after(row.seq);
        }
        // Removed while it was being read: the reader gets an error, not a short file.
        if (bytes !== file.bytes)
          throw new Error(`file ${file.id} ended after ${bytes} of ${file.bytes} bytes`);
      }
      // One chunk ready ahead of the reader, not the whole file.
      return Readable.from(read(), { objectMode: false, highWaterMark: FILE_CHUNK_BYTES });
    },

    // The chunks go with the file's row.
    async remove() {},
  };
}
