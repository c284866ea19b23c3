import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type pg from 'pg';
import {
  badInput,
  forbidden,
  openSpreadsheet,
  todayInVietnam,
  WRITABLE_UNIT_IDS,
  type SpreadsheetLimits,
} from '@ansinh/common';
import { isR42Header, mapR42Columns, R42_FIELD_LABELS } from './r42-columns.ts';
import { parseR42Row, type R42ParsedRow, type R42RowProblem } from './r42-row.rules.ts';
import { supportAmount } from './one-support.rule.ts';

export const R42_PROGRAM = 'resolution-42';

/** Rows of one list: a district's list of a group was a few tens of thousands of people. */
export const R42_MAX_ROWS = 200_000;
/** Problems kept in the job's result; the rows past them are counted. */
export const R42_MAX_PROBLEMS = 1000;

export type R42ImportRequest = {
  file: Readable;
  fileName: string;
  /** The upload in the file store, recorded with the list. */
  fileId: string | null;
  categoryCode: string;
  unitCode: string;
  decisionNumber: string;
  /** `YYYY-MM-DD`, checked by the caller. */
  decisionDate: string;
  importedBy: { id: string; name: string };
  limits?: Partial<SpreadsheetLimits> | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: { phase: string; done: number; total?: number | null }) => void) | undefined;
  todayIso?: string | undefined;
};

export type R42ImportOutcome = 'created' | 'replaced' | 'unchanged';

/** What an import did: the job's result. */
export type R42ImportResult = {
  listId: string;
  outcome: R42ImportOutcome;
  fileName: string;
  /** Data rows read (without the header). */
  rows: number;
  accepted: number;
  rejected: number;
  /** Rows of this list paid and flagged (another group pays the person), after matching. */
  paid: number;
  flagged: number;
  /** Whole đồng paid by this list. */
  amountPaid: number;
  /** Rows of other lists whose outcome this import changed. */
  changedElsewhere: number;
  ignoredColumns: string[];
  problems: R42RowProblem[];
};

export type R42Category = {
  id: string;
  code: string;
  name: string;
  fixedAmount: number;
  perMonth: boolean;
  maxMonths: number | null;
};

/** A Resolution 42 category by code, or null. */
export async function findR42Category(client: pg.ClientBase, code: string): Promise<R42Category | null> {
  const { rows } = await client.query<{
    id: string;
    code: string;
    name: string;
    fixed_amount: string | null;
    per_month: boolean;
    max_months: number | null;
    confidential: boolean;
  }>(
    `select id, code, name, fixed_amount::text, per_month, max_months, confidential
       from approvals.categories where program_id = $1 and code = $2 and rule = 'fixed'`,
    [R42_PROGRAM, code],
  );
  const row = rows[0];
  if (!row || row.fixed_amount === null || row.confidential) return null;
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    fixedAmount: Number(row.fixed_amount),
    perMonth: row.per_month,
    maxMonths: row.max_months,
  };
}

export const unknownCategory = (code: string) =>
  badInput('categoryCode', `Không có nhóm đối tượng "${code}" của Nghị quyết 42/NQ-CP.`);

type ListUnit = { id: string; code: string; level: string; path: string };
type StoredRow = { signature: string; humanKey: string; nameKey: string };
type NewRow = R42ParsedRow & {
  id: string;
  unitId: string;
  months: number | null;
  amount: number;
  nameKey: string;
  humanKey: string;
};

const signatureOf = (row: {
  rowNumber: number;
  fullName: string;
  citizenId: string | null;
  birthDate: string | null;
  birthYear: number;
  unitId: string;
  months: number | null;
  amount: number;
}) =>
  [
    row.rowNumber,
    row.fullName,
    row.citizenId ?? '',
    row.birthDate ?? '',
    row.birthYear,
    row.unitId,
    row.months ?? '',
    row.amount,
  ].join('\t');

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * Imports the approved list of one group of a unit, in the caller's transaction on `client` (scoped
 * as the official: the subgraph's role and unit path). Reads the whole file first; rows with problems
 * are reported and left out, the others written; the same category, unit and decision number
 * replace the rows of the list imported before, or change nothing when they are the same. Then the
 * humans the list touches are settled across every group's list (`approvals.r42_settle`): one support
 * each. A file that cannot be read, or has no good row, writes nothing.
 */
export async function importR42ListInTransaction(
  client: pg.ClientBase,
  request: R42ImportRequest,
): Promise<R42ImportResult> {
  const todayIso = request.todayIso ?? todayInVietnam();
  const category = await findR42Category(client, request.categoryCode);
  if (!category) throw unknownCategory(request.categoryCode);
  const unit = (
    await client.query<ListUnit>(
      `select id, code, level, path::text as path from registry.v_units
        where code = $1 and level in ('commune', 'district') and id in (${WRITABLE_UNIT_IDS})`,
      [request.unitCode],
    )
  ).rows[0];
  if (!unit) throw forbidden();

  // 1. Read and check every row.
  const sheet = await openSpreadsheet(request.file, {
    fileName: request.fileName,
    isKnownHeader: isR42Header,
    limits: { maxRows: R42_MAX_ROWS, ...request.limits },
  });
  const columns = mapR42Columns(sheet.headers);
  const problems: R42RowProblem[] = [];
  let problemCount = 0;
  const rejectedRows = new Set<number>();
  const report = (problem: R42RowProblem) => {
    rejectedRows.add(problem.row);
    problemCount++;
    if (problems.length < R42_MAX_PROBLEMS) problems.push(problem);
  };
  const parsed: R42ParsedRow[] = [];
  let rowCount = 0;
  const maxMonths = category.perMonth ? (category.maxMonths ?? 1) : 1;
  for await (const row of sheet.rows) {
    rowCount++;
    if ((rowCount & 0x3ff) === 0) {
      checkAborted(request.signal);
      request.onProgress?.({ phase: 'checking', done: rowCount });
    }
    const result = parseR42Row(row.rowNumber, row.cells, columns, { maxMonths, todayIso });
    if (result.ok) parsed.push(result.row);
    else result.problems.forEach(report);
  }
  checkAborted(request.signal);

  // 2. Communes: a commune under the list's unit, in force; a commune's list needs no column.
  const codes = [...new Set(parsed.flatMap((row) => (row.communeCode ? [row.communeCode] : [])))];
  const communes = new Map<string, string>();
  if (codes.length > 0) {
    const { rows } = await client.query<{ id: string; code: string }>(
      `select distinct on (code) id, code from registry.v_units
        where code = any($1::text[]) and level = 'commune' and path <@ $2::ltree and id in (${WRITABLE_UNIT_IDS})
        order by code, valid_from desc nulls last`,
      [codes, unit.path],
    );
    for (const row of rows) communes.set(row.code, row.id);
  }
  const accepted: NewRow[] = [];
  const citizenRows = new Map<string, number>();
  for (const row of parsed) {
    let unitId: string | undefined;
    if (row.communeCode === null) {
      if (unit.level === 'commune') unitId = unit.id;
      else
        report({
          row: row.rowNumber,
          column: R42_FIELD_LABELS.communeCode,
          message: 'Thiếu mã xã: danh sách của huyện ghi mã xã của từng người.',
        });
    } else {
      unitId = communes.get(row.communeCode);
      if (unitId === undefined)
        report({
          row: row.rowNumber,
          column: R42_FIELD_LABELS.communeCode,
          message: `Mã xã ${row.communeCode} không phải xã/phường đang hoạt động thuộc đơn vị ${unit.code}.`,
        });
    }
    if (row.citizenId !== null) {
      const first = citizenRows.get(row.citizenId);
      if (first !== undefined) {
        report({
          row: row.rowNumber,
          column: R42_FIELD_LABELS.citizenId,
          message: `Số CCCD ${row.citizenId} trùng với dòng ${first} của danh sách.`,
        });
        continue;
      }
      citizenRows.set(row.citizenId, row.rowNumber);
    }
    if (unitId === undefined) continue;
    const { months, amount } = supportAmount(category, row.months);
    const nameKey = `${row.nameFolded}|${row.birthDate ?? row.birthYear}|${unitId}`;
    accepted.push({
      ...row,
      id: randomUUID(),
      unitId,
      months,
      amount,
      nameKey,
      humanKey: row.citizenId ? `id:${row.citizenId}` : `nb:${nameKey}`,
    });
  }
  if (accepted.length === 0) {
    const first = problems
      .slice(0, 3)
      .map((problem) => `dòng ${problem.row}, cột "${problem.column}": ${problem.message}`)
      .join('; ');
    throw badInput(
      'fileId',
      rowCount === 0
        ? `Tệp "${request.fileName}" không có dòng dữ liệu nào dưới dòng tiêu đề.`
        : `Danh sách không có dòng hợp lệ nào (${problemCount} lỗi${first ? `, ví dụ ${first}` : ''}).`,
    );
  }
  request.onProgress?.({ phase: 'writing', done: 0, total: 3 });

  // 3. The list: new, the same (nothing written), or replaced.
  const existing = (
    await client.query<{ id: string; decision_date: string }>(
      `select id, decision_date::text from approvals.r42_lists
        where category_id = $1 and unit_id = $2 and decision_number = $3 for update`,
      [category.id, unit.id, request.decisionNumber],
    )
  ).rows[0];
  let listId: string;
  let outcome: R42ImportOutcome;
  let formerKeys: string[] = [];
  let formerNameKeys: string[] = [];
  if (existing) {
    listId = existing.id;
    const stored = await storedRows(client, listId);
    const same =
      existing.decision_date === request.decisionDate &&
      stored.length === accepted.length &&
      sameSignatures(
        stored.map((row) => row.signature),
        accepted.map(signatureOf),
      );
    if (same) {
      return { ...(await listCounts(client, listId)), ...summary('unchanged', 0) };
    }
    outcome = 'replaced';
    formerKeys = [...new Set(stored.map((row) => row.humanKey))];
    formerNameKeys = [...new Set(stored.map((row) => row.nameKey))];
    await client.query(`delete from approvals.r42_list_rows where list_id = $1`, [listId]);
    await client.query(
      `update approvals.r42_lists set decision_date = $2, file_id = $3, file_name = $4,
              imported_by_id = $5, imported_by_name = $6, imported_at = now()
        where id = $1`,
      [
        listId,
        request.decisionDate,
        request.fileId,
        request.fileName,
        request.importedBy.id,
        request.importedBy.name,
      ],
    );
  } else {
    listId = randomUUID();
    outcome = 'created';
    await client.query(
      `insert into approvals.r42_lists (id, category_id, unit_id, decision_number, decision_date, file_id, file_name, imported_by_id, imported_by_name)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        listId,
        category.id,
        unit.id,
        request.decisionNumber,
        request.decisionDate,
        request.fileId,
        request.fileName,
        request.importedBy.id,
        request.importedBy.name,
      ],
    );
  }
  request.onProgress?.({ phase: 'writing', done: 1, total: 3 });
  await insertRows(client, listId, accepted);
  checkAborted(request.signal);
  request.onProgress?.({ phase: 'writing', done: 2, total: 3 });
  const { rows: settled } = await client.query<{ elsewhere: number }>(
    `select approvals.r42_settle($1, $2::text[], $3::text[]) as elsewhere`,
    [listId, formerKeys, formerNameKeys],
  );
  request.onProgress?.({ phase: 'writing', done: 3, total: 3 });
  return { ...(await listCounts(client, listId)), ...summary(outcome, settled[0]?.elsewhere ?? 0) };

  function summary(result: R42ImportOutcome, changedElsewhere: number) {
    return {
      listId,
      outcome: result,
      fileName: request.fileName,
      rows: rowCount,
      accepted: accepted.length,
      rejected: rejectedRows.size,
      changedElsewhere,
      ignoredColumns: columns.ignored,
      problems: problems.sort((a, b) => a.row - b.row),
    };
  }
}

function sameSignatures(stored: string[], incoming: string[]): boolean {
  const a = [...stored].sort();
  const b = [...incoming].sort();
  return a.every((value, index) => value === b[index]);
}

async function storedRows(client: pg.ClientBase, listId: string): Promise<StoredRow[]> {
  const { rows } = await client.query<{
    row_number: number;
    full_name: string;
    citizen_id: string | null;
    birth_date: string | null;
    birth_year: number;
    unit_id: string;
    months: number | null;
    amount: string;
    human_key: string;
    name_key: string;
  }>(
    `select row_number, full_name, citizen_id, birth_date::text, birth_year, unit_id, months, amount::text, human_key, name_key
       from approvals.r42_list_rows where list_id = $1`,
    [listId],
  );
  return rows.map((row) => ({
    signature: signatureOf({
      rowNumber: row.row_number,
      fullName: row.full_name,
      citizenId: row.citizen_id,
      birthDate: row.birth_date,
      birthYear: row.birth_year,
      unitId: row.unit_id,
      months: row.months,
      amount: Number(row.amount),
    }),
    humanKey: row.human_key,
    nameKey: row.name_key,
  }));
}

/** All rows in one statement (arrays unnested), whatever their number. */
async function insertRows(client: pg.ClientBase, listId: string, rows: readonly NewRow[]): Promise<void> {
  await client.query(
    `insert into approvals.r42_list_rows
       (id, list_id, row_number, full_name, name_folded, citizen_id, birth_date, birth_year, unit_id, months, amount, name_key, human_key)
     select r.id, $1, r.row_number, r.full_name, r.name_folded, r.citizen_id, r.birth_date, r.birth_year, r.unit_id, r.months, r.amount, r.name_key, r.human_key
       from unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::date[], $8::smallint[], $9::uuid[], $10::smallint[], $11::bigint[], $12::text[], $13::text[])
         as r(id, row_number, full_name, name_folded, citizen_id, birth_date, birth_year, unit_id, months, amount, name_key, human_key)`,
    [
      listId,
      rows.map((row) => row.id),
      rows.map((row) => row.rowNumber),
      rows.map((row) => row.fullName),
      rows.map((row) => row.nameFolded),
      rows.map((row) => row.citizenId),
      rows.map((row) => row.birthDate),
      rows.map((row) => row.birthYear),
      rows.map((row) => row.unitId),
      rows.map((row) => row.months),
      rows.map((row) => String(row.amount)),
      rows.map((row) => row.nameKey),
      rows.map((row) => row.humanKey),
    ],
  );
}

async function listCounts(
  client: pg.ClientBase,
  listId: string,
): Promise<{ paid: number; flagged: number; amountPaid: number }> {
  const { rows } = await client.query<{ paid: number; flagged: number; amount_paid: string }>(
    `select count(*) filter (where outcome = 'paid')::int as paid, count(*) filter (where outcome = 'flagged')::int as flagged,
            coalesce(sum(amount) filter (where outcome = 'paid'), 0)::text as amount_paid
       from approvals.r42_list_rows where list_id = $1`,
    [listId],
  );
  const row = rows[0]!;
  return { paid: row.paid, flagged: row.flagged, amountPaid: Number(row.amount_paid) };
}
