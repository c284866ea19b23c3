import { PassThrough, Transform, type Readable } from 'node:stream';
import { badInput, defineJobKind, SpreadsheetError, type JobContext, type JobOwner } from '@ansinh/common';
import type { ColumnAssignment } from './column-mapping.ts';
import {
  importPersonsInTransaction,
  type ImportProgress,
  type PersonImportReport,
} from './person-import.service.ts';

export const PERSON_IMPORT = 'person-import';

/**
 * A stored file up to this size is imported within the request that asked for it, and the answer
 * is the finished job: about 5,000 rows of CSV (an official's list of a commune, the daily case)
 * take well under 2 s. A larger one is queued and the answer is the queued job.
 */
export const INLINE_IMPORT_MAX_BYTES = 1024 * 1024;

/** How long the report of refused rows can be downloaded. */
export const IMPORT_REPORT_TTL_MS = 7 * 24 * 60 * 60_000;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ZIP_SIGNATURE = 0x50_4b_03_04;

export type PersonImportPayload = {
  /** The uploaded spreadsheet, in the registry's file store (readable by the owner's scope). */
  fileId: string;
  fileName: string;
  mapping?: ColumnAssignment[] | undefined;
  defaultUnitCode?: string | undefined;
};

/** The job's result: what the import did, and the stored XLSX of refused rows when there are some. */
export type PersonImportResult = Omit<PersonImportReport, 'reportWritten'> & { reportFileId: string | null };

/**
 * Counts the bytes read from the upload, so that progress can say how far the reading is and, for
 * CSV (rows in file order, so bytes grow with rows), estimate the number of rows before the end.
 */
function byteCounter(onBytes: (bytes: number, firstBytes: Buffer) => void): Transform {
  let bytes = 0;
  let first: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      first ??= chunk.subarray(0, 4);
      bytes += chunk.length;
      onBytes(bytes, first);
      callback(null, chunk);
    },
  });
}

/** The owner of the job, as the file store knows owners. */
const fileOwner = (owner: JobOwner) => ({
  subject: owner.subject,
  unitCode: owner.unitCode,
  unitPath: owner.unitPath,
});

/**
 * The person import as a job: reads the upload from the file store under the owner's scope, imports
 * it in the job's transaction (so a killed worker or a cancel writes nothing), writes the refused rows
 * into the store as an XLSX that the owner's scope can download for 7 days, and reports its progress
 * (reading: bytes; checking: rows, with an estimated total for CSV; writing: steps).
 */
export const personImportJob = defineJobKind<PersonImportPayload, PersonImportResult>({
  kind: PERSON_IMPORT,
  expireInSeconds: 2 * 60 * 60,
  async run(context: JobContext<PersonImportPayload>): Promise<PersonImportResult> {
    const { files, owner, payload } = context;
    const upload = await files.read(payload.fileId, owner.unitPath);
    const fileBytes = upload.file.bytes;
    let bytesRead = 0;
    let isZip = false;
    let checking = false;
    const counted: Readable = upload.content.pipe(
      byteCounter((bytes, first) => {
        bytesRead = bytes;
        isZip = first.length === 4 && first.readUInt32BE(0) === ZIP_SIGNATURE;
        if (!checking) context.progress({ phase: 'reading', done: bytes, total: fileBytes });
      }),
    );
    upload.content.once('error', (error) => counted.destroy(error));
    // Their errors reach the import (which reads `counted`) and the store (which reads `report`), not the process.
    counted.on('error', () => undefined);
    const onProgress = (progress: ImportProgress) => {
      if (progress.phase === 'reading') return;
      checking = true;
      let total = progress.total ?? null;
      if (progress.phase === 'checking' && total === null && !isZip && bytesRead > 0) {
        total = Math.max(progress.done, Math.round((progress.done * fileBytes) / bytesRead));
      }
      context.progress({ phase: progress.phase, done: progress.done, total });
    };

    const report = new PassThrough();
    report.on('error', () => undefined);
    const stored = files.put(report, {
      fileName: `loi-nhap-${payload.fileName.replace(/\.\w+$/, '')}.xlsx`,
      contentType: XLSX,
      owner: fileOwner(owner),
      expiresAt: new Date(Date.now() + IMPORT_REPORT_TTL_MS),
    });
    // Awaited below on every path; a refused report must not be an unhandled rejection meanwhile.
    stored.catch(() => undefined);
    let result: PersonImportReport;
    try {
      result = await importPersonsInTransaction(context.client, {
        file: counted,
        fileName: payload.fileName,
        mapping: payload.mapping,
        defaultUnitCode: payload.defaultUnitCode,
        report: { target: report },
        onProgress,
        signal: context.signal,
      });
    } catch (error) {
      report.destroy(error as Error);
      // The upload's stream holds a database connection until it ends: a stopped import lets it go.
      upload.content.destroy();
      counted.destroy();
      await stored.then((file) => files.remove(file.id, owner.unitPath)).catch(() => undefined);
      if (error instanceof SpreadsheetError) throw badInput('file', error.message);
      throw error;
    }
    const reportFile = await stored;
    const { reportWritten, ...counts } = result;
    if (!reportWritten) await files.remove(reportFile.id, owner.unitPath);
    // A cancel that arrives now, before the job's transaction commits, must not keep the report.
    else context.onRollback(() => files.remove(reportFile.id, owner.unitPath));
    context.logger.info(
      { importId: result.id, rows: result.rows, created: result.created, rejected: result.rejected },
      'persons imported',
    );
    // The upload has served its purpose; a failed run keeps it for the retry, and its expiry removes it.
    await files.remove(payload.fileId, owner.unitPath).catch(() => undefined);
    return { ...counts, reportFileId: reportWritten ? reportFile.id : null };
  },
});
