import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { formatProblem } from '../src/units/import/units-file.rules.ts';
import { importUnits, importUnitsFile, type UnitsImportReport } from '../src/units/import/units-import.ts';

/** The national lists shipped with the registry (services/registry/data/admin-units/). */
const DATA = fileURLToPath(new URL('../data/admin-units/', import.meta.url));
const BEFORE = join(DATA, 'units-before-2025-07-01.csv');
const AFTER = join(DATA, 'units-from-2025-07-01.csv');
const MERGES = join(DATA, 'merges-2025-07-01.json');
const CLI = fileURLToPath(new URL('../../../infra/src/units-import-cli.ts', import.meta.url));

type Merges = { data: { level2s: { level2_id: string; merges: { old_id: string; type: string }[] }[] }[] };

let database: TestDatabase;
let client: pg.Client;
let merges: Merges;

async function rows<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, values)).rows;
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const [row] = await rows<{ count: string }>(sql, values);
  return Number(row!.count);
}

/** Every row's id and xmin: changes whenever a row is inserted, updated or deleted. */
async function fingerprint(): Promise<string> {
  const [row] = await rows<{ fingerprint: string }>(
    `select count(*) || ':' || coalesce(md5(string_agg(id::text || '@' || xmin::text, ',' order by id)), '') as fingerprint
     from registry.administrative_units`,
  );
  return row!.fingerprint;
}

const importBefore = () =>
  importUnitsFile({ databaseUrl: database.url, file: BEFORE, validTo: '2025-06-30' });
const importAfter = () =>
  importUnitsFile({ databaseUrl: database.url, file: AFTER, validFrom: '2025-07-01', mergesFile: MERGES });

const counts = (report: UnitsImportReport) => ({
  ok: report.ok,
  inserted: report.inserted,
  updated: report.updated,
  unchanged: report.unchanged,
  relatedUpdated: report.relatedUpdated,
});
const changes = (report: UnitsImportReport) => ({
  ...counts(report),
  lineageUpdated: report.lineageUpdated,
});

/** New commune codes of the merges file whose old units include `oldCode`. */
function newCodesOf(oldCode: string): string[] {
  return merges.data
    .flatMap((province) => province.level2s)
    .filter((commune) => commune.merges.some((merge) => merge.old_id === oldCode))
    .map((commune) => commune.level2_id);
}

beforeAll(async () => {
  for (const file of [BEFORE, AFTER, MERGES]) {
    if (!existsSync(file)) throw new Error(`The national unit lists are missing: ${file} not found.`);
  }
  merges = JSON.parse(await readFile(MERGES, 'utf8')) as Merges;
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // Independent of whatever units the template holds (a fresh clone has none).
  await client.query('delete from registry.administrative_units');
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('units:import with the national lists', () => {
  it('imports the 10,794 units in force until 30 June 2025', async () => {
    const report = await importBefore();
    expect(report.problems.map(formatProblem)).toEqual([]);
    expect(counts(report)).toEqual({
      ok: true,
      inserted: 10_794,
      updated: 0,
      unchanged: 0,
      relatedUpdated: 0,
    });
    expect(
      await count(`select count(*) from registry.administrative_units where valid_to = '2025-06-30'`),
    ).toBe(10_794);
    const [namHa] = await rows(
      `select path::text, parent_code, full_name, valid_from, successor_codes from registry.administrative_units where code = '18073'`,
    );
    expect(namHa).toEqual({
      path: '42.436.18073',
      parent_code: '436',
      full_name: 'Phường Nam Hà',
      valid_from: null,
      successor_codes: [],
    });
  });

  it('has Hà Tĩnh with 12 district-level units and 209 communes before the reform', async () => {
    const before = `valid_to = '2025-06-30' and path <@ '42'`;
    expect(
      await count(
        `select count(*) from registry.administrative_units where ${before} and level = 'district'`,
      ),
    ).toBe(12);
    expect(
      await count(`select count(*) from registry.administrative_units where ${before} and level = 'commune'`),
    ).toBe(209);
  });

  it('imports the 3,355 units from 1 July 2025 with the merges, setting the successors of the old units', async () => {
    const report = await importAfter();
    expect(report.problems.map(formatProblem)).toEqual([]);
    const withSuccessors = await count(
      `select count(*) from registry.administrative_units where valid_to = '2025-06-30' and successor_codes <> '{}'`,
    );
    expect(counts(report)).toEqual({
      ok: true,
      inserted: 3_355,
      updated: 0,
      unchanged: 0,
      relatedUpdated: withSuccessors,
    });
    expect(withSuccessors).toBeGreaterThan(10_000);
    expect(report.warnings.map(formatProblem)).toEqual([]);
  });

  it('has Hà Tĩnh with 69 communes directly under the province after the reform', async () => {
    const after = `valid_from = '2025-07-01' and path <@ '42_20250701'`;
    expect(
      await count(`select count(*) from registry.administrative_units where ${after} and level = 'commune'`),
    ).toBe(69);
    expect(
      await count(`select count(*) from registry.administrative_units where ${after} and level = 'district'`),
    ).toBe(0);
    const [thanhSen] = await rows(
      `select path::text, parent_code, full_name from registry.administrative_units where code = '18073' and valid_from = '2025-07-01'`,
    );
    // Version-qualified labels: the new 18073 is another unit than the old one, on another path.
    expect(thanhSen).toEqual({
      path: '42_20250701.18073_20250701',
      parent_code: '42',
      full_name: 'Phường Thành Sen',
    });
  });

  it('gives each old unit the new units that took it over: Phường Nam Hà went into Phường Thành Sen', async () => {
    const successorsOf = async (code: string) =>
      (
        await rows<{ successor_codes: string[] }>(
          `select successor_codes from registry.administrative_units where code = $1 and valid_to = '2025-06-30'`,
          [code],
        )
      )[0]!.successor_codes;
    expect(newCodesOf('18073')).toEqual(['18073']);
    expect(await successorsOf('18073')).toEqual(['18073']);
    expect(await successorsOf('42')).toEqual(['42']);
    // A commune split across several new communes has each of them.
    const newCodes = new Set(
      (await readFile(AFTER, 'utf8'))
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]),
    );
    const split = merges.data
      .flatMap((province) => province.level2s)
      .flatMap((commune) => commune.merges)
      .find(
        (merge) =>
          merge.type === 'partial' &&
          newCodesOf(merge.old_id).length > 2 &&
          newCodesOf(merge.old_id).every((code) => newCodes.has(code)),
      )!;
    expect((await successorsOf(split.old_id)).sort()).toEqual(newCodesOf(split.old_id).sort());
  });

  it('finds the predecessors of a new unit: the units that end the day before it starts and name it', async () => {
    const predecessors = await rows<{ code: string; full_name: string }>(
      `select old.code, old.full_name from registry.administrative_units new
       join registry.administrative_units old
         on old.successor_codes @> array[new.code]::text[] and old.valid_to = new.valid_from - 1
       where new.code = '18073' and new.valid_from = '2025-07-01' order by old.code`,
    );
    const expected = merges.data
      .flatMap((province) => province.level2s)
      .find((commune) => commune.level2_id === '18073')!
      .merges.map((merge) => merge.old_id)
      .sort();
    expect(predecessors.map((unit) => unit.code)).toEqual(expected);
    expect(predecessors.map((unit) => unit.full_name)).toEqual(
      expect.arrayContaining(['Phường Nam Hà', 'Phường Bắc Hà']),
    );
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await fingerprint();
    expect(changes(await importBefore())).toEqual({
      ok: true,
      inserted: 0,
      updated: 0,
      unchanged: 10_794,
      relatedUpdated: 0,
      lineageUpdated: 0,
    });
    expect(changes(await importAfter())).toEqual({
      ok: true,
      inserted: 0,
      updated: 0,
      unchanged: 3_355,
      relatedUpdated: 0,
      lineageUpdated: 0,
    });
    expect(await fingerprint()).toBe(before);
  });
});

describe('units:import rejects a file with problems and writes nothing', () => {
  const HEADER = 'code,name,full_name,level,kind,parent_code,valid_from,valid_to,successor_code';
  /** A unit that could be imported (a new commune of Hà Tĩnh in 2026): written only if the whole file is good. */
  const GOOD = '99006,Mới,Xã Mới,commune,Xã,42,2026-01-01,,';

  it.each([
    ['a duplicate code', GOOD, 3, /trùng với dòng 2: cùng mã và cùng ngày bắt đầu hiệu lực/],
    ['an unknown parent', '99001,Thử,,commune,Xã,998,2026-01-01,,', 3, /không có đơn vị cha mã 998/],
    [
      'a cycle',
      '998,Thử,,district,Huyện,99002,2026-01-01,,\n99002,Thử,,commune,Xã,998,2026-01-01,,',
      3,
      /vòng lặp đơn vị cha: 998 → 99002 → 998/,
    ],
    [
      'a commune under a province that has districts',
      '99003,Thử,,commune,Xã,42,,2025-06-30,',
      3,
      /xã chỉ trực thuộc tỉnh khi tỉnh không có cấp huyện.*tỉnh 42 có 12 đơn vị cấp huyện/,
    ],
    ['a code of the wrong length', '9900,Thử,,commune,Xã,42,2026-01-01,,', 3, /mã cấp xã phải có 5 chữ số/],
    ['a bad date', '99004,Thử,,commune,Xã,42,2026-01-01,2025-12-31,', 3, /trước ngày bắt đầu hiệu lực/],
    ['a date not on the calendar', '99004,Thử,,commune,Xã,42,2026-02-30,,', 3, /không phải ngày có thật/],
    [
      'an unknown successor',
      '99005,Thử,,commune,Xã,42,2026-01-01,2026-06-30,88888',
      3,
      /không có đơn vị kế thừa mã 88888/,
    ],
    ['an empty name', '99007,,,commune,Xã,42,2026-01-01,,', 3, /tên đơn vị \(name\) không được để trống/],
    [
      'a period overlapping a stored unit of the same code',
      '18073,Nam Hà,,commune,Phường,436,2025-01-01,,',
      3,
      /trùng thời gian hiệu lực .* với đơn vị mã 18073/,
    ],
  ])('%s', async (_name, lines, line, message) => {
    const before = await fingerprint();
    const report = await importUnits({ databaseUrl: database.url, csv: [HEADER, GOOD, lines].join('\n') });
    expect(report.ok).toBe(false);
    expect([report.inserted, report.updated]).toEqual([0, 0]);
    expect(report.problems).toEqual(
      expect.arrayContaining([{ line, code: expect.any(String), message: expect.stringMatching(message) }]),
    );
    expect(await fingerprint()).toBe(before);
  });

  it('validates and counts only with dryRun', async () => {
    const before = await fingerprint();
    const report = await importUnits({ databaseUrl: database.url, csv: `${HEADER}\n${GOOD}`, dryRun: true });
    expect(counts(report)).toEqual({ ok: true, inserted: 1, updated: 0, unchanged: 0, relatedUpdated: 0 });
    expect(await fingerprint()).toBe(before);
  });

  it('the CLI exits with 1 and prints every problem with its line on a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'units-import-'));
    try {
      const file = join(dir, 'bad.csv');
      await writeFile(
        file,
        [HEADER, GOOD, '99001,Thử,,commune,Xã,998,2026-01-01,,', '99007,,,commune,Xã,42,2026-01-01,,'].join(
          '\n',
        ),
      );
      const before = await fingerprint();
      const run = (args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          execFile(
            process.execPath,
            [CLI, ...args],
            { env: { ...process.env, DATABASE_URL: database.url } },
            (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
          );
        });
      const bad = await run([file]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('bad.csv: tệp bị từ chối, không ghi gì vào cơ sở dữ liệu: 2 lỗi');
      expect(bad.stderr).toContain('Dòng 3, mã 99001: không có đơn vị cha mã 998');
      expect(bad.stderr).toContain('Dòng 4, mã 99007: tên đơn vị (name) không được để trống');
      expect(await fingerprint()).toBe(before);

      const dry = await run([BEFORE, '--valid-to', '2025-06-30', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('chạy thử (--dry-run), không ghi gì; 10794 dòng đơn vị hợp lệ');
      expect(dry.stdout).toContain('không đổi 10794');

      const usage = await run([file, '--valid-to', '30/06/2025']);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--valid-to "30/06/2025" không phải ngày yyyy-mm-dd');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
