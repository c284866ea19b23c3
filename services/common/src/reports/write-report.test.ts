import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError } from '../errors/app-error.ts';
import { CollectingTarget, failingRows, manyRows, PAYMENT_ROWS, paymentTable } from './report-fixture.ts';
import { REPORT_FORMATS, type ReportFormat, type ReportRow } from './report-table.ts';
import { writeReport } from './write-report.ts';

const NO_LISTENERS = new CollectingTarget().listenerCounts();

/** A source that counts how far it was read and whether it was closed (a cursor released). */
function watchedRows(count: number) {
  const seen = { read: 0, closed: false };
  async function* rows(): AsyncGenerator<ReportRow> {
    try {
      for await (const row of manyRows(count)) {
        seen.read++;
        yield row;
      }
    } finally {
      seen.closed = true;
    }
  }
  return { seen, rows: rows() };
}

describe.each(REPORT_FORMATS)('writeReport as %s', (format: ReportFormat) => {
  it('writes the file, ends the target and leaves no listener on it', async () => {
    const target = new CollectingTarget();
    const result = await writeReport(format, paymentTable(), target);
    expect(result).toEqual({ rowCount: PAYMENT_ROWS.length });
    expect(target.writableFinished).toBe(true);
    expect(target.content.length).toBeGreaterThan(100);
    expect(target.listenerCounts()).toEqual(NO_LISTENERS);
  });

  it('rejects with the error of a source that throws midway, destroys the target and leaves no listener once it closed', async () => {
    const target = new CollectingTarget();
    const failure = new Error('cursor lost');
    await expect(writeReport(format, paymentTable({ rows: failingRows(2, failure) }), target)).rejects.toBe(
      failure,
    );
    expect(target.destroyed).toBe(true);
    expect(target.writableFinished).toBe(false);
    await nextTurn();
    expect(target.closed).toBe(true);
    expect(target.listenerCounts()).toEqual(NO_LISTENERS);
  });

  it('rejects with the error of a target that fails midway, stops reading the source and closes it', async () => {
    const target = new PassThrough({ highWaterMark: 1024 });
    const before = ['error', 'close', 'drain', 'finish'].map((event) => target.listenerCount(event));
    const failure = new Error('store went away');
    let bytes = 0;
    target.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > 0) target.destroy(failure);
    });
    // An XLSX or CSV fails while rows still come; a PDF (short reports, all rows read first) while it is written.
    const { seen, rows } = watchedRows(format === 'pdf' ? 500 : 200_000);
    await expect(writeReport(format, paymentTable({ rows }), target)).rejects.toBe(failure);
    expect(seen.closed).toBe(true);
    if (format !== 'pdf') expect(seen.read).toBeLessThan(200_000);
    await nextTurn();
    expect(['error', 'close', 'drain', 'finish'].map((event) => target.listenerCount(event))).toEqual(before);
  });

  it('rejects at once when the target was already destroyed', async () => {
    const target = new CollectingTarget();
    target.destroy();
    await expect(writeReport(format, paymentTable(), target)).rejects.toMatchObject({
      code: 'ERR_STREAM_PREMATURE_CLOSE',
    });
    await nextTurn();
    expect(target.listenerCounts()).toEqual(NO_LISTENERS);
  });

  it('lets a file store reading the target see a broken file, never a complete one', async () => {
    const target = new PassThrough();
    const read = (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of target) chunks.push(chunk as Buffer);
      return chunks;
    })();
    const reading = read.then(
      () => 'complete',
      (error: { code?: string }) => error.code,
    );
    await expect(
      writeReport(format, paymentTable({ rows: failingRows(3, new Error('gone')) }), target),
    ).rejects.toThrow('gone');
    expect(await reading).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });
});

describe('writeReport', () => {
  it('refuses a format it does not know', async () => {
    const target = new CollectingTarget();
    const refusal = await writeReport('docx' as ReportFormat, paymentTable(), target).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT', field: 'format' });
    expect(target.destroyed).toBe(true);
  });
});
