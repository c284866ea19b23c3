import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { formatProblem } from '../src/units/import/units-file.rules.ts';
import { loadNationalUnits, type UnitsImportReport } from '../src/units/import/units-import.ts';

const CLI = fileURLToPath(new URL('../../../infra/src/units-load-cli.ts', import.meta.url));

let database: TestDatabase;
let client: pg.Client;
let firstLoad: UnitsImportReport;

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

const changes = (report: UnitsImportReport) => ({
  ok: report.ok,
  rows: report.rows,
  inserted: report.inserted,
  updated: report.updated,
  relatedUpdated: report.relatedUpdated,
  lineageUpdated: report.lineageUpdated,
});

type UnitRow = {
  id: string;
  code: string;
  path: string;
  valid_from: string | null;
  valid_to: string | null;
  parent_id: string | null;
  successor_ids: string[];
  scope_paths: string[];
  former_district_ids: string[];
};

/** The versions of `code` from registry.v_units, oldest first. */
const versions = (code: string) =>
  rows<UnitRow>(
    `select id, code, path::text, valid_from::text, valid_to::text, parent_id, successor_ids,
       scope_paths::text[] as scope_paths, former_district_ids
     from registry.v_units where code = $1 order by valid_from nulls first`,
    [code],
  );

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('delete from registry.administrative_units');
  firstLoad = await loadNationalUnits(database.url);
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('loadNationalUnits (npm run units:load): the whole country from the repository', () => {
  it('loads 10,794 units until 30 June 2025 and 3,355 from 1 July 2025 with the merge map', async () => {
    expect(firstLoad.problems.map(formatProblem)).toEqual([]);
    expect(firstLoad.warnings.map(formatProblem)).toEqual([]);
    expect(changes(firstLoad)).toEqual({
      ok: true,
      rows: 14_149,
      inserted: 14_149,
      updated: 0,
      relatedUpdated: 0,
      lineageUpdated: 14_149,
    });
    expect(
      await count(
        `select count(*) from registry.administrative_units where valid_from is null and valid_to = '2025-06-30'`,
      ),
    ).toBe(10_794);
    expect(
      await count(
        `select count(*) from registry.administrative_units where valid_from = '2025-07-01' and valid_to is null`,
      ),
    ).toBe(3_355);
  });

  it('merges the provinces too: 63 end on 30 June 2025, each taken over whole by one of the 34', async () => {
    const [provinces] = await rows<{ old: string; merged: string; current: string; targets: string }>(
      `select count(*) filter (where valid_to = '2025-06-30') as old,
         count(*) filter (where valid_to = '2025-06-30' and cardinality(successor_ids) = 1) as merged,
         count(*) filter (where valid_to is null) as current,
         (select count(distinct s) from registry.administrative_units, unnest(successor_ids) s
           where level = 'province') as targets
       from registry.administrative_units where level = 'province'`,
    );
    expect(provinces).toEqual({ old: '63', merged: '63', current: '34', targets: '34' });
    // Hà Tĩnh stays one province: the new 42 reads the old 42 and everything under it.
    const [old42, new42] = await versions('42');
    expect(old42!.successor_ids).toEqual([new42!.id]);
    expect(new42!.scope_paths).toEqual(['42_20250701', '42']);
  });

  it('keeps a reused code apart: 18073 before and after are two units, with their own ids and paths', async () => {
    const [namHa, thanhSen] = await versions('18073');
    const [district436] = await versions('436');
    expect(namHa).toMatchObject({
      path: '42.436.18073',
      valid_from: null,
      valid_to: '2025-06-30',
      parent_id: district436!.id,
      successor_ids: [thanhSen!.id],
      former_district_ids: [district436!.id],
    });
    expect(thanhSen).toMatchObject({
      path: '42_20250701.18073_20250701',
      valid_from: '2025-07-01',
      valid_to: null,
      successor_ids: [],
      former_district_ids: [district436!.id],
    });
    expect(namHa!.id).not.toBe(thanhSen!.id);
    const [new42] = (await versions('42')).slice(1);
    expect(thanhSen!.parent_id).toBe(new42!.id);
    // Thành Sen reads under the paths of the communes merged whole into it, Nam Hà among them.
    expect(thanhSen!.scope_paths[0]).toBe('42_20250701.18073_20250701');
    expect(thanhSen!.scope_paths).toContain('42.436.18073');
    expect(thanhSen!.scope_paths).toContain('42.436.18077');
  });

  it('leaves a split commune out of every successor’s scope, and gives each successor its former district', async () => {
    const split = await rows<{ id: string; path: string; district: string; successor_ids: string[] }>(
      `select id, path::text, parent_id as district, successor_ids from registry.administrative_units
       where valid_to = '2025-06-30' and level = 'commune' and cardinality(successor_ids) > 1 order by code`,
    );
    expect(split.length).toBeGreaterThan(400);
    const [unit] = split;
    const successors = await rows<{ scope_paths: string[]; former_district_ids: string[] }>(
      `select scope_paths::text[] as scope_paths, former_district_ids from registry.administrative_units where id = any($1)`,
      [unit!.successor_ids],
    );
    expect(successors).toHaveLength(unit!.successor_ids.length);
    for (const successor of successors) {
      expect(successor.scope_paths).not.toContain(unit!.path);
      expect(successor.former_district_ids).toContain(unit!.district);
    }
  });

  it('changes nothing when run again', async () => {
    const before = await fingerprint();
    const again = await loadNationalUnits(database.url);
    expect(changes(again)).toEqual({
      ok: true,
      rows: 14_149,
      inserted: 0,
      updated: 0,
      relatedUpdated: 0,
      lineageUpdated: 0,
    });
    expect(again.unchanged).toBe(14_149);
    expect(await fingerprint()).toBe(before);
  });

  it('npm run units:load: --dry-run reports and writes nothing', async () => {
    const before = await fingerprint();
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, '--dry-run'],
        { env: { ...process.env, DATABASE_URL: database.url } },
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('chạy thử (--dry-run), không ghi gì; 14149 dòng đơn vị hợp lệ');
    expect(result.stdout).toContain('không đổi 14149');
    expect(await fingerprint()).toBe(before);
  });
});

describe('loadNationalUnits refuses a merge map that does not fit the lists, and writes nothing', () => {
  const HEADER = 'code,name,full_name,level,kind,parent_code';
  /** A small country of its own (province 97, district 999: codes no list uses), reorganised on 1 July 2030. */
  const OLD = [
    HEADER,
    '97,Thử,Tỉnh Thử,province,Tỉnh,',
    '999,Một,Huyện Một,district,Huyện,97',
    '99901,Một,Xã Một,commune,Xã,999',
    '99902,Hai,Xã Hai,commune,Xã,999',
  ].join('\n');
  const NEW = [HEADER, '97,Thử,Tỉnh Thử,province,Tỉnh,', '99901,Một Hai,Xã Một Hai,commune,Xã,97'].join('\n');
  type Merge = { old_id: string; name: string; type: 'full' | 'partial' };
  const mergeMap = (communes: { level2_id: string; merges: Merge[] }[]) =>
    JSON.stringify({
      data: [
        {
          level1_id: '97',
          name: 'Tỉnh Thử',
          merges: [{ old_id: '97', name: 'Tỉnh Thử', type: 'full' }],
          level2s: communes.map((commune) => ({ ...commune, name: `Xã ${commune.level2_id}` })),
        },
      ],
    });
  const WHOLE = [
    {
      level2_id: '99901',
      merges: [
        { old_id: '99901', name: 'Xã Một', type: 'full' as const },
        { old_id: '99902', name: 'Xã Hai', type: 'full' as const },
      ],
    },
  ];

  /** Loads a directory of these files; returns the problems, checking nothing was written. */
  async function problemsOf(
    files: Record<string, string>,
    manifest: { lists: object[]; merges: object[] },
  ): Promise<string[]> {
    const directory = await mkdtemp(join(tmpdir(), 'units-load-'));
    try {
      for (const [name, text] of Object.entries(files)) await writeFile(join(directory, name), text);
      await writeFile(join(directory, 'units.json'), JSON.stringify(manifest));
      const before = await fingerprint();
      const report = await loadNationalUnits(database.url, { directory });
      expect(await fingerprint()).toBe(before);
      if (report.ok) return [];
      expect([report.inserted, report.updated, report.lineageUpdated]).toEqual([0, 0, 0]);
      return report.problems.map(formatProblem);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
  const LISTS = [
    { file: 'old.csv', validTo: '2030-06-30' },
    { file: 'new.csv', validFrom: '2030-07-01' },
  ];
  const MERGES = [{ file: 'merges.json', on: '2030-07-01' }];

  it('accepts the good files (the tests below change one thing each)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'units-load-'));
    try {
      await writeFile(join(directory, 'old.csv'), OLD);
      await writeFile(join(directory, 'new.csv'), NEW);
      await writeFile(join(directory, 'merges.json'), mergeMap(WHOLE));
      await writeFile(join(directory, 'units.json'), JSON.stringify({ lists: LISTS, merges: MERGES }));
      const report = await loadNationalUnits(database.url, { directory, dryRun: true });
      expect(report.problems.map(formatProblem)).toEqual([]);
      expect([report.ok, report.inserted, report.lineageUpdated]).toEqual([true, 6, 6]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('a new code the lists do not have', async () => {
    const merges = mergeMap([
      ...WHOLE,
      { level2_id: '99909', merges: [{ old_id: '99902', name: 'Xã Hai', type: 'partial' }] },
    ]);
    expect(
      await problemsOf(
        { 'old.csv': OLD, 'new.csv': NEW, 'merges.json': merges },
        { lists: LISTS, merges: MERGES },
      ),
    ).toEqual([
      'mã 99909: tệp sáp nhập merges.json: không có đơn vị mới mã 99909 "Xã 99909" trong danh sách đơn vị',
    ]);
  });

  it('an old code the lists do not have', async () => {
    const merges = mergeMap([
      {
        level2_id: '99901',
        merges: [...WHOLE[0]!.merges, { old_id: '99908', name: 'Xã Tám', type: 'full' }],
      },
    ]);
    expect(
      await problemsOf(
        { 'old.csv': OLD, 'new.csv': NEW, 'merges.json': merges },
        { lists: LISTS, merges: MERGES },
      ),
    ).toEqual([
      'mã 99908: tệp sáp nhập merges.json: không có đơn vị cũ mã 99908 "Xã Tám" (sáp nhập vào mã 99901) trong danh sách đơn vị',
    ]);
  });

  it('a successor whose period does not start the day after the old unit ends', async () => {
    const lists = [
      { file: 'old.csv', validTo: '2030-06-30' },
      { file: 'new.csv', validFrom: '2030-08-01' },
    ];
    expect(
      await problemsOf(
        { 'old.csv': OLD, 'new.csv': NEW, 'merges.json': mergeMap(WHOLE) },
        { lists, merges: MERGES },
      ),
    ).toEqual([
      expect.stringMatching(
        /^mã 97: tệp sáp nhập merges\.json: đơn vị mới "Tỉnh Thử" không bắt đầu hiệu lực ngày 01\/07\/2030 \(mã 97 có hiệu lực đến hết 30\/06\/2030; từ 01\/08\/2030\)/,
      ),
      expect.stringMatching(
        /^mã 99901: tệp sáp nhập merges\.json: đơn vị mới "Xã 99901" không bắt đầu hiệu lực/,
      ),
    ]);
  });

  it('a cycle across periods: 99901 → 99902 → 99901', async () => {
    // 2030: 99901 goes into 99902; 2031: 99902 goes back into 99901.
    const middle = [HEADER, '97,Thử,Tỉnh Thử,province,Tỉnh,', '99902,Hai,Xã Hai,commune,Xã,97'].join('\n');
    const last = [HEADER, '97,Thử,Tỉnh Thử,province,Tỉnh,', '99901,Một,Xã Một,commune,Xã,97'].join('\n');
    const first = mergeMap([
      {
        level2_id: '99902',
        merges: [
          { old_id: '99901', name: 'Xã Một', type: 'full' },
          { old_id: '99902', name: 'Xã Hai', type: 'full' },
        ],
      },
    ]);
    const second = mergeMap([
      { level2_id: '99901', merges: [{ old_id: '99902', name: 'Xã Hai', type: 'full' }] },
    ]);
    expect(
      await problemsOf(
        {
          'old.csv': OLD,
          'middle.csv': middle,
          'last.csv': last,
          'first.json': first,
          'second.json': second,
        },
        {
          lists: [
            { file: 'old.csv', validTo: '2030-06-30' },
            { file: 'middle.csv', validFrom: '2030-07-01', validTo: '2030-12-31' },
            { file: 'last.csv', validFrom: '2031-01-01' },
          ],
          merges: [
            { file: 'first.json', on: '2030-07-01' },
            { file: 'second.json', on: '2031-01-01' },
          ],
        },
      ),
    ).toEqual([
      'Tệp old.csv, dòng 4, mã 99901: vòng lặp kế thừa qua các thời kỳ: 99901 (đến hết 30/06/2030) → 99902 (từ 01/07/2030 đến hết 31/12/2030) → 99901 (từ 01/01/2031); một đơn vị không thể kế thừa lại chính mã của nó qua đơn vị khác',
    ]);
  });
});
