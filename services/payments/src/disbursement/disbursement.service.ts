import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badInput,
  conflict,
  displayMonth,
  exportedFile,
  type ExportedReportFile,
  forbidden,
  notFound,
  todayInVietnam,
  type FileStore,
  type Session,
} from '@ansinh/common';
import {
  countExportLines,
  exportLinesAfter,
  findLinesByCode,
  findList,
  findReconciliations,
  insertReconciliation,
  markPaying,
  applyMatches,
  type ListForWork,
  type ReconciliationRow,
} from './disbursement.repository.ts';
import {
  disbursementFileName,
  disbursementHeader,
  disbursementRecord,
  MAX_LINES_PER_FILE,
  POST_PROVIDER,
} from './disbursement-file.rules.ts';
import { MAX_RESULT_BYTES, parseResultFile, vnd } from './result-file.rules.ts';
import { reconcile } from './reconciliation.rules.ts';
import { PAYMENT_LIST_STATE_NAMES } from '../payment-lists/payment-list.entity.ts';

/** What the disbursement work needs of a request: its scoped EntityManager, caller and file store. */
export type DisbursementDeps = { em: EntityManager; session: Session; files: FileStore };

/** Recording payments, result files included: the payer, never the approver. */
export const PAYMENT_WRITE = 'payment:write';

const LIST_NOT_FOUND = 'Không tìm thấy danh sách chi trả này trong phạm vi đơn vị của bạn.';
/** Lines read per statement while the file is written. */
const EXPORT_PAGE = 2_000;

/** A list the caller may pay from: readable (else NOT_FOUND), of a unit in force under the caller's (else FORBIDDEN), approved or paying (else CONFLICT). */
function checkPayable(session: Session, list: ListForWork | undefined, work: string): ListForWork {
  if (!list) throw notFound(LIST_NOT_FOUND);
  if (
    !session.coversForWrite(list.unitPath) ||
    (list.unitValidTo !== null && list.unitValidTo < todayInVietnam())
  )
    throw forbidden(
      `Danh sách chi trả của đơn vị ${list.unitCode} không thuộc đơn vị của bạn hoặc đơn vị đã chấm dứt hoạt động: không ${work} được.`,
    );
  if (list.state !== 'approved' && list.state !== 'paying')
    throw conflict(
      'listId',
      `Danh sách chi trả tháng ${displayMonth(list.month)} của đơn vị ${list.unitCode} đang ở trạng thái ${PAYMENT_LIST_STATE_NAMES[list.state]}: chỉ ${work} được khi danh sách đã duyệt hoặc đang chi trả.`,
      { state: list.state },
    );
  return list;
}

export type ExportedFile = {
  file: ExportedReportFile;
  listId: string;
  month: string;
  provider: string;
  lines: number;
  amount: number;
};

/**
 * Writes the disbursement file of one provider for an approved or paying list to the file store,
 * owned by the caller's unit (the store's default keep time), streamed page by page; the answer's
 * counts are those of the file written. `provider` is checked by the caller (providerArgument).
 */
export async function exportDisbursementFile(
  { em, session, files }: DisbursementDeps,
  listId: string,
  provider: string,
): Promise<ExportedFile> {
  session.assert(PAYMENT_WRITE);
  // Account numbers (and, for the post, names) leave the system in the file.
  session.assert('account:read-number');
  if (provider === POST_PROVIDER) session.assert('person:read-identity');
  const list = checkPayable(session, await findList(em, listId), 'xuất tệp chi trả');
  const count = await countExportLines(em, list.id, provider, MAX_LINES_PER_FILE);
  if (count === 0)
    throw badInput(
      'provider',
      `Danh sách chi trả tháng ${displayMonth(list.month)} của đơn vị ${list.unitCode} không có dòng nào chờ chi qua ${provider} (chưa chi, không bị giữ lại).`,
    );
  const tooMany = () =>
    badInput(
      'listId',
      `Tệp chi trả có hơn ${vnd(MAX_LINES_PER_FILE)} dòng, quá giới hạn của một tệp: hãy liên hệ quản trị viên.`,
    );
  if (count > MAX_LINES_PER_FILE) throw tooMany();

  const principal = session.requirePrincipal();
  const totals = { lines: 0, amount: 0 };
  // Page by page, each line read once (keyset on its code) as it is when its page is read, and no
  // connection held while the store writes through another one of the same pool.
  async function* content(): AsyncGenerator<Buffer> {
    yield Buffer.from(disbursementHeader(), 'utf8');
    let after = '';
    for (;;) {
      const page = await exportLinesAfter(em, list.id, provider, after, EXPORT_PAGE);
      let chunk = '';
      for (const line of page) {
        chunk += disbursementRecord(list.month, line);
        totals.lines++;
        totals.amount += line.amount;
      }
      if (totals.lines > MAX_LINES_PER_FILE) throw tooMany();
      if (chunk) yield Buffer.from(chunk, 'utf8');
      if (page.length < EXPORT_PAGE) return;
      after = page.at(-1)!.lineCode;
    }
  }
  const file = await files.put(content(), {
    fileName: disbursementFileName(list.unitCode, list.month, provider),
    contentType: 'text/csv',
    owner: { subject: principal.subject, unitCode: principal.unitCode, unitPath: session.scopePath! },
  });
  return {
    file: exportedFile(file),
    listId: list.id,
    month: list.month,
    provider,
    lines: totals.lines,
    amount: totals.amount,
  };
}

/** The content of a stored file, refused past `maxBytes` without reading on. */
async function readBounded(content: Readable, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } finally {
    content.destroy();
  }
  return Buffer.concat(chunks, bytes);
}

/**
 * Reads a provider's result file (uploaded by the caller's unit) against an approved or paying list:
 * the file is read whole and checked first (a wrong layout writes nothing), then, in one transaction
 * with the list and its named lines locked, the matched rows change their lines and the
 * reconciliation is recorded; the first result moves an approved list to paying.
 */
export async function importDisbursementResult(
  { em, session, files }: DisbursementDeps,
  request: { listId: string; provider: string; fileId: string },
  now: Date = new Date(),
): Promise<ReconciliationRow> {
  session.assert(PAYMENT_WRITE);
  const principal = session.requirePrincipal();
  const work = 'nhập kết quả chi trả';
  checkPayable(session, await findList(em, request.listId), work);
  const tooLarge = () =>
    badInput(
      'fileId',
      `Tệp kết quả quá lớn (tối đa ${MAX_RESULT_BYTES / (1024 * 1024)} MB): hãy chia thành nhiều tệp.`,
    );
  // NOT_FOUND unless the upload is in the caller's scope and not expired.
  const stored = await files.stat(request.fileId, session.scopePath!);
  if (stored.bytes > MAX_RESULT_BYTES) throw tooLarge();
  const { content } = await files.read(stored.id, session.scopePath!);
  const rows = parseResultFile(await readBounded(content, MAX_RESULT_BYTES, tooLarge), now);
  const codes = [...new Set(rows.flatMap((row) => (row.reference === null ? [] : [row.reference])))];
  const recorder = { id: principal.subject, name: principal.username };

  return em.transactional(async (tx) => {
    const list = checkPayable(session, await findList(tx, request.listId, { forUpdate: true }), work);
    const lines = await findLinesByCode(tx, list.id, codes);
    const { paid, failed, mismatches } = reconcile(rows, lines, {
      id: list.id,
      month: list.month,
      provider: request.provider,
    });
    if (list.state === 'approved') await markPaying(tx, list.id);
    const changed = await applyMatches(tx, list.id, { paid, failed }, recorder);
    // The lines are locked and were checked in this transaction: anything else is a fault, rolled back.
    if (changed !== paid.length + failed.length)
      throw new Error(`reconciliation: ${changed} lines changed of ${paid.length + failed.length} matched`);
    return insertReconciliation(tx, {
      listId: list.id,
      unitId: list.unitId,
      provider: request.provider,
      fileId: stored.id,
      fileName: stored.fileName,
      rows: rows.length,
      matchedPaid: paid.length,
      matchedFailed: failed.length,
      mismatches,
      recorder,
    });
  });
}

/** The result files read against a list the caller reads (NOT_FOUND otherwise), newest first. */
export async function reconciliationsOf(
  { em, session }: Pick<DisbursementDeps, 'em' | 'session'>,
  listId: string,
): Promise<ReconciliationRow[]> {
  session.assert('payment:read');
  if (!(await findList(em, listId))) throw notFound(LIST_NOT_FOUND);
  return findReconciliations(em, listId);
}
