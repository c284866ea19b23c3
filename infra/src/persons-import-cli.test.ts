import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { seedDemoData } from './demo/demo-data.ts';

const CLI = fileURLToPath(new URL('./persons-import-cli.ts', import.meta.url));

let database: TestDatabase;
let directory: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 0 });
  directory = await mkdtemp(join(tmpdir(), 'ansinh-persons-import-'));
});

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
  await database?.drop();
});

/** The command as an operator runs it, its output piped (not a terminal). */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: database.url },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function sqlRows(sql: string, values: unknown[] = []): Promise<Record<string, any>[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** `rows` persons with distinct names, and one row without a birth date (refused, reported). */
const list = (rows: number, family: string) =>
  [
    'Họ và tên;Ngày sinh;Giới tính',
    ...Array.from({ length: rows }, (_, i) => `${family} Văn ${i.toString(26)};${1930 + (i % 60)};Nam`),
    `${family} Thị Thiếu Ngày Sinh;;Nữ`,
  ].join('\r\n');

describe('npm run persons:import', () => {
  it('imports through a person-import job, with progress lines when not on a terminal', async () => {
    const family = `Cli${randomUUID().slice(0, 6)}`;
    const file = join(directory, 'danh-sach.csv');
    await writeFile(file, list(40_000, family));

    const { code, stdout, stderr } = await runCli([file, '--unit', '18073', '--as', 'Cán bộ thử']);

    expect({ code, stderr }).toMatchObject({ code: 0 });
    // Plain lines (a pipe is not a terminal): no carriage returns nor escape codes, and the last one
    // is the job's final progress.
    expect(stderr).not.toContain('\r');
    expect(stderr).not.toContain('\u001b[');
    const lines = stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line).toMatch(/^(Đang bắt đầu…$|(Đọc tệp|Kiểm tra dòng|Ghi vào sổ): )/);
    }
    expect(
      lines.some((line) => /^(Đọc tệp: \d+% [\d,]+ MB\/|Kiểm tra dòng: (\d+% )?[\d.]+)/.test(line)),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^Ghi vào sổ: 100% 8\/8 bước/);
    expect(stdout).toMatch(/Đã đọc 40001 dòng trong [\d.]+ giây: thêm mới 40000, .* lỗi 1,/);
    const reportPath = join(directory, 'danh-sach-loi.xlsx');
    expect(stdout).toContain(`Các dòng lỗi: ${reportPath}`);
    // The XLSX copied out of the store (a ZIP).
    expect((await readFile(reportPath)).subarray(0, 2).toString()).toBe('PK');

    // The job record, as GraphQL's job(id) reads it.
    const jobs = await sqlRows(
      `select kind, service, state, owner_subject, owner_name, unit_code, unit_path::text as unit_path,
              result, phase, error
         from jobs.jobs where owner_name = 'Cán bộ thử'`,
    );
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    const [commune] = await sqlRows(
      `select path::text as path from registry.administrative_units where code = '18073' and valid_to is null`,
    );
    expect(job).toMatchObject({
      kind: 'person-import',
      service: 'registry',
      state: 'done',
      owner_subject: expect.stringMatching(/^cli:./),
      unit_code: '18073',
      unit_path: commune!.path,
      error: null,
    });
    expect(job!.result).toMatchObject({ rows: 40_001, created: 40_000, rejected: 1 });
    // The upload is gone from the store; the report stays there for its download, in the unit's scope.
    const stored = await sqlRows(`select id, unit_code from registry.files`);
    expect(stored).toEqual([{ id: job!.result.reportFileId, unit_code: '18073' }]);
    const [persons] = await sqlRows(
      `select count(*)::int as n from registry.persons where full_name like $1`,
      [`${family} %`],
    );
    expect(persons!.n).toBe(40_000);
  }, 120_000);

  it('refuses a file without the required columns: exit 1, a failed job, nothing written', async () => {
    const file = join(directory, 'thieu-cot.csv');
    await writeFile(file, 'Họ và tên;Giới tính\r\nNguyễn Văn Thiếu;Nam\r\n');
    const reportPath = join(directory, 'thieu-cot-loi.xlsx');

    const { code, stderr } = await runCli([file, '--unit', '18073', '--as', 'Cán bộ thiếu cột']);

    expect(code).toBe(1);
    expect(stderr).toMatch(/Ngày sinh/);
    const jobs = await sqlRows(
      `select kind, state, error from jobs.jobs where owner_name = 'Cán bộ thiếu cột'`,
    );
    expect(jobs).toEqual([
      { kind: 'person-import', state: 'failed', error: expect.stringMatching(/Ngày sinh/) },
    ]);
    await expect(stat(reportPath)).rejects.toThrow(/ENOENT/);
    const [persons] = await sqlRows(
      `select count(*)::int as n from registry.persons where full_name = 'Nguyễn Văn Thiếu'`,
    );
    expect(persons!.n).toBe(0);
  }, 60_000);

  it('refuses a former district (ended 30 June 2025) with exit 1, writing nothing', async () => {
    const file = join(directory, 'huyen-cu.csv');
    await writeFile(file, 'Họ và tên;Ngày sinh;Giới tính;Mã xã\r\nNguyễn Văn Huyện Cũ;1950;Nam;18073\r\n');

    const { code, stderr } = await runCli([file, '--unit', '436', '--as', 'Cán bộ huyện cũ']);

    expect(code).toBe(1);
    expect(stderr).toContain('Đơn vị 436 đã chấm dứt hoạt động từ sau ngày 30/06/2025');
    expect(await sqlRows(`select id from jobs.jobs where owner_name = 'Cán bộ huyện cũ'`)).toEqual([]);
    const [persons] = await sqlRows(
      `select count(*)::int as n from registry.persons where full_name = 'Nguyễn Văn Huyện Cũ'`,
    );
    expect(persons!.n).toBe(0);
  }, 60_000);

  it('answers wrong arguments with exit 2 and the usage', async () => {
    const { code, stderr } = await runCli(['a.csv']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Cần --unit[\s\S]*Cách dùng: npm run persons:import/);
  });
});
