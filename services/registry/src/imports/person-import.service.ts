import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import pg from 'pg';
import {
  ACTOR_SETTINGS,
  copyRows,
  inScopedTransaction,
  SCOPE_SETTING,
  subgraphRole,
  type Actor,
  type CopyValue,
  type ScopedSession,
  SpreadsheetError,
  type SpreadsheetCell,
  type SpreadsheetLimits,
  WRITABLE_UNIT_IDS,
  foldText,
} from '@ansinh/common/standalone';
import { holderNameMatches } from '../accounts/payment-account.rules.ts';
import { FIELD_LABELS, mapColumns, type CanonicalField, type ColumnAssignment } from './column-mapping.ts';
import { writeImportReport, type ReportedRow } from './import-report.ts';
import { splitIdentityNumber } from './identity-number.ts';
import { personRowParser, type ImportedPerson, type RowProblem } from './person-row.rules.ts';
import { openSpreadsheet } from './person-spreadsheet.ts';

// The CLI's --mapping file, read as the GraphQL `mapping` argument is.
export { MappingFileError, parseMappingFile } from './mapping-file.ts';

/** What an import did; the answer of `importPersons`. */
export type PersonImportReport = {
  id: string;
  fileName: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  duplicateWarnings: number;
  ignoredColumns: string[];
  problems: { row: number; column: string; message: string }[];
  /** Whether the XLSX of rejected rows was written (some rows were rejected and a report was asked for). */
  reportWritten: boolean;
};

/**
 * The role and settings a request's queries run with: what `em.getSessionContext()` gives for the
 * request's EntityManager (services/common scopeSessionContext), or scopedSession() for the CLI.
 */
export type ImportSession = ScopedSession;

/**
 * Where the import writes: a connection of `pool` (the subgraph's own, whose login is the database
 * owner or the subgraph's role), in one transaction that sets `session` first, as the request's
 * EntityManager does for its transactions, so that row-level security holds the import to the
 * caller's scope.
 */
export type ImportDatabase = { pool: pg.Pool; session: ImportSession };

/** A phase of the import and how far it is: bytes while reading, rows while checking, steps while writing. */
export type ImportProgress = {
  phase: 'reading' | 'checking' | 'writing';
  done: number;
  total?: number | null;
};

/** What the import reads and how; the database side is given apart (a job's transaction, or a pool). */
export type PersonImportInput = {
  /** The spreadsheet: a path or a stream. */
  file: string | Readable;
  fileName: string;
  mapping?: readonly ColumnAssignment[] | undefined;
  /** The commune of rows that give none (the caller's own commune, or one chosen in scope). */
  defaultUnitCode?: string | undefined;
  /** Limits of the spreadsheet reading (DEFAULT_SPREADSHEET_LIMITS for those not given). */
  limits?: Partial<SpreadsheetLimits> | undefined;
  /** Where to write the XLSX of rejected rows (a path, or a stream the caller stores). */
  report?: { target: string | Writable } | undefined;
  today?: Date;
  /** Told how long each step took (benchmarks). */
  onStep?: (step: string, seconds: number) => void;
  /** Told how far the import is (a job's progress), at most every 1,000 rows. */
  onProgress?: (progress: ImportProgress) => void;
  /** Stops the import between rows (a cancelled job); the caller's transaction then rolls back. */
  signal?: AbortSignal | undefined;
};

export type PersonImportRequest = (
  | { database: ImportDatabase }
  /** A pool of one connection opened for this import, with scopedSession(scopePath, actor) (benchmark). */
  | { databaseUrl: string; scopePath: string; actor: Actor }
) &
  PersonImportInput;

/** At most this many problems travel in the answer; the XLSX report has more. */
const MAX_PROBLEMS_IN_ANSWER = 1000;
/**
 * At most this many refused rows go into the XLSX report (about 40 MB of the writer's memory; a million
 * took 420 MB): a file with more is fixed as a whole, not row by row. The report says how many it left out.
 */
export const MAX_REPORT_ROWS = 100_000;

/** Staging columns, in COPY order; `new_id` (a fresh uuid) is filled by PostgreSQL. */
const STAGING_COLUMNS = [
  'row_number int not null',
  'full_name text not null',
  'name_folded text not null',
  'birth_year smallint not null',
  'birth_date date',
  'gender text not null',
  'ethnicity_code varchar(2)',
  'citizen_id varchar(12)',
  'old_id_number varchar(12)',
  'phone varchar(15)',
  'residence_unit_id uuid not null',
  'address text',
  'household_code varchar(30)',
  'relation_to_head text',
  'poverty_status text not null',
  'poverty_year smallint',
  'account_kind text',
  'provider_code varchar(20)',
  'account_number varchar(30)',
  'holder_name text',
  'holder_name_matches boolean',
  'status text not null',
];
const COPY_COLUMN_NAMES = STAGING_COLUMNS.map((column) => column.split(' ')[0]).join(', ');

/** Person columns a file can fill, and the field whose column must be in the file for a re-import to change it. */
const UPDATABLE: readonly [column: string, field: CanonicalField][] = [
  ['full_name', 'fullName'],
  ['name_folded', 'fullName'],
  ['birth_year', 'birthDate'],
  ['birth_date', 'birthDate'],
  ['gender', 'gender'],
  ['ethnicity_code', 'ethnicity'],
  ['citizen_id', 'citizenId'],
  ['old_id_number', 'oldIdNumber'],
  ['phone', 'phone'],
  ['residence_unit_id', 'residenceUnitCode'],
  ['address', 'address'],
  ['relation_to_head', 'relationToHead'],
  ['status', 'status'],
];

/** A checked row as staged, its commune given as the unit (version) its code names in the import's scope. */
function stagingRow(rowNumber: number, person: ImportedPerson, residenceUnitId: string): CopyValue[] {
  const account = person.account;
  return [
    rowNumber,
    person.fullName,
    foldText(person.fullName),
    person.birthYear,
    person.birthDate,
    person.gender,
    person.ethnicityCode,
    person.citizenId,
    person.oldIdNumber,
    person.phone,
    residenceUnitId,
    person.address,
    person.householdCode,
    person.relationToHead,
    person.povertyStatus,
    person.povertyYear,
    account?.kind ?? null,
    account?.providerCode ?? null,
    account?.accountNumber ?? null,
    account?.holderName ?? null,
    account ? holderNameMatches(account.holderName, person.fullName) : null,
    person.status,
  ];
}

/** The session of a request of `actor` scoped to `scopePath`, as services/common scopeSessionContext makes it. */
export function scopedSession(scopePath: string, actor: Actor): ImportSession {
  return {
    role: subgraphRole('registry'),
    variables: {
      [SCOPE_SETTING]: scopePath,
      [ACTOR_SETTINGS.id]: actor.id,
      [ACTOR_SETTINGS.name]: actor.name,
      [ACTOR_SETTINGS.unit]: actor.unitCode,
    },
  };
}

/** At most this many refused rows wait for the report's writer: a file of refused rows must not fill memory. */
const REPORT_QUEUE_ROWS = 1000;

/**
 * A queue of report rows, written to the XLSX as they come: `push` waits while the writer is behind,
 * so that memory stays flat however many rows a file has refused. A writer that stops (its error is
 * awaited with the report) lets every later push through at once.
 */
function reportQueue() {
  const waiting: ReportedRow[] = [];
  let wakeWriter: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  let ended = false;
  let abandoned = false;
  const nudge = () => {
    wakeWriter?.();
    wakeWriter = undefined;
  };
  const release = () => {
    wakeReader?.();
    wakeReader = undefined;
  };
  const abandon = () => {
    abandoned = true;
    waiting.length = 0;
    release();
  };
  const rows: AsyncIterable<ReportedRow> = {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          while (waiting.length) {
            const row = waiting.shift()!;
            release();
            yield row;
          }
          if (ended) return;
          await new Promise<void>((resolve) => (wakeWriter = resolve));
        }
      } finally {
        abandon();
      }
    },
  };
  return {
    rows,
    async push(row: ReportedRow) {
      if (abandoned) return;
      waiting.push(row);
      nudge();
      while (waiting.length >= REPORT_QUEUE_ROWS && !abandoned)
        await new Promise<void>((resolve) => (wakeReader = resolve));
    },
    /** The writer failed before or while reading: nothing more is queued. */
    abandon,
    end() {
      ended = true;
      nudge();
    },
  };
}

/**
 * Imports an official's list of persons (CSV or XLSX), streaming: every row is read, normalised and
 * checked; good rows go to PostgreSQL with COPY and are upserted in one transaction (keyed by CCCD,
 * else by old CMND, else by name without accents, date of birth and commune), with their households
 * and payment accounts, change history and duplicate warnings; bad rows are reported with their row
 * number, column and reason. The same file imported again changes nothing. A file that cannot be
 * read, or any failure, writes nothing. This form opens the transaction itself, on the given pool or
 * on a pool of one connection to `databaseUrl`; a job runs importPersonsInTransaction in its own.
 */
export async function importPersons(request: PersonImportRequest): Promise<PersonImportReport> {
  if ('database' in request) {
    return inScopedTransaction(request.database.pool, request.database.session, (client) =>
      importPersonsInTransaction(client, request),
    );
  }
  const pool = new pg.Pool({
    connectionString: request.databaseUrl,
    application_name: 'ansinh-person-import',
    max: 2,
  });
  // A connection dropped by the server must not end the process; the query in flight fails on its own.
  pool.on('error', () => undefined);
  try {
    return await inScopedTransaction(pool, scopedSession(request.scopePath, request.actor), (client) =>
      importPersonsInTransaction(client, request),
    );
  } finally {
    await pool.end();
  }
}

/** How long an open COPY may take to give up before the import's error goes on regardless. */
const COPY_ABORT_WAIT_MS = 2_000;
/** Rows between two progress reports (and abort checks of a cancelled job). */
const PROGRESS_EVERY_ROWS = 1000;
/** The set-based steps after the rows are checked, for the progress of the writing phase. */
const WRITING_STEPS = 8;

/**
 * The import inside a transaction that the caller opened on `client` and scoped to the owner (role,
 * `ansinh.scope_path`, actor): the caller commits it, or rolls it back when this throws. A COPY left
 * open by a failure is ended first, so that the rollback can run.
 */
export async function importPersonsInTransaction(
  client: pg.ClientBase,
  request: PersonImportInput,
): Promise<PersonImportReport> {
  const id = randomUUID();
  const problems: PersonImportReport['problems'] = [];
  let rejected = 0;
  let reportWritten: Promise<unknown> = Promise.resolve();
  const queue = reportQueue();
  let copy: ReturnType<typeof copyRows> | undefined;
  let stepStarted = performance.now();
  let stepsDone = 0;
  const step = (name: string) => {
    const now = performance.now();
    request.onStep?.(name, (now - stepStarted) / 1000);
    stepStarted = now;
    if (name !== 'read, check and COPY the rows') {
      stepsDone += 1;
      request.onProgress?.({ phase: 'writing', done: stepsDone, total: WRITING_STEPS });
    }
    request.signal?.throwIfAborted();
  };
  try {
    const { rows: scopeRows } = await client.query<{ scope: string | null }>(
      `select nullif(current_setting('${SCOPE_SETTING}', true), '') as scope`,
    );
    const scopePath = scopeRows[0]?.scope;
    // Without a scope the import would run as the login, which may bypass row-level security.
    if (!scopePath) throw new Error('importPersons needs a scoped session: a role and ansinh.scope_path');
    request.onProgress?.({ phase: 'reading', done: 0, total: null });
    // The communes a row may name: those in force under the owner's unit, while it is in force itself
    // (a unit that has ended writes nothing), each code naming the unit version in force.
    // The rule of the row-level-security policies the rows are then written under.
    const { rows: communeRows } = await client.query<{ code: string; id: string }>(
      `select code, id from registry.v_units where level = 'commune' and id in (${WRITABLE_UNIT_IDS})`,
    );
    const communes = new Map(communeRows.map((row) => [row.code, row.id]));
    const sheet = await openSpreadsheet(request.file, {
      fileName: request.fileName,
      columns: request.mapping,
      limits: request.limits,
    });
    const fileColumns = mapColumns(sheet.headers, request.mapping);
    const identity = fileColumns.identityColumn;
    const width = sheet.headers.length;
    // A "Số CCCD/CMND" column feeds whichever of the two fields its file has no column of, through two
    // cells added after the row's own.
    const identityFields = identity
      ? (['citizenId', 'oldIdNumber'] as const).filter(
          (field) => !fileColumns.columns.some((column) => column.field === field),
        )
      : [];
    const columnMap = {
      ...fileColumns,
      columns: [
        ...fileColumns.columns,
        ...identityFields.map((field) => ({
          field,
          columnIndex: field === 'citizenId' ? width : width + 1,
          header: identity!.header,
        })),
      ],
    };
    const mapped = new Set(columnMap.columns.map((column) => column.field));
    const columnOf = (field: CanonicalField) =>
      columnMap.columns.find((column) => column.field === field)?.header ?? FIELD_LABELS[field];
    if (request.report) {
      reportWritten = writeImportReport(request.report.target, sheet.headers, queue.rows, {
        omittedRows: () => Math.max(0, rejected - MAX_REPORT_ROWS),
      });
      reportWritten.catch(queue.abandon);
    }
    const reject = async (
      rowNumber: number,
      cells: readonly SpreadsheetCell[],
      rowProblems: readonly RowProblem[],
    ) => {
      rejected += 1;
      for (const problem of rowProblems) {
        if (problems.length < MAX_PROBLEMS_IN_ANSWER) {
          problems.push({ row: rowNumber, column: problem.column, message: problem.message });
        }
      }
      // The report shows the header's columns only: cells past them (a sheet of 16,384 columns) are not kept.
      if (request.report && rejected <= MAX_REPORT_ROWS)
        await queue.push({ rowNumber, cells: cells.slice(0, sheet.headers.length), problems: rowProblems });
    };

    await client.query(
      `create temp table import_rows (${STAGING_COLUMNS.join(', ')}, new_id uuid not null default registry.time_ordered_uuid()) on commit drop`,
    );
    copy = copyRows(client, `copy import_rows (${COPY_COLUMN_NAMES}) from stdin`);
    const parse = personRowParser(columnMap, {
      today: request.today ?? new Date(),
      defaultUnitCode: request.defaultUnitCode,
    });
    let rows = 0;
    for await (const row of sheet.rows) {
      rows += 1;
      if (rows % PROGRESS_EVERY_ROWS === 0) {
        // Rows of a buffered chunk are checked without I/O: give timers (progress, cancel) and other
        // requests of this process their turn, then stop here if the job was cancelled.
        await nextTurn();
        request.signal?.throwIfAborted();
        request.onProgress?.({ phase: 'checking', done: rows });
      }
      let cells = row.cells;
      if (identity) {
        const numbers = splitIdentityNumber(cells[identity.columnIndex]);
        cells = [...cells, numbers.citizenId, numbers.oldIdNumber];
      }
      const result = parse(cells);
      if (!result.ok) {
        await reject(row.rowNumber, row.cells, result.problems);
        continue;
      }
      const person = result.row;
      const residenceUnitId = communes.get(person.residenceUnitCode);
      if (residenceUnitId === undefined) {
        await reject(row.rowNumber, row.cells, [
          {
            column: columnOf('residenceUnitCode'),
            field: 'residenceUnitCode',
            message: `Xã/phường mã "${person.residenceUnitCode}" không có hoặc không thuộc đơn vị của bạn.`,
          },
        ]);
        continue;
      }
      await copy.write(stagingRow(row.rowNumber, person, residenceUnitId));
    }
    await copy.end();
    request.onProgress?.({ phase: 'checking', done: rows, total: rows });
    step('read, check and COPY the rows');
    if (rows === 0) throw new SpreadsheetError('EMPTY', 'Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.');

    for (const duplicate of await sameFileDuplicates(client)) {
      // Fields derived from others (the account's kind from its provider) differ with a column of the file.
      const inFile = duplicate.differences.filter((field) => mapped.has(field));
      const differing = inFile.length ? inFile : duplicate.differences;
      const columns = [...new Set(differing.map((field) => columnOf(field)))];
      const first = differing[0] ?? 'fullName';
      await reject(
        duplicate.rowNumber,
        [],
        [
          {
            column: columnOf(first),
            field: first,
            message: `Cùng một người với dòng ${duplicate.firstRow} (${SAME_PERSON_REASONS[duplicate.key]}) nhưng khác ở cột ${columns.join(', ')}: chỉ dòng ${duplicate.firstRow} được nhập. Hãy sửa cho hai dòng khớp nhau hoặc xoá một dòng.`,
          },
        ],
      );
    }
    step('merge rows of the same person');

    // A CCCD held by a living person of another unit cannot be imported here (nor told to whom it
    // belongs): row-level security hides that person, registry.living_citizen_id_taken sees all.
    const { rows: heldElsewhere } = await client.query<{ row_number: number }>(
      `select s.row_number from import_rows s
        where s.citizen_id is not null
          and not exists (select 1 from registry.persons p where p.citizen_id = s.citizen_id and p.status = 'living')
          and registry.living_citizen_id_taken(s.citizen_id)
        order by s.row_number`,
    );
    if (heldElsewhere.length) {
      await client.query('delete from import_rows where row_number = any($1::int[])', [
        heldElsewhere.map((row) => row.row_number),
      ]);
      for (const { row_number: rowNumber } of heldElsewhere) {
        await reject(
          rowNumber,
          [],
          [
            {
              column: columnOf('citizenId'),
              field: 'citizenId',
              message: 'Số CCCD này đã thuộc về một đối tượng đang còn sống ở đơn vị khác.',
            },
          ],
        );
      }
    }

    await client.query(
      'analyze import_rows (row_number, citizen_id, old_id_number, name_folded, residence_unit_id, household_code)',
    );
    step('refuse CCCDs held in other units');
    const counts = await upsert(client, mapped, step);
    queue.end();
    await reportWritten;
    return {
      id,
      fileName: request.fileName,
      rows,
      created: counts.created,
      updated: counts.updated,
      unchanged: rows - rejected - counts.created - counts.updated,
      rejected,
      duplicateWarnings: counts.duplicateWarnings,
      ignoredColumns: columnMap.ignored.filter((column) => column.header).map((column) => column.header),
      problems: problems.sort((a, b) => a.row - b.row),
      reportWritten: rejected > 0 && request.report !== undefined,
    };
  } catch (error) {
    // A file refused half-way (too many rows, broken after some) leaves the COPY open: end it first,
    // so that the caller's rollback can run on this connection.
    // A COPY the server already ended (a cancelled job's statement) may never answer the abort: the
    // wait is bounded, and the caller then drops the connection rather than wait for its rollback.
    const abandoned = new Promise((resolve) => setTimeout(resolve, COPY_ABORT_WAIT_MS).unref());
    await Promise.race([copy?.abort().catch(() => undefined), abandoned]);
    queue.end();
    await reportWritten.catch(() => undefined);
    throw error;
  }
}

/** How the rows of one person are recognised in a file, as the upsert matches persons. */
const SAME_PERSON_REASONS = {
  citizenId: 'cùng số CCCD',
  oldIdNumber: 'cùng số CMND',
  nameAndBirth: 'cùng họ tên, ngày sinh và xã, không có CCCD',
} as const;

/** Staged columns and the field each comes from, compared between two rows of one person. */
const COMPARED: readonly [column: string, field: CanonicalField][] = [
  ['full_name', 'fullName'],
  ['birth_year', 'birthDate'],
  ['birth_date', 'birthDate'],
  ['gender', 'gender'],
  ['ethnicity_code', 'ethnicity'],
  ['citizen_id', 'citizenId'],
  ['old_id_number', 'oldIdNumber'],
  ['phone', 'phone'],
  ['residence_unit_id', 'residenceUnitCode'],
  ['address', 'address'],
  ['household_code', 'householdCode'],
  ['relation_to_head', 'relationToHead'],
  ['poverty_status', 'povertyStatus'],
  ['poverty_year', 'povertyYear'],
  ['account_kind', 'accountKind'],
  ['provider_code', 'provider'],
  ['account_number', 'accountNumber'],
  ['holder_name', 'holderName'],
  ['status', 'status'],
];

type SameFileDuplicate = {
  rowNumber: number;
  firstRow: number;
  key: keyof typeof SAME_PERSON_REASONS;
  differences: CanonicalField[];
};

/**
 * Rows of a person already on an earlier row of the file (same CCCD, else same old CMND, else same
 * folded name, date of birth and commune) leave the staging table: the earlier row makes the person.
 * A later row identical to it is merged into it; one that differs is returned, to be reported with
 * the columns that differ.
 */
async function sameFileDuplicates(client: pg.ClientBase): Promise<SameFileDuplicate[]> {
  const differences = COMPARED.map(
    ([column, field]) => `case when s.${column} is distinct from f.${column} then '${field}' end`,
  ).join(', ');
  await client.query(`
    create temp table import_duplicates on commit drop as
    with keyed as (
      select row_number,
             case when citizen_id is not null then 'citizenId'
                  when old_id_number is not null then 'oldIdNumber' else 'nameAndBirth' end as kind,
             case when citizen_id is not null then citizen_id
                  when old_id_number is not null then old_id_number
                  else concat_ws('|', name_folded, birth_year, coalesce(birth_date::text, ''), residence_unit_id) end as key
        from import_rows),
    firsts as (select kind, key, min(row_number) as first_row from keyed group by kind, key having count(*) > 1)
    select k.row_number, d.first_row, d.kind, array_remove(array[${differences}], null) as differences
      from keyed k join firsts d using (kind, key)
      join import_rows s on s.row_number = k.row_number
      join import_rows f on f.row_number = d.first_row
     where k.row_number <> d.first_row`);
  const { rows } = await client.query<{
    row_number: number;
    first_row: number;
    kind: SameFileDuplicate['key'];
    differences: CanonicalField[];
  }>(`
    with gone as (
      delete from import_rows s using import_duplicates d where d.row_number = s.row_number returning d.*)
    select * from gone where cardinality(differences) > 0 order by row_number`);
  return rows.map((row) => ({
    rowNumber: row.row_number,
    firstRow: row.first_row,
    key: row.kind,
    differences: row.differences,
  }));
}

/**
 * The set-based part: match staged rows to persons (by CCCD, else old CMND, else folded name, birth and
 * commune among persons without CCCD), upsert households (with their heads), persons and accounts, and
 * raise duplicate warnings for the persons created. Only fields whose column is in the file change on a
 * re-import, and an empty cell never erases what the register holds.
 */
async function upsert(
  client: pg.ClientBase,
  mapped: ReadonlySet<CanonicalField>,
  step: (name: string) => void,
): Promise<{ created: number; updated: number; duplicateWarnings: number }> {
  const firstMatch = (join: string, where = '') => `
    insert into import_matches
    select distinct on (s.row_number) s.row_number, p.id
      from import_rows s join registry.persons p on ${join}
     where not exists (select 1 from import_matches m where m.row_number = s.row_number) ${where}
     order by s.row_number, (p.status = 'living') desc, p.created_at`;
  await client.query(
    'create temp table import_matches (row_number int primary key, person_id uuid not null) on commit drop',
  );
  await client.query(firstMatch('p.citizen_id = s.citizen_id'));
  await client.query(firstMatch('p.old_id_number = s.old_id_number'));
  await client.query(
    firstMatch(
      `p.name_folded = s.name_folded and p.birth_year = s.birth_year and p.residence_unit_id = s.residence_unit_id
       and p.citizen_id is null and p.birth_date is not distinct from s.birth_date`,
      'and s.citizen_id is null',
    ),
  );
  await client.query(`
    create temp table import_targets on commit drop as
    select s.row_number, coalesce(m.person_id, s.new_id) as person_id, m.person_id is null as is_new
      from import_rows s left join import_matches m using (row_number)`);
  await client.query('analyze import_targets');
  step('match rows to persons');
  // Existing persons whose record, household link or accounts this import changed.
  await client.query('create temp table import_changed (person_id uuid not null) on commit drop');

  const households = mapped.has('householdCode');
  if (households) {
    // Households get their ids (and heads) before the persons, whose rows point at them; the head's
    // foreign key is checked at commit.
    // Each of the file's households is looked up by its (commune, code) key, and those to update by their
    // ids: a join would read every household in scope (350,000 for a province), because the planner counts
    // the row-level security check again for every lookup and so prices a 1,000-row list's lookups above
    // a scan of the whole table (half a second of such a list's import).
    await client.query(`
      create temp table import_households on commit drop as
      select f.residence_unit_id, f.code, coalesce(h.id, registry.time_ordered_uuid()) as id, h.id is null as is_new,
             f.poverty_status, f.poverty_year, f.head_person_id
        from (select s.residence_unit_id, s.household_code as code,
                     max(s.poverty_status) as poverty_status, max(s.poverty_year) as poverty_year,
                     (array_agg(t.person_id) filter (where s.relation_to_head = 'head'))[1] as head_person_id
                from import_rows s join import_targets t using (row_number)
               where s.household_code is not null
               group by s.residence_unit_id, s.household_code) f
        left join lateral (
          select h.id from registry.households h
           where h.residence_unit_id = f.residence_unit_id and h.code = f.code limit 1) h on true`);
    await client.query(`
      insert into registry.households (id, code, residence_unit_id, poverty_status, poverty_year, head_person_id, created_at, updated_at)
      select id, code, residence_unit_id, poverty_status, poverty_year, head_person_id, now(), now()
        from import_households where is_new`);
    const poverty = mapped.has('povertyStatus');
    await client.query(`
      update registry.households h
         set head_person_id = coalesce(i.head_person_id, h.head_person_id)
             ${poverty ? ', poverty_status = i.poverty_status, poverty_year = i.poverty_year' : ''}, updated_at = now()
        from import_households i
       where h.id = i.id and not i.is_new
         and h.id = any(array(select id from import_households where not is_new))
         and (h.head_person_id ${poverty ? ', h.poverty_status, h.poverty_year' : ''})
             is distinct from (coalesce(i.head_person_id, h.head_person_id) ${poverty ? ', i.poverty_status, i.poverty_year' : ''})`);
  }
  step('households');
  const householdJoin = households
    ? 'left join import_households h on h.residence_unit_id = s.residence_unit_id and h.code = s.household_code'
    : '';
  const created = await client.query(`
    insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, ethnicity_code, citizen_id,
      old_id_number, phone, residence_unit_id, address, household_id, relation_to_head, status, created_at, updated_at)
    select t.person_id, s.full_name, s.name_folded, s.birth_year, s.birth_date, s.gender, s.ethnicity_code, s.citizen_id,
      s.old_id_number, s.phone, s.residence_unit_id, s.address, ${households ? 'h.id' : 'null'}, s.relation_to_head,
      s.status, now(), now()
      from import_rows s join import_targets t using (row_number) ${householdJoin}
     where t.is_new`);
  step('insert persons (with history)');
  const changes = UPDATABLE.filter(([, field]) => mapped.has(field)).map(([column]): [string, string] => {
    if (column === 'birth_year' || column === 'name_folded') return [column, `s.${column}`];
    // A year alone in the file keeps the full date the register knows for that year.
    if (column === 'birth_date') {
      return [
        column,
        'case when s.birth_date is null and p.birth_year = s.birth_year then p.birth_date else s.birth_date end',
      ];
    }
    return [column, `coalesce(s.${column}, p.${column})`];
  });
  if (households) changes.push(['household_id', 'coalesce(h.id, p.household_id)']);
  if (changes.length) {
    await client.query(`
      with changed as (
      update registry.persons p
         set ${changes.map(([column, value]) => `${column} = ${value}`).join(', ')}, updated_at = now()
        from import_rows s join import_targets t using (row_number) ${householdJoin}
       where p.id = t.person_id and not t.is_new
         and (${changes.map(([column]) => `p.${column}`).join(', ')}) is distinct from (${changes.map(([, value]) => value).join(', ')})
      returning p.id)
      insert into import_changed select id from changed`);
  }
  step('update persons');
  if (mapped.has('accountNumber')) {
    const accountColumns = `id, person_id, kind, provider_code, account_number, holder_name, holder_name_matches,
      is_default, created_at, updated_at`;
    const accountValues = `registry.time_ordered_uuid(), t.person_id, s.account_kind, s.provider_code, s.account_number,
      s.holder_name, s.holder_name_matches`;
    // A person created here has no account yet: a plain insert, without the upsert's conflict check per row.
    await client.query(`
      insert into registry.payment_accounts (${accountColumns})
      select ${accountValues}, true, now(), now()
        from import_rows s join import_targets t using (row_number)
       where s.account_number is not null and t.is_new`);
    await client.query(`
      with changed as (
      insert into registry.payment_accounts (${accountColumns})
      select ${accountValues},
        not exists (select 1 from registry.payment_accounts a where a.person_id = t.person_id and a.is_default),
        now(), now()
        from import_rows s join import_targets t using (row_number)
       where s.account_number is not null and not t.is_new
      on conflict (person_id, provider_code, account_number) do update
        set holder_name = excluded.holder_name, holder_name_matches = excluded.holder_name_matches, updated_at = now()
        where payment_accounts.holder_name is distinct from excluded.holder_name
      returning person_id)
      insert into import_changed select person_id from changed`);
  }
  step('payment accounts');
  const { rows } = await client.query<{ updated: number; raised: number }>(`
    select (select count(distinct c.person_id)::int from import_changed c
             where not exists (select 1 from import_targets t where t.person_id = c.person_id and t.is_new)) as updated,
           registry.raise_duplicate_warnings(array(select person_id from import_targets where is_new), false) as raised`);
  step('count changes, raise duplicate warnings');
  return { created: created.rowCount ?? 0, updated: rows[0]!.updated, duplicateWarnings: rows[0]!.raised };
}
