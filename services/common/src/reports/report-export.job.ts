import { PassThrough } from 'node:stream';
import type pg from 'pg';
import { AppError, badInput } from '../errors/app-error.ts';
import { downloadPath, type StoredFile } from '../files/file-store.ts';
import { defineJobKind, type JobContext, type JobKind, type JobRecord } from '../jobs/job.types.ts';
import { READ_CONFIDENTIAL_SETTING } from '../scope/row-level-security.ts';
import { REPORT_FORMATS, type ReportFormat, type ReportRow, type ReportTable } from './report-table.ts';
import { REPORT_CONTENT_TYPES, reportFileName, writeReport } from './write-report.ts';

/** Most rows an export writes, whatever its format: past it the job fails and keeps nothing. */
export const MAX_EXPORT_ROWS = 1_000_000;
/**
 * Largest export file: a file the system writes from at most MAX_EXPORT_ROWS rows (a 1,000,000-row CSV is
 * about 145 MB), above the store's limit for uploads (FILE_MAX_MB) when that is lower.
 */
export const MAX_EXPORT_BYTES = 512 * 1024 * 1024;
/** Rows between two progress reports (the jobs module writes the latest about once a second). */
const PROGRESS_EVERY = 1_000;
/** Rows fetched per round trip by cursorRows. */
const FETCH_ROWS = 2_000;

/** What every export job carries, checked when it was asked for. */
export type ReportExportPayload = {
  /** The report's name (`payment-summary`, `persons`), in the result. */
  report: string;
  format: ReportFormat;
  /**
   * Whether the owner reads confidential categories (`entitlement:read-confidential`), decided when the
   * export was asked for: the job reads the published views as the owner's requests do.
   */
  readConfidential: boolean;
};

/** The stored file of an export, as the GraphQL `ExportedFile` shows it. */
export type ExportedReportFile = {
  id: string;
  fileName: string;
  contentType: string;
  bytes: number;
  /** ISO 8601. */
  expiresAt: string;
  /** `/files/<service>/<id>`: where the gateway serves it to a reader whose unit covers the owner's. */
  url: string;
};

/** The result of an export job (its JSON in `jobs.jobs`). */
export type ReportExportResult = {
  report: string;
  format: ReportFormat;
  rows: number;
  file: ExportedReportFile;
};

/** A table to export and, when known before the rows are read, how many it has (the progress total, the cap). */
export type ExportTable = ReportTable & { expectedRows?: number | undefined };

/**
 * A job kind that writes one table to the job's file store: `table` reads it through the job's
 * `client` (its one transaction, scoped as the owner) and streams it; the writer and the store run
 * together through a pipe, so that memory stays flat however many rows there are. The file belongs to
 * the owner's unit; it is removed again when the job's transaction does not commit (cancelled, failed,
 * its worker stopped), and nothing is kept of a file whose writing or storing failed. Progress counts
 * the rows written; a cancel stops the reading at the next row.
 */
export function reportExportJob<TPayload extends ReportExportPayload>(options: {
  /** `report-export`, `person-export`. */
  kind: string;
  table(client: pg.ClientBase, payload: TPayload, signal: AbortSignal): Promise<ExportTable>;
  /** The file's name without extension (`danh-sach-doi-tuong-18073`): reportFileName adds it. */
  fileName(payload: TPayload): string;
  /** Most rows (MAX_EXPORT_ROWS when not given). */
  maxRows?: number;
  expireInSeconds?: number;
}): JobKind<TPayload, ReportExportResult> {
  const maxRows = options.maxRows ?? MAX_EXPORT_ROWS;
  return defineJobKind<TPayload, ReportExportResult>({
    kind: options.kind,
    ...(options.expireInSeconds ? { expireInSeconds: options.expireInSeconds } : {}),
    async run(context: JobContext<TPayload>): Promise<ReportExportResult> {
      const { client, payload, signal } = context;
      if (!(REPORT_FORMATS as readonly string[]).includes(payload.format))
        throw new Error(`${options.kind}: no report format "${String(payload.format)}"`);
      // A job's session reads confidential categories masked; the owner's right, as it was when asked, decides.
      await client.query('select set_config($1, $2, true)', [
        READ_CONFIDENTIAL_SETTING,
        payload.readConfidential ? 'on' : 'off',
      ]);
      const table = await options.table(client, payload, signal);
      if (table.expectedRows !== undefined && table.expectedRows > maxRows) throw tooManyRows(maxRows);
      context.progress({ phase: 'rows', done: 0, total: table.expectedRows ?? null });
      const { file, rows } = await writeToStore(context, table, {
        fileName: reportFileName(options.fileName(payload), payload.format),
        maxRows,
      });
      context.progress({ phase: 'rows', done: rows, total: rows });
      return { report: payload.report, format: payload.format, rows, file: exportedFile(file) };
    },
  });
}

const tooManyRows = (maxRows: number) =>
  badInput(
    'filter',
    `Danh sách xuất có hơn ${maxRows.toLocaleString('vi-VN')} dòng, quá giới hạn của một tệp: hãy thu hẹp điều kiện lọc (đơn vị, tháng, trạng thái).`,
  );

/** What the API says of a file a subgraph wrote for a user to download (exports, disbursement files). */
export function exportedFile(file: StoredFile): ExportedReportFile {
  return {
    id: file.id,
    fileName: file.fileName,
    contentType: file.contentType,
    bytes: file.bytes,
    // The store's pool may hand timestamps back as text.
    expiresAt: new Date(file.expiresAt).toISOString(),
    url: downloadPath(file),
  };
}

/**
 * Writes the table into the job's file store through a pipe, both sides awaited together: a failure
 * of either (or a cancel) destroys the pipe, so that the other stops too and nothing is kept.
 */
async function writeToStore(
  context: JobContext<ReportExportPayload>,
  table: ExportTable,
  options: { fileName: string; maxRows: number },
): Promise<{ file: StoredFile; rows: number }> {
  const { files, owner, signal, payload } = context;
  const pipe = new PassThrough();
  let failure: unknown;
  let stopped!: (error: unknown) => void;
  const stoppedEarly = new Promise<never>((_resolve, reject) => (stopped = reject));
  stoppedEarly.catch(() => undefined);
  const stop = (error: unknown) => {
    failure ??= error;
    pipe.destroy(error instanceof Error ? error : new Error(String(error)));
    stopped(error);
  };
  const onAbort = () => stop(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });

  let written = 0;
  async function* counted(): AsyncGenerator<ReportRow> {
    for await (const row of table.rows) {
      signal.throwIfAborted();
      if (written >= options.maxRows) {
        const error = tooManyRows(options.maxRows);
        failure ??= error;
        throw error;
      }
      yield row;
      written += 1;
      if (written % PROGRESS_EVERY === 0)
        context.progress({ phase: 'rows', done: written, total: table.expectedRows ?? null });
    }
  }

  const writing = writeReport(payload.format, { ...table, rows: counted() }, pipe).then(
    (result) => {
      if (!pipe.writableEnded) pipe.end();
      return result;
    },
    (error: unknown) => {
      stop(error);
      throw error;
    },
  );
  const storing = files
    .put(pipe, {
      fileName: options.fileName,
      contentType: REPORT_CONTENT_TYPES[payload.format],
      owner: { subject: owner.subject, unitCode: owner.unitCode, unitPath: owner.unitPath },
      maxBytes: Math.max(files.maxFileBytes, MAX_EXPORT_BYTES),
    })
    .then(
      (file) => {
        // Also once the handler has returned: a cancel before the commit takes the file away again.
        context.onRollback(() => files.remove(file.id, owner.unitPath));
        return file;
      },
      (error: unknown) => {
        stop(error);
        throw error;
      },
    );
  try {
    // A writer left waiting on a destroyed pipe is not waited for: the first failure settles it.
    const [wrote, stored] = await Promise.allSettled([Promise.race([writing, stoppedEarly]), storing]);
    if (wrote.status === 'fulfilled' && stored.status === 'fulfilled') {
      signal.throwIfAborted();
      return { file: stored.value, rows: wrote.value.rowCount };
    }
    if (stored.status === 'fulfilled')
      await files.remove(stored.value.id, owner.unitPath).catch(() => undefined);
    throw firstFailure(
      failure,
      wrote.status === 'rejected' ? wrote.reason : undefined,
      stored.status === 'rejected' ? stored.reason : undefined,
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The error that says why: an official's refusal (AppError) before a fault, the first cause before its echoes. */
function firstFailure(...errors: unknown[]): unknown {
  const present = errors.filter((error) => error !== undefined);
  return present.find((error) => error instanceof AppError) ?? present[0];
}

/**
 * Rows of a query read through a cursor of the open transaction of `client`, `FETCH_ROWS` at a time:
 * a list of a million persons never sits in memory. `map` turns a database row into a report row
 * (bigint money comes back as text). Call it only inside a transaction (a job's `client` is one).
 */
export async function* cursorRows<TRow extends pg.QueryResultRow>(
  client: pg.ClientBase,
  sql: string,
  params: readonly unknown[],
  map: (row: TRow) => ReportRow,
  options: { fetchRows?: number; signal?: AbortSignal } = {},
): AsyncGenerator<ReportRow> {
  const name = `export_rows_${(cursorSerial = (cursorSerial + 1) % 1_000_000)}`;
  await client.query(`declare ${name} no scroll cursor for ${sql}`, [...params]);
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const { rows } = await client.query<TRow>(
        `fetch forward ${options.fetchRows ?? FETCH_ROWS} from ${name}`,
      );
      for (const row of rows) yield map(row);
      if (rows.length < (options.fetchRows ?? FETCH_ROWS)) return;
    }
  } finally {
    // A cursor of an aborted transaction went with it; closing it then fails, which changes nothing.
    await client.query(`close ${name}`).catch(() => undefined);
  }
}
let cursorSerial = 0;

/** The `ExportFormat` argument (`XLSX`, `CSV`, `PDF`) as the format the writers take. */
export function exportFormatArgument(value: unknown, field = 'format'): ReportFormat {
  const format = String(value).toLowerCase();
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    throw badInput(field, 'Định dạng tệp phải là XLSX, CSV hoặc PDF.');
  return format as ReportFormat;
}

/**
 * The `Job` field that shows an export's result (`Job.personExport`): the result once a job of `kind`
 * is done, null for other kinds and before; the format as the `ExportFormat` enum.
 */
export function reportExportOf(job: JobRecord, kind: string) {
  if (job.kind !== kind || job.state !== 'done' || !job.result) return null;
  const result = job.result as ReportExportResult;
  return { ...result, format: result.format.toUpperCase() as Uppercase<ReportFormat> };
}
