import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import pg from 'pg';
import {
  ACTOR_SETTINGS,
  copyRows,
  SCOPE_SETTING,
  subgraphRole,
  type Actor,
  type CopyValue,
} from '@ansinh/common/standalone';
import { holderNameMatches } from '../accounts/payment-account.rules.ts';
import { foldText } from '../text/fold-text.ts';
import { FIELD_LABELS, mapColumns, type CanonicalField, type ColumnAssignment } from './column-mapping.ts';
import { writeImportReport, type ReportedRow } from './import-report.ts';
import { NumberSet } from './number-set.ts';
import { personRowParser, type ImportedPerson, type RowProblem } from './person-row.rules.ts';
import { openSpreadsheet, SpreadsheetError, type SpreadsheetCell } from './spreadsheet-source.ts';

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
  /** Id of the stored XLSX of rejected rows, when some were rejected. */
  reportId: string | null;
};

export type PersonImportRequest = {
  databaseUrl: string;
  /** The spreadsheet: a path or a stream. */
  file: string | Readable;
  fileName: string;
  mapping?: readonly ColumnAssignment[] | undefined;
  /** The caller's unit path: only communes under it may receive persons. */
  scopePath: string;
  /** The commune of rows that give none (the caller's own commune, or one chosen in scope). */
  defaultUnitCode?: string | undefined;
  actor: Actor;
  /** Where to write the XLSX of rejected rows, when there are some. */
  report?: { id: string; path: string } | undefined;
  today?: Date;
  /** Told how long each step took (benchmarks). */
  onStep?: (step: string, seconds: number) => void;
};

/** At most this many problems travel in the answer; the XLSX report has them all. */
const MAX_PROBLEMS_IN_ANSWER = 1000;

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
  'residence_unit_code varchar(5) not null',
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
  ['residence_unit_code', 'residenceUnitCode'],
  ['address', 'address'],
  ['relation_to_head', 'relationToHead'],
  ['status', 'status'],
];

function stagingRow(rowNumber: number, person: ImportedPerson): CopyValue[] {
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
    person.residenceUnitCode,
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

/** A queue of report rows, written to the XLSX as they come so that memory stays flat. */
function reportQueue() {
  const waiting: ReportedRow[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const rows: AsyncIterable<ReportedRow> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (waiting.length) yield waiting.shift()!;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
  const nudge = () => {
    wake?.();
    wake = undefined;
  };
  return {
    rows,
    push(row: ReportedRow) {
      waiting.push(row);
      nudge();
    },
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
 * read, or any failure, writes nothing.
 */
export async function importPersons(request: PersonImportRequest): Promise<PersonImportReport> {
  const id = randomUUID();
  const client = new pg.Client({
    connectionString: request.databaseUrl,
    application_name: 'ansinh-person-import',
  });
  await client.connect();
  const problems: PersonImportReport['problems'] = [];
  let rejected = 0;
  let reportWritten: Promise<unknown> = Promise.resolve();
  const queue = reportQueue();
  let stepStarted = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    request.onStep?.(name, (now - stepStarted) / 1000);
    stepStarted = now;
  };
  try {
    const { rows: communeRows } = await client.query<{ code: string }>(
      `select code from registry.administrative_units
        where valid_to is null and level = 'commune' and path <@ $1::ltree`,
      [request.scopePath],
    );
    const communes = new Set(communeRows.map((row) => row.code));
    const sheet = await openSpreadsheet(request.file, {
      fileName: request.fileName,
      columns: request.mapping,
    });
    const columnMap = mapColumns(sheet.headers, request.mapping);
    const mapped = new Set(columnMap.columns.map((column) => column.field));
    const columnOf = (field: CanonicalField) =>
      columnMap.columns.find((column) => column.field === field)?.header ?? FIELD_LABELS[field];
    if (request.report) reportWritten = writeImportReport(request.report.path, sheet.headers, queue.rows);
    const reject = (
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
      if (request.report) queue.push({ rowNumber, cells, problems: rowProblems });
    };

    await client.query('begin');
    await client.query(
      `create temp table import_rows (${STAGING_COLUMNS.join(', ')}, new_id uuid not null default registry.time_ordered_uuid()) on commit drop`,
    );
    await client.query(`grant select on import_rows to ${subgraphRole('registry')}`);
    const copy = copyRows(client, `copy import_rows (${COPY_COLUMN_NAMES}) from stdin`);
    const parse = personRowParser(columnMap, {
      today: request.today ?? new Date(),
      defaultUnitCode: request.defaultUnitCode,
    });
    // A CCCD twice in one file is a mistake in the file: the later row is refused.
    const citizenIdsSeen = new NumberSet();
    let rows = 0;
    for await (const row of sheet.rows) {
      rows += 1;
      const result = parse(row.cells);
      if (!result.ok) {
        reject(row.rowNumber, row.cells, result.problems);
        continue;
      }
      const person = result.row;
      if (!communes.has(person.residenceUnitCode)) {
        reject(row.rowNumber, row.cells, [
          {
            column: columnOf('residenceUnitCode'),
            field: 'residenceUnitCode',
            message: `Xã/phường mã "${person.residenceUnitCode}" không có hoặc không thuộc đơn vị của bạn.`,
          },
        ]);
        continue;
      }
      if (person.citizenId) {
        if (!citizenIdsSeen.add(Number(person.citizenId))) {
          reject(row.rowNumber, row.cells, [
            {
              column: columnOf('citizenId'),
              field: 'citizenId',
              message: 'Số CCCD trùng với một dòng phía trên.',
            },
          ]);
          continue;
        }
      }
      await copy.write(stagingRow(row.rowNumber, person));
    }
    await copy.end();
    step('read, check and COPY the rows');
    if (rows === 0) throw new SpreadsheetError('EMPTY', 'Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.');

    // A CCCD held by a living person of another unit cannot be imported here (nor told to whom it belongs).
    const { rows: heldElsewhere } = await client.query<{ row_number: number }>(
      `select s.row_number from import_rows s
        where s.citizen_id is not null and exists (
          select 1 from registry.persons p
            join registry.administrative_units u on u.code = p.residence_unit_code and u.valid_to is null
           where p.citizen_id = s.citizen_id and p.status = 'living' and not (u.path <@ $1::ltree))
        order by s.row_number`,
      [request.scopePath],
    );
    if (heldElsewhere.length) {
      await client.query('delete from import_rows where row_number = any($1::int[])', [
        heldElsewhere.map((row) => row.row_number),
      ]);
      for (const { row_number: rowNumber } of heldElsewhere) {
        reject(
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
      'analyze import_rows (row_number, citizen_id, old_id_number, name_folded, residence_unit_code, household_code)',
    );
    // From here on the writes run as the registry's role, under row-level security for the caller's scope.
    await client.query(`set local role ${subgraphRole('registry')}`);
    await client.query(
      `select set_config($1, $2, true), set_config($3, $4, true), set_config($5, $6, true), set_config($7, $8, true)`,
      [
        SCOPE_SETTING,
        request.scopePath,
        ACTOR_SETTINGS.id,
        request.actor.id,
        ACTOR_SETTINGS.name,
        request.actor.name,
        ACTOR_SETTINGS.unit,
        request.actor.unitCode,
      ],
    );
    step('refuse CCCDs held in other units');
    const counts = await upsert(client, mapped, step);
    await client.query('commit');
    step('commit');
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
      reportId: rejected && request.report ? request.report.id : null,
    };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    queue.end();
    await reportWritten.catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * The set-based part: match staged rows to persons (by CCCD, else old CMND, else folded name, birth and
 * commune among persons without CCCD), upsert households (with their heads), persons and accounts, and
 * raise duplicate warnings for the persons created. Only fields whose column is in the file change on a
 * re-import, and an empty cell never erases what the register holds.
 */
async function upsert(
  client: pg.Client,
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
      `p.name_folded = s.name_folded and p.birth_year = s.birth_year and p.residence_unit_code = s.residence_unit_code
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
    await client.query(`
      create temp table import_households on commit drop as
      select s.residence_unit_code, s.household_code as code, coalesce(h.id, registry.time_ordered_uuid()) as id, h.id is null as is_new,
             max(s.poverty_status) as poverty_status, max(s.poverty_year) as poverty_year,
             (array_agg(t.person_id) filter (where s.relation_to_head = 'head'))[1] as head_person_id
        from import_rows s join import_targets t using (row_number)
        left join registry.households h on h.residence_unit_code = s.residence_unit_code and h.code = s.household_code
       where s.household_code is not null
       group by s.residence_unit_code, s.household_code, h.id`);
    await client.query(`
      insert into registry.households (id, code, residence_unit_code, poverty_status, poverty_year, head_person_id, created_at, updated_at)
      select id, code, residence_unit_code, poverty_status, poverty_year, head_person_id, now(), now()
        from import_households where is_new`);
    const poverty = mapped.has('povertyStatus');
    await client.query(`
      update registry.households h
         set head_person_id = coalesce(i.head_person_id, h.head_person_id)
             ${poverty ? ', poverty_status = i.poverty_status, poverty_year = i.poverty_year' : ''}, updated_at = now()
        from import_households i
       where h.id = i.id and not i.is_new
         and (h.head_person_id ${poverty ? ', h.poverty_status, h.poverty_year' : ''})
             is distinct from (coalesce(i.head_person_id, h.head_person_id) ${poverty ? ', i.poverty_status, i.poverty_year' : ''})`);
  }
  step('households');
  const householdJoin = households
    ? 'left join import_households h on h.residence_unit_code = s.residence_unit_code and h.code = s.household_code'
    : '';
  const created = await client.query(`
    insert into registry.persons (id, full_name, name_folded, birth_year, birth_date, gender, ethnicity_code, citizen_id,
      old_id_number, phone, residence_unit_code, address, household_id, relation_to_head, status, created_at, updated_at)
    select t.person_id, s.full_name, s.name_folded, s.birth_year, s.birth_date, s.gender, s.ethnicity_code, s.citizen_id,
      s.old_id_number, s.phone, s.residence_unit_code, s.address, ${households ? 'h.id' : 'null'}, s.relation_to_head,
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
