import { badInput, defineJobKind, SpreadsheetError, type JobContext } from '@ansinh/common';
import { importR42ListInTransaction, type R42ImportResult } from './r42-import.service.ts';

export const R42_IMPORT = 'resolution-42-import';

/**
 * A stored file up to this size is imported within the request that asked for it (a commune's list
 * of a group: a few hundred rows), and the answer is the finished job; a larger one is queued.
 */
export const R42_INLINE_MAX_BYTES = 1024 * 1024;

export type R42ImportPayload = {
  /** The uploaded spreadsheet, in the approvals file store (readable by the owner's scope). */
  fileId: string;
  fileName: string;
  categoryCode: string;
  unitCode: string;
  decisionNumber: string;
  decisionDate: string;
};

/**
 * The import of a Resolution 42 list as a job: reads the upload from the file store under the owner's
 * scope and imports it in the job's one transaction (a cancel or a killed worker writes nothing).
 * A file that is no readable list fails the job with its Vietnamese reason, on `fileId`.
 */
export const r42ImportJob = defineJobKind<R42ImportPayload, R42ImportResult>({
  kind: R42_IMPORT,
  expireInSeconds: 30 * 60,
  async run(context: JobContext<R42ImportPayload>): Promise<R42ImportResult> {
    const { files, owner, payload } = context;
    const upload = await files.read(payload.fileId, owner.unitPath);
    let result: R42ImportResult;
    try {
      result = await importR42ListInTransaction(context.client, {
        file: upload.content,
        fileName: payload.fileName,
        fileId: payload.fileId,
        categoryCode: payload.categoryCode,
        unitCode: payload.unitCode,
        decisionNumber: payload.decisionNumber,
        decisionDate: payload.decisionDate,
        importedBy: { id: owner.subject, name: owner.name },
        signal: context.signal,
        onProgress: (progress) => context.progress(progress),
      });
    } catch (error) {
      // The upload's stream holds a database connection until it ends: a stopped import lets it go.
      upload.content.destroy();
      if (error instanceof SpreadsheetError) throw badInput('fileId', error.message);
      throw error;
    }
    context.logger.info(
      { listId: result.listId, outcome: result.outcome, rows: result.rows, flagged: result.flagged },
      'resolution 42 list imported',
    );
    return result;
  },
});
