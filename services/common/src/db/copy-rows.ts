import { once } from 'node:events';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | boolean | null;

/** PostgreSQL's COPY is fastest fed writes of tens of kilobytes, not one per row. */
const CHUNK_CHARS = 64 * 1024;

/** A value in COPY's text format. */
export function copyValue(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/**
 * Starts `copy ... from stdin` on the client: rows are buffered into chunks and written with
 * backpressure, so memory stays flat however many rows come.
 */
export function copyRows(client: ClientBase, sql: string) {
  const stream = client.query(copyFrom(sql));
  const finished = once(stream, 'finish');
  finished.catch(() => undefined); // awaited in end(); a failure before then must not go unhandled
  let chunk = '';
  return {
    async write(row: readonly CopyValue[]): Promise<void> {
      chunk += row.map(copyValue).join('\t') + '\n';
      if (chunk.length >= CHUNK_CHARS) {
        const flushed = stream.write(chunk);
        chunk = '';
        if (!flushed) await once(stream, 'drain');
      }
    },
    async end(): Promise<void> {
      stream.end(chunk);
      chunk = '';
      await finished;
    },
    /**
     * Gives up an unfinished COPY (pg-copy-streams sends CopyFail): until then the connection is in COPY
     * mode and a `rollback` sent on it would wait forever.
     */
    async abort(): Promise<void> {
      if (stream.writableFinished || stream.destroyed) return;
      const closed = once(stream, 'close').catch(() => undefined);
      stream.destroy(new Error('COPY abandoned'));
      await closed;
    },
  };
}
