import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { readMergesJson } from './unit-merges.ts';
import {
  formatProblem,
  planUnitsImport,
  readUnitsCsv,
  sortProblems,
  type StoredUnit,
  type UnitProblem,
  type UnitsImportPlan,
} from './units-file.rules.ts';

export type UnitsImportOptions = {
  /** PostgreSQL URL; the import runs as this connection's user, the owner of `registry.administrative_units`. */
  databaseUrl: string;
  /** The units CSV (see the registry README, "Importing administrative units"). */
  csv: string;
  /** A merges JSON (`merges-2025-07-01.json` format): sets the successors of the old units. */
  merges?: string | null | undefined;
  /** Start of validity for rows without `valid_from` (`yyyy-mm-dd`). */
  validFrom?: string | null | undefined;
  /** End of validity for rows without `valid_to` (`yyyy-mm-dd`). */
  validTo?: string | null | undefined;
  /** Validate and count only; write nothing. */
  dryRun?: boolean | undefined;
};

export type UnitsImportReport = {
  /** False when the file was rejected: then nothing was written. */
  ok: boolean;
  dryRun: boolean;
  /** Unit rows read from the file. */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Stored units outside the file that were updated with it (successors from the merges, paths). */
  relatedUpdated: number;
  /** Every reason for rejecting the file; each names its line where it has one. */
  problems: UnitProblem[];
  /** Reported, but not a reason to reject (unused columns, merges entries that match no unit). */
  warnings: UnitProblem[];
  seconds: number;
};

const TABLE = 'registry.administrative_units';

const SELECT_UNITS = `select code, name, full_name as "fullName", level, kind, parent_code as "parentCode",
  path::text as path, valid_from::text as "validFrom", valid_to::text as "validTo", successor_codes as "successorCodes"
  from ${TABLE}`;

/** One set-based statement for every row: inserts new (code, valid_from), updates only what differs. */
const UPSERT_UNITS = `insert into ${TABLE} as u
  (id, code, name, full_name, level, kind, parent_code, path, valid_from, valid_to, successor_codes)
  select gen_random_uuid(), t.code, t.name, t.full_name, t.level, t.kind, t.parent_code, t.path::ltree,
    t.valid_from::date, t.valid_to::date, coalesce(string_to_array(nullif(t.successors, ''), '|'), '{}')
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::text[]) as t(code, name, full_name, level, kind, parent_code, path, valid_from, valid_to, successors)
  on conflict (code, valid_from) do update set name = excluded.name, full_name = excluded.full_name,
    level = excluded.level, kind = excluded.kind, parent_code = excluded.parent_code, path = excluded.path,
    valid_to = excluded.valid_to, successor_codes = excluded.successor_codes
  where (u.name, u.full_name, u.level, u.kind, u.parent_code, u.path, u.valid_to, u.successor_codes)
    is distinct from (excluded.name, excluded.full_name, excluded.level, excluded.kind, excluded.parent_code,
      excluded.path, excluded.valid_to, excluded.successor_codes)
  returning (xmax = 0) as inserted`;

function upsertParameters(units: readonly StoredUnit[]): (string | null)[][] {
  return [
    units.map((unit) => unit.code),
    units.map((unit) => unit.name),
    units.map((unit) => unit.fullName),
    units.map((unit) => unit.level),
    units.map((unit) => unit.kind),
    units.map((unit) => unit.parentCode),
    units.map((unit) => unit.path),
    units.map((unit) => unit.validFrom),
    units.map((unit) => unit.validTo),
    units.map((unit) => unit.successorCodes.join('|')),
  ];
}

async function storedUnits(client: pg.Client): Promise<StoredUnit[]> {
  try {
    return (await client.query<StoredUnit>(SELECT_UNITS)).rows;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42P01' || code === '42703' || code === '3F000') {
      throw new Error(
        `Cơ sở dữ liệu chưa có bảng ${TABLE} với cột successor_codes: chạy \`npm run migrate\` trước (${(error as Error).message})`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Loads administrative units from a CSV into `registry.administrative_units`, idempotently: in one
 * transaction, new units (by code and start of validity) are inserted, changed ones updated and equal
 * ones left untouched. A file with any problem is rejected whole, with every problem and its line.
 */
export async function importUnits(options: UnitsImportOptions): Promise<UnitsImportReport> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const read = readUnitsCsv(options.csv, { validFrom: options.validFrom, validTo: options.validTo });
  const problems = [...read.problems];
  const merges = options.merges ? readMergesJson(options.merges) : null;
  if (merges) problems.push(...merges.problems.map((message) => ({ line: null, code: null, message })));

  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    // One import at a time; readers carry on. The snapshot below is then what the upsert meets.
    if (!dryRun) await client.query(`lock table ${TABLE} in share row exclusive mode`);
    const plan: UnitsImportPlan = planUnitsImport({
      units: read.units,
      stored: await storedUnits(client),
      merges: merges?.merges,
    });
    problems.push(...plan.problems);
    const report: UnitsImportReport = {
      ok: problems.length === 0,
      dryRun,
      rows: read.rows,
      inserted: problems.length ? 0 : plan.inserts.length,
      updated: problems.length ? 0 : plan.updates.length,
      unchanged: problems.length ? 0 : plan.unchanged,
      relatedUpdated: problems.length ? 0 : plan.relatedUpdates.length,
      problems: sortProblems(problems),
      warnings: [...read.warnings, ...plan.warnings],
      seconds: 0,
    };
    const writes = [...plan.inserts, ...plan.updates, ...plan.relatedUpdates];
    if (!report.ok || dryRun || writes.length === 0) {
      await client.query('rollback');
    } else {
      const { rows } = await client.query<{ inserted: boolean }>(UPSERT_UNITS, upsertParameters(writes));
      const inserted = rows.filter((row) => row.inserted).length;
      if (inserted !== plan.inserts.length || rows.length !== writes.length) {
        throw new Error(
          `nhập đơn vị: cơ sở dữ liệu khác với dự tính (thêm ${inserted}/${plan.inserts.length}, ghi ${rows.length}/${writes.length}); đã hủy`,
        );
      }
      await client.query('commit');
    }
    report.seconds = (performance.now() - started) / 1000;
    return report;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** {@link importUnits} of a CSV file (and a merges file) read from disk. */
export async function importUnitsFile(
  options: Omit<UnitsImportOptions, 'csv' | 'merges'> & {
    file: string;
    mergesFile?: string | null | undefined;
  },
): Promise<UnitsImportReport> {
  const { file, mergesFile, ...rest } = options;
  return importUnits({
    ...rest,
    csv: await readFile(file, 'utf8'),
    merges: mergesFile ? await readFile(mergesFile, 'utf8') : null,
  });
}

/** The report in Vietnamese, for officials: counts, then every problem and warning, one a line. */
export function formatImportReport(report: UnitsImportReport, file?: string): string {
  const name = file ? `${basename(file)}: ` : '';
  const lines: string[] = [];
  if (!report.ok) {
    lines.push(
      `${name}tệp bị từ chối, không ghi gì vào cơ sở dữ liệu: ${report.problems.length} lỗi (${report.rows} dòng đơn vị).`,
    );
    lines.push(...report.problems.map((problem) => `  - ${formatProblem(problem)}`));
  } else {
    const counts = `thêm mới ${report.inserted}, cập nhật ${report.updated}, không đổi ${report.unchanged}, đơn vị khác cập nhật theo (kế thừa, đường dẫn) ${report.relatedUpdated}`;
    lines.push(
      report.dryRun
        ? `${name}chạy thử (--dry-run), không ghi gì; ${report.rows} dòng đơn vị hợp lệ, nếu nhập sẽ: ${counts}.`
        : `${name}${report.rows} dòng đơn vị: ${counts}.`,
    );
  }
  if (report.warnings.length) {
    lines.push(`Cảnh báo (${report.warnings.length}):`);
    lines.push(...report.warnings.map((warning) => `  - ${formatProblem(warning)}`));
  }
  lines.push(`Thời gian: ${report.seconds.toFixed(2)} giây.`);
  return lines.join('\n');
}
