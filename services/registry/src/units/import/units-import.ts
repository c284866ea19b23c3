import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { readMergesJson } from './unit-merges.ts';
import {
  formatProblem,
  planUnitsImport,
  type MergeMap,
  readUnitsCsv,
  sortProblems,
  type FileUnit,
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
  /** Stored units outside the file that were updated with it (successors from the merges). */
  relatedUpdated: number;
  /**
   * Units whose lineage (path, parent, successor versions, scope, former districts) changed, as
   * `registry.refresh_unit_lineage()` recomputed it in the import's transaction.
   */
  lineageUpdated: number;
  /** Every reason for rejecting the file; each names its line where it has one. */
  problems: UnitProblem[];
  /** Reported, but not a reason to reject (unused columns, merges entries that match no unit). */
  warnings: UnitProblem[];
  seconds: number;
};

const TABLE = 'registry.administrative_units';

const SELECT_UNITS = `select code, name, full_name as "fullName", level, kind, parent_code as "parentCode",
  valid_from::text as "validFrom", valid_to::text as "validTo", successor_codes as "successorCodes"
  from ${TABLE}`;

/**
 * One set-based statement for every row: inserts new (code, valid_from), updates only what differs.
 * A new row's path is its code until registry.refresh_unit_lineage() computes it, in the same transaction.
 */
const UPSERT_UNITS = `insert into ${TABLE} as u
  (id, code, name, full_name, level, kind, parent_code, path, valid_from, valid_to, successor_codes)
  select gen_random_uuid(), t.code, t.name, t.full_name, t.level, t.kind, t.parent_code, text2ltree(t.code),
    t.valid_from::date, t.valid_to::date, coalesce(string_to_array(nullif(t.successors, ''), '|'), '{}')
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[]) as t(code, name, full_name, level, kind, parent_code, valid_from, valid_to, successors)
  on conflict (code, valid_from) do update set name = excluded.name, full_name = excluded.full_name,
    level = excluded.level, kind = excluded.kind, parent_code = excluded.parent_code,
    valid_to = excluded.valid_to, successor_codes = excluded.successor_codes
  where (u.name, u.full_name, u.level, u.kind, u.parent_code, u.valid_to, u.successor_codes)
    is distinct from (excluded.name, excluded.full_name, excluded.level, excluded.kind, excluded.parent_code,
      excluded.valid_to, excluded.successor_codes)
  returning (xmax = 0) as inserted`;

/** Paths, parents, successor versions, scopes and former districts of every unit (migration Migration20261202100000). */
const REFRESH_LINEAGE = 'select registry.refresh_unit_lineage() as changed';

function upsertParameters(units: readonly StoredUnit[]): (string | null)[][] {
  return [
    units.map((unit) => unit.code),
    units.map((unit) => unit.name),
    units.map((unit) => unit.fullName),
    units.map((unit) => unit.level),
    units.map((unit) => unit.kind),
    units.map((unit) => unit.parentCode),
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
        `Cơ sở dữ liệu chưa có bảng ${TABLE} với cột successor_codes, scope_paths: chạy \`npm run migrate\` trước (${(error as Error).message})`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** One units list of an import: a CSV and the validity of its rows that have no dates. */
export type UnitList = {
  csv: string;
  /** Its name in problems (several lists in one import); null for a single file. */
  file?: string | null | undefined;
  validFrom?: string | null | undefined;
  validTo?: string | null | undefined;
};

/** A merges JSON and the day its new units start (null: the one start of its new units in the lists). */
export type MergeSource = { json: string; file?: string | null | undefined; on?: string | null | undefined };

/**
 * Loads administrative units from a CSV into `registry.administrative_units`, idempotently: in one
 * transaction, new units (by code and start of validity) are inserted, changed ones updated and equal
 * ones left untouched, then the lineage of every unit is recomputed in SQL. A file with any problem
 * is rejected whole, with every problem and its line.
 */
export async function importUnits(options: UnitsImportOptions): Promise<UnitsImportReport> {
  return importUnitLists({
    databaseUrl: options.databaseUrl,
    lists: [{ csv: options.csv, validFrom: options.validFrom, validTo: options.validTo }],
    merges: options.merges ? [{ json: options.merges }] : [],
    dryRun: options.dryRun,
  });
}

/**
 * Several unit lists and merge maps in one transaction (the whole country across its reforms): all
 * are checked together against each other and the stored units; any problem rejects them all.
 */
export async function importUnitLists(options: {
  databaseUrl: string;
  lists: readonly UnitList[];
  merges?: readonly MergeSource[] | undefined;
  dryRun?: boolean | undefined;
}): Promise<UnitsImportReport> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const problems: UnitProblem[] = [];
  const warnings: UnitProblem[] = [];
  const units: FileUnit[] = [];
  let rows = 0;
  for (const list of options.lists) {
    const read = readUnitsCsv(list.csv, { validFrom: list.validFrom, validTo: list.validTo });
    const file = list.file ?? null;
    const named = <T extends UnitProblem>(problem: T): T => (file ? { ...problem, file } : problem);
    problems.push(...read.problems.map(named));
    warnings.push(...read.warnings.map(named));
    units.push(...read.units.map((unit) => (file ? { ...unit, file } : unit)));
    rows += read.rows;
  }
  const mergeMaps: MergeMap[] = [];
  for (const source of options.merges ?? []) {
    const read = readMergesJson(source.json);
    const prefix = source.file ? `${source.file}: ` : '';
    problems.push(...read.problems.map((message) => ({ line: null, code: null, message: prefix + message })));
    mergeMaps.push({ merges: read.merges, on: source.on ?? null, file: source.file ?? null });
  }

  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    // One import at a time; readers carry on. The snapshot below is then what the upsert meets.
    await client.query(`lock table ${TABLE} in share row exclusive mode`);
    const plan: UnitsImportPlan = planUnitsImport({
      units,
      stored: await storedUnits(client),
      mergeMaps,
    });
    problems.push(...plan.problems);
    const ok = problems.length === 0;
    const report: UnitsImportReport = {
      ok,
      dryRun,
      rows,
      inserted: ok ? plan.inserts.length : 0,
      updated: ok ? plan.updates.length : 0,
      unchanged: ok ? plan.unchanged : 0,
      relatedUpdated: ok ? plan.relatedUpdates.length : 0,
      lineageUpdated: 0,
      problems: sortProblems(problems),
      warnings: [...warnings, ...plan.warnings],
      seconds: 0,
    };
    if (!ok) {
      await client.query('rollback');
    } else {
      const writes = [...plan.inserts, ...plan.updates, ...plan.relatedUpdates];
      if (writes.length) {
        const { rows: written } = await client.query<{ inserted: boolean }>(
          UPSERT_UNITS,
          upsertParameters(writes),
        );
        const inserted = written.filter((row) => row.inserted).length;
        if (inserted !== plan.inserts.length || written.length !== writes.length) {
          throw new Error(
            `nhập đơn vị: cơ sở dữ liệu khác với dự tính (thêm ${inserted}/${plan.inserts.length}, ghi ${written.length}/${writes.length}); đã hủy`,
          );
        }
      }
      // Recomputed even when no row was written: it writes only units whose lineage differs.
      const { rows: refreshed } = await client.query<{ changed: number }>(REFRESH_LINEAGE);
      report.lineageUpdated = refreshed[0]!.changed;
      await client.query(dryRun ? 'rollback' : 'commit');
      // Every scope check of row-level security plans on this table: statistics of the lists just
      // written, not of a table the planner still takes for empty (a scan of all units per statement).
      if (!dryRun && (writes.length || report.lineageUpdated)) await client.query(`analyze ${TABLE}`);
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

/** The national lists and merge maps shipped with the registry (services/registry/data/admin-units/). */
export const NATIONAL_UNITS_DIRECTORY = fileURLToPath(new URL('../../../data/admin-units/', import.meta.url));

/**
 * `units.json` of a units directory: the lists in order of time with the validity of their rows, and
 * the merge maps with the day their new units start. A later re-organisation adds a list and a map
 * here (and ends the list before it), no code.
 */
type UnitsManifest = {
  lists: { file: string; validFrom?: string | null; validTo?: string | null }[];
  merges: { file: string; on: string }[];
};

async function readManifest(directory: string): Promise<UnitsManifest> {
  const path = join(directory, 'units.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Partial<UnitsManifest>;
  if (!Array.isArray(manifest.lists) || !manifest.lists.every((list) => typeof list?.file === 'string')) {
    throw new Error(
      `${path}: cần "lists": [{"file", "validFrom"?, "validTo"?}] và "merges": [{"file", "on"}]`,
    );
  }
  return { lists: manifest.lists, merges: Array.isArray(manifest.merges) ? manifest.merges : [] };
}

/**
 * Loads the whole country: every list of the units directory (by default the national lists shipped
 * with the registry, 10,794 units until 30 June 2025 and 3,355 from 1 July 2025) and its merge maps,
 * in one transaction, idempotently (a second run changes nothing). For `npm run units:load` and
 * the first start of a deployment.
 */
export async function loadNationalUnits(
  databaseUrl: string,
  options: { dryRun?: boolean | undefined; directory?: string | undefined } = {},
): Promise<UnitsImportReport> {
  const directory = options.directory ?? NATIONAL_UNITS_DIRECTORY;
  const manifest = await readManifest(directory);
  const lists: UnitList[] = [];
  for (const list of manifest.lists) {
    lists.push({
      csv: await readFile(join(directory, list.file), 'utf8'),
      file: list.file,
      validFrom: list.validFrom ?? null,
      validTo: list.validTo ?? null,
    });
  }
  const merges: MergeSource[] = [];
  for (const map of manifest.merges) {
    merges.push({ json: await readFile(join(directory, map.file), 'utf8'), file: map.file, on: map.on });
  }
  return importUnitLists({ databaseUrl, lists, merges, dryRun: options.dryRun });
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
    const counts = `thêm mới ${report.inserted}, cập nhật ${report.updated}, không đổi ${report.unchanged}, đơn vị khác cập nhật theo (kế thừa) ${report.relatedUpdated}, cập nhật đường dẫn và kế thừa (lineage) ${report.lineageUpdated}`;
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
