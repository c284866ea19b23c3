import { describe, expect, it } from '@jest/globals';
import type { PoolClient } from 'pg';
import { pino } from 'pino';
import { AppError } from '../errors/app-error.ts';
import type { FileStore, NewFile, StoredFile } from '../files/file-store.ts';
import type { JobContext, JobProgressUpdate } from '../jobs/job.types.ts';
import {
  exportFormatArgument,
  reportExportJob,
  reportExportOf,
  type ExportTable,
  type ReportExportPayload,
} from './report-export.job.ts';
import type { ReportRow } from './report-table.ts';

/** A store in memory that keeps a file only once its content was read to the end, as the real one. */
function memoryStore(options: { failAfterBytes?: number } = {}) {
  const kept = new Map<string, { file: StoredFile; content: Buffer }>();
  const removed: string[] = [];
  let serial = 0;
  const store: FileStore = {
    service: 'test',
    maxFileBytes: 1024 * 1024,
    async put(content, file: NewFile) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of content as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (options.failAfterBytes !== undefined && bytes > options.failAfterBytes)
          throw new Error('the store is down');
        chunks.push(Buffer.from(chunk));
      }
      const id = `00000000-0000-4000-8000-${String(++serial).padStart(12, '0')}`;
      const stored: StoredFile = {
        id,
        service: 'test',
        fileName: file.fileName,
        contentType: file.contentType,
        bytes,
        ownerSubject: file.owner.subject,
        unitCode: file.owner.unitCode,
        unitPath: file.owner.unitPath,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 60_000),
      };
      kept.set(id, { file: stored, content: Buffer.concat(chunks) });
      return stored;
    },
    stat: () => Promise.reject(new Error('not used')),
    read: () => Promise.reject(new Error('not used')),
    async remove(id) {
      removed.push(id);
      kept.delete(id);
    },
    removeExpired: () => Promise.resolve(0),
  };
  return { store, kept, removed };
}

const OWNER = { subject: 'user-1', name: 'xa.18073', unitCode: '18073', unitPath: 'vn.42.18073' };

function jobContext(files: FileStore, payload: ReportExportPayload, signal = new AbortController().signal) {
  const statements: { text: string; values: unknown[] | undefined }[] = [];
  const progress: JobProgressUpdate[] = [];
  const rollbacks: (() => Promise<unknown>)[] = [];
  const client = {
    query: (text: string, values?: unknown[]) => {
      statements.push({ text, values });
      return Promise.resolve({ rows: [] });
    },
  } as unknown as PoolClient;
  const context: JobContext<ReportExportPayload> = {
    id: 'job-1',
    kind: 'test-export',
    attempt: 1,
    payload,
    owner: OWNER,
    client,
    session: { role: 'ansinh_test', variables: {} },
    files,
    progress: (update) => progress.push(update),
    signal,
    logger: pino({ level: 'silent' }),
    onRollback: (undo) => rollbacks.push(undo),
  };
  return { context, statements, progress, rollbacks };
}

/** Rows of persons with Vietnamese names, counted as they are read. */
function people(count: number, read = { rows: 0 }, options: { failAt?: number } = {}) {
  return (async function* (): AsyncGenerator<ReportRow> {
    for (let index = 1; index <= count; index++) {
      if (index === options.failAt) throw new Error('the database went away');
      read.rows = index;
      yield { name: `Nguyễn Thị Ánh ${index}`, amount: 500_000 * index };
      await Promise.resolve();
    }
  })();
}

const table = (rows: ExportTable['rows'], expectedRows?: number): ExportTable => ({
  title: 'Danh sách chi trả',
  subtitle: 'Đơn vị: Phường Thành Sen (18073) · Tháng: 11/2026',
  columns: [
    { key: 'name', header: 'Họ và tên', kind: 'text' },
    { key: 'amount', header: 'Số tiền', kind: 'vnd', total: true },
  ],
  rows,
  totalsLabel: 'Tổng cộng',
  ...(expectedRows === undefined ? {} : { expectedRows }),
});

const csvPayload: ReportExportPayload = { report: 'test-list', format: 'csv', readConfidential: false };

const kindOf = (make: () => ExportTable, maxRows?: number) =>
  reportExportJob<ReportExportPayload>({
    kind: 'test-export',
    table: () => Promise.resolve(make()),
    fileName: () => 'Danh sách 18073',
    ...(maxRows === undefined ? {} : { maxRows }),
  });

describe('reportExportJob', () => {
  it('writes the table to the store for the owner, reports progress and answers where the file is', async () => {
    const { store, kept } = memoryStore();
    const { context, statements, progress, rollbacks } = jobContext(store, csvPayload);
    const result = await kindOf(() => table(people(2_500), 2_500)).run(context);

    expect(result).toMatchObject({
      report: 'test-list',
      format: 'csv',
      rows: 2_500,
      file: { fileName: 'danh-sach-18073.csv', contentType: 'text/csv' },
    });
    const [file] = [...kept.values()];
    expect(result.file).toEqual({
      id: file!.file.id,
      fileName: file!.file.fileName,
      contentType: 'text/csv',
      bytes: file!.content.length,
      expiresAt: file!.file.expiresAt.toISOString(),
      url: `/files/test/${file!.file.id}`,
    });
    expect(file!.file).toMatchObject({ ownerSubject: 'user-1', unitCode: '18073', unitPath: 'vn.42.18073' });
    const text = file!.content.toString('utf8');
    expect(text).toContain('Nguyễn Thị Ánh 2500');
    // The job's transaction reads confidential categories as the owner could when asking.
    expect(statements[0]).toEqual({
      text: 'select set_config($1, $2, true)',
      values: ['ansinh.read_confidential', 'off'],
    });
    expect(progress.at(0)).toEqual({ phase: 'rows', done: 0, total: 2_500 });
    expect(progress).toContainEqual({ phase: 'rows', done: 2_000, total: 2_500 });
    expect(progress.at(-1)).toEqual({ phase: 'rows', done: 2_500, total: 2_500 });
    // A transaction that does not commit takes the file away again.
    expect(rollbacks).toHaveLength(1);
    await rollbacks[0]!();
    expect(kept.size).toBe(0);
  });

  it('reads confidential categories in the job only for an owner who may', async () => {
    const { store } = memoryStore();
    const { context, statements } = jobContext(store, { ...csvPayload, readConfidential: true });
    await kindOf(() => table(people(1))).run(context);
    expect(statements[0]!.values).toEqual(['ansinh.read_confidential', 'on']);
  });

  it('refuses a table whose count passes the cap before reading a row', async () => {
    const { store, kept } = memoryStore();
    const read = { rows: 0 };
    const { context } = jobContext(store, csvPayload);
    const refusal = await kindOf(() => table(people(10, read), 10), 5)
      .run(context)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((refusal as Error).message).toContain('quá giới hạn của một tệp');
    expect(read.rows).toBe(0);
    expect(kept.size).toBe(0);
  });

  it('stops at the cap when the count was not known, and keeps nothing', async () => {
    const { store, kept } = memoryStore();
    const read = { rows: 0 };
    const { context } = jobContext(store, csvPayload);
    const refusal = await kindOf(() => table(people(10, read)), 5)
      .run(context)
      .catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((refusal as Error).message).toContain('hơn 5 dòng');
    expect(read.rows).toBe(6);
    expect(kept.size).toBe(0);
  });

  it('stops reading when the store fails, and answers the store’s error', async () => {
    const { store, kept } = memoryStore({ failAfterBytes: 64 * 1024 });
    const read = { rows: 0 };
    const { context } = jobContext(store, csvPayload);
    await expect(kindOf(() => table(people(200_000, read))).run(context)).rejects.toThrow(
      'the store is down',
    );
    expect(read.rows).toBeLessThan(200_000);
    expect(kept.size).toBe(0);
  });

  it('keeps nothing when the rows fail midway', async () => {
    const { store, kept } = memoryStore();
    const { context } = jobContext(store, csvPayload);
    await expect(
      kindOf(() => table(people(12_000, { rows: 0 }, { failAt: 8_000 }))).run(context),
    ).rejects.toThrow('the database went away');
    expect(kept.size).toBe(0);
  });

  it('stops when the job is cancelled, and keeps nothing', async () => {
    const { store, kept } = memoryStore();
    const cancel = new AbortController();
    const read = { rows: 0 };
    const rows = (async function* () {
      for await (const row of people(100_000, read)) {
        if (read.rows === 1_000) cancel.abort(new Error('cancelled by its owner'));
        yield row;
      }
    })();
    const { context } = jobContext(store, csvPayload, cancel.signal);
    await expect(kindOf(() => table(rows)).run(context)).rejects.toThrow('cancelled by its owner');
    expect(read.rows).toBeLessThan(1_010);
    expect(kept.size).toBe(0);
  });

  it('passes on the writer’s refusal of a PDF that is too long', async () => {
    const { store, kept } = memoryStore();
    const { context } = jobContext(store, { ...csvPayload, format: 'pdf' });
    const refusal = await kindOf(() => table(people(20_001)))
      .run(context)
      .catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((refusal as Error).message).toContain('PDF');
    expect(kept.size).toBe(0);
  });
});

describe('exportFormatArgument and reportExportOf', () => {
  it('reads the GraphQL format and refuses any other', () => {
    expect(exportFormatArgument('XLSX')).toBe('xlsx');
    expect(exportFormatArgument('PDF')).toBe('pdf');
    expect(() => exportFormatArgument('DOCX', 'input.format')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.format' }),
    );
  });

  it('shows the result of a finished job of its kind only', () => {
    const result = { report: 'r', format: 'xlsx', rows: 3, file: { id: 'f' } };
    const job = { kind: 'test-export', state: 'done', result } as never;
    expect(reportExportOf(job, 'test-export')).toEqual({ ...result, format: 'XLSX' });
    expect(reportExportOf(job, 'other-export')).toBeNull();
    expect(reportExportOf({ ...(job as object), state: 'running' } as never, 'test-export')).toBeNull();
  });
});
