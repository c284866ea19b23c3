// `npm run bench -- export` (benchExport below). Each export runs in a process of its own, so that its
// peak memory is its own: `node tests/bench/export.bench.ts child MODE DATABASE_URL ROWS` (childMain).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { createFileStore, type FileOwner } from '../../services/common/src/files/file-store.ts';
import type { ReportRow, ReportTable } from '../../services/common/src/reports/report-table.ts';
import {
  REPORT_CONTENT_TYPES,
  reportFileName,
  writeReport,
} from '../../services/common/src/reports/write-report.ts';
import type { BenchResult } from './bench-report.ts';
import { Random } from './generator/random.ts';
import { randomName } from './generator/vietnamese-names.ts';

// EXPORT_BENCH_ROWS: a smaller report for trying the benchmark out; the recorded run uses the default.
const ROWS = Number(process.env.EXPORT_BENCH_ROWS ?? 1_000_000);
const SEED = 2026;
const MONTH = '2026-11';
/** Where the exports go: reporting's file store, owned by the province of Hà Tĩnh. */
const STORE_SCHEMA = 'reporting';
const OWNER: FileOwner = { subject: 'bench', unitCode: '42', unitPath: '42' };
const RSS_SAMPLE_MS = 100;
const TODAY_STRUCTURE = new URL(
  '../../services/registry/data/admin-units/units-from-2025-07-01.csv',
  import.meta.url,
);

/** The monthly payment list of a province, one line per beneficiary: what an official exports most. */
const TITLE = 'Danh sách chi trả trợ cấp xã hội hằng tháng';
const COLUMNS: ReportTable['columns'] = [
  { key: 'unitCode', header: 'Mã xã', kind: 'text', width: 8 },
  { key: 'unitName', header: 'Xã, phường', kind: 'text', width: 22 },
  { key: 'fullName', header: 'Họ và tên', kind: 'text', width: 26 },
  { key: 'citizenId', header: 'Số CCCD', kind: 'text', width: 15 },
  { key: 'category', header: 'Đối tượng', kind: 'text', width: 36 },
  { key: 'month', header: 'Tháng', kind: 'month' },
  { key: 'amount', header: 'Số tiền (đồng)', kind: 'vnd', total: true },
  { key: 'arrears', header: 'Truy lĩnh (đồng)', kind: 'vnd', total: true },
  { key: 'status', header: 'Trạng thái', kind: 'text', width: 14 },
  { key: 'paidOn', header: 'Ngày chi trả', kind: 'date' },
];
/** Categories with their coefficient of the 500,000-đồng standard level (Decree 20/2021, as amended). */
const CATEGORIES: readonly [string, number][] = [
  ['Người cao tuổi từ đủ 80 tuổi trở lên', 1],
  ['Người khuyết tật nặng', 2],
  ['Người khuyết tật đặc biệt nặng', 2.5],
  ['Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng', 2.5],
  ['Người đơn thân nghèo đang nuôi con', 1],
  ['Người cao tuổi thuộc hộ nghèo không có người phụng dưỡng', 1.5],
];
const STANDARD_LEVEL = 500_000;

type Commune = { code: string; name: string };
type Mode = 'xlsx' | 'csv' | 'raw-xlsx';
/** The young generation V8 grows to by default on this machine, and a run capped the way older Node defaulted. */

type ChildResult = {
  mode: Mode;
  seconds: number;
  rows: number;
  bytes: number;
  peakRssMb: number;
  sampledPeakRssMb: number;
  startRssMb: number;
  /** Highest RSS sampled while each quarter of the rows was written: flat memory shows as four close figures. */
  rssByQuarterMb: number[];
  fileId: string;
};

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function haTinhCommunes(): Commune[] {
  const rows = parse<{ code: string; full_name: string; level: string; parent_code: string }>(
    readFileSync(TODAY_STRUCTURE),
    { columns: true, bom: true, skip_empty_lines: true },
  );
  return rows
    .filter((row) => row.level === 'commune' && row.parent_code === '42')
    .map((row) => ({ code: row.code, name: row.full_name }));
}

/** What the generated lines add up to, kept as they are generated, to check the file against. */
type Sums = { rows: number; amount: number; arrears: number };

/** Deterministic payment lines, as an async source (a database cursor hands rows over the same way). */
async function* paymentLines(
  count: number,
  communes: readonly Commune[],
  sums?: Sums,
): AsyncGenerator<ReportRow> {
  const random = new Random(SEED);
  for (let index = 0; index < count; index++) {
    const commune = communes[Math.floor((index * communes.length) / count)]!;
    const gender = random.chance(0.55) ? 'female' : 'male';
    const birthYear = random.int(1930, 2020);
    const [category, coefficient] = random.pick(CATEGORIES);
    const amount = STANDARD_LEVEL * coefficient;
    const arrears = random.chance(0.04) ? amount * random.int(1, 3) : 0;
    const state = random.float();
    const paid = state < 0.9;
    const centuryDigit = (birthYear >= 2000 ? 2 : 0) + (gender === 'female' ? 1 : 0);
    if (sums) {
      sums.rows++;
      sums.amount += amount;
      sums.arrears += arrears;
    }
    yield {
      unitCode: commune.code,
      unitName: commune.name,
      fullName: randomName(random, { gender, birthYear }).fullName,
      citizenId: `042${centuryDigit}${String(birthYear % 100).padStart(2, '0')}${random.digits(6)}`,
      category,
      month: MONTH,
      amount,
      arrears,
      status: paid ? 'Đã chi trả' : state < 0.97 ? 'Chưa chi trả' : 'Tạm dừng',
      paidOn: paid ? `${MONTH}-${String(random.int(5, 20)).padStart(2, '0')}` : null,
    };
  }
}

const table = (rows: AsyncIterable<ReportRow>): ReportTable => ({
  title: TITLE,
  subtitle: `Đơn vị: Tỉnh Hà Tĩnh · Kỳ: 11/2026`,
  columns: COLUMNS,
  rows,
});

/** The baseline: the same rows as plain values through exceljs's streaming writer, nothing else. */
async function writeRawXlsx(rows: AsyncIterable<ReportRow>, target: PassThrough): Promise<void> {
  const excel = (await import('exceljs')).default;
  const workbook = new excel.stream.xlsx.WorkbookWriter({
    stream: target,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow(COLUMNS.map((column) => column.header)).commit();
  let count = 0;
  for await (const row of rows) {
    sheet.addRow(COLUMNS.map((column) => row[column.key] ?? null)).commit();
    // exceljs never waits for its target: without a turn now and then, the zip's input only grows.
    if (++count % 512 === 0) await nextTurn();
  }
  sheet.commit();
  await workbook.commit();
}

/** One export into the file store, in this (child) process; prints its figures as JSON. */
async function childMain(mode: Mode, url: string, count: number): Promise<void> {
  const startRssMb = process.memoryUsage().rss / 2 ** 20;
  let sampled = startRssMb;
  let produced = 0;
  const rssByQuarterMb = [0, 0, 0, 0];
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss / 2 ** 20;
    sampled = Math.max(sampled, rss);
    const quarter = Math.min(3, Math.floor((4 * produced) / count));
    rssByQuarterMb[quarter] = Math.max(rssByQuarterMb[quarter]!, Math.round(rss));
  }, RSS_SAMPLE_MS);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const files = createFileStore({
    service: 'reporting',
    schema: STORE_SCHEMA,
    pool,
    sweepEveryMs: 0,
    maxFileBytes: 4 * 2 ** 30,
  });
  const format = mode === 'csv' ? 'csv' : 'xlsx';
  const started = performance.now();
  const body = new PassThrough();
  const stored = files.put(body, {
    fileName: reportFileName(`${TITLE} ${mode}`, format),
    contentType: REPORT_CONTENT_TYPES[format],
    owner: OWNER,
  });
  async function* counted(): AsyncGenerator<ReportRow> {
    for await (const row of paymentLines(count, haTinhCommunes())) {
      yield row;
      produced++;
    }
  }
  const rows = counted();
  const written =
    mode === 'raw-xlsx'
      ? writeRawXlsx(rows, body).then(() => ({ rowCount: count }))
      : writeReport(format, table(rows), body);
  const [file, result] = await Promise.all([stored, written]);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await pool.end();
  const figures: ChildResult = {
    mode,
    seconds,
    rows: result.rowCount,
    bytes: file.bytes,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    sampledPeakRssMb: Math.round(sampled),
    startRssMb: Math.round(startRssMb),
    rssByQuarterMb,
    fileId: file.id,
  };
  process.stdout.write(JSON.stringify(figures));
}

function exportInChildProcess(mode: Mode, url: string, nodeOptions: string[] = []): Promise<ChildResult> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, script, 'child', mode, url, String(ROWS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as ChildResult)
        : reject(new Error(`export child (${mode}) exited with ${code}`)),
    );
  });
}

/**
 * Reads the stored XLSX back with exceljs's streaming reader: the data rows and the totals row, checked
 * against the sums of the generated lines. A benchmark of a broken file would measure nothing.
 */
async function checkStoredXlsx(url: string, fileId: string, expected: Sums): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const files = createFileStore({ service: 'reporting', schema: STORE_SCHEMA, pool, sweepEveryMs: 0 });
    const { content } = await files.read(fileId, OWNER.unitPath);
    const excel = (await import('exceljs')).default;
    const reader = new excel.stream.xlsx.WorkbookReader(content as Readable, {
      worksheets: 'emit',
      sharedStrings: 'ignore',
      hyperlinks: 'ignore',
      styles: 'ignore',
    });
    let dataRows = 0;
    let last: unknown[] = [];
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        if (row.number <= 4) continue;
        dataRows++;
        last = row.values as unknown[];
      }
    }
    // `values` is 1-based; the totals row is the last one read.
    const totals = { label: last[1], amount: last[7], arrears: last[8] };
    const problems = [
      dataRows - 1 !== expected.rows && `${dataRows - 1} data rows, not ${expected.rows}`,
      totals.label !== 'Tổng cộng' && `totals label ${String(totals.label)}`,
      totals.amount !== expected.amount && `amount total ${String(totals.amount)}, not ${expected.amount}`,
      totals.arrears !== expected.arrears &&
        `arrears total ${String(totals.arrears)}, not ${expected.arrears}`,
    ].filter(Boolean);
    if (problems.length) throw new Error(`the stored XLSX is wrong: ${problems.join('; ')}`);
  } finally {
    await pool.end();
  }
}

/**
 * A 1,000,000-line payment list of a province (10 columns: commune code and name, a name with
 * diacritics, a CCCD, the category, the month, amount and arrears in VND, status, day paid) exported as
 * XLSX by the report writer from an async row source into reporting's file store in PostgreSQL, each
 * export in its own process: rows per second and peak RSS, against the same rows through exceljs's
 * streaming writer with no formatting (the baseline), and the same report as CSV.
 */
export async function benchExport(): Promise<BenchResult> {
  const log = (line: string) => console.error(`[bench] ${line}`);
  const { ensurePostgres, migrateAll, repoRoot, SERVICE_NODE_FLAGS, withDatabase } =
    await import('@ansinh/infra');
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
  const name = `bench_export_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = withDatabase(postgres.url, name);
  try {
    await migrateAll(url);
    const runs: Partial<Record<Mode, ChildResult>> = {};
    for (const mode of ['xlsx', 'raw-xlsx', 'csv'] as const) {
      const run = await exportInChildProcess(mode, url);
      runs[mode] = run;
      log(
        `${mode}: ${run.rows} rows in ${run.seconds.toFixed(1)} s, ${(run.bytes / 2 ** 20).toFixed(1)} MiB, peak RSS ${run.peakRssMb} MB`,
      );
    }
    const xlsx = runs.xlsx!;
    const raw = runs['raw-xlsx']!;
    const csv = runs.csv!;
    // The export as the product runs it: in a process with the subgraphs' node flags (`npm start`).
    const capped = await exportInChildProcess('xlsx', url, [...SERVICE_NODE_FLAGS]);
    log(
      `xlsx with ${SERVICE_NODE_FLAGS.join(' ')}: ${capped.seconds.toFixed(1)} s, peak RSS ${capped.peakRssMb} MB`,
    );
    const sums: Sums = { rows: 0, amount: 0, arrears: 0 };
    for await (const row of paymentLines(ROWS, haTinhCommunes(), sums)) void row;
    const checking = performance.now();
    await checkStoredXlsx(url, xlsx.fileId, sums);
    log(`stored XLSX read back and checked in ${((performance.now() - checking) / 1000).toFixed(1)} s`);
    const rate = (run: ChildResult) => Math.round(run.rows / run.seconds);
    const rowsPerSecond = rate(capped);
    return {
      name: 'export',
      fields: {
        rows: capped.rows,
        seconds: round(capped.seconds, 2),
        rowsPerSecond,
        peakRssMb: capped.peakRssMb,
        defaultHeapPeakRssMb: xlsx.peakRssMb,
        defaultHeapRowsPerSecond: rate(xlsx),
        defaultHeapStartRssMb: xlsx.startRssMb,
        defaultHeapRssByQuarterMb: Object.fromEntries(
          xlsx.rssByQuarterMb.map((rss, index) => [`q${index + 1}`, rss]),
        ),
        fileMb: round(xlsx.bytes / 2 ** 20),
        baselineRowsPerSecond: rate(raw),
        baselinePeakRssMb: raw.peakRssMb,
        ratioToBaseline: round(rowsPerSecond / rate(raw), 3),
        csvRowsPerSecond: rate(csv),
        csvPeakRssMb: csv.peakRssMb,
        csvFileMb: round(csv.bytes / 2 ** 20),
      },
      table: [
        ['rows in the report', capped.rows, 'rows'],
        [
          `XLSX export into the file store (node ${SERVICE_NODE_FLAGS.join(' ')}, as subgraphs run)`,
          round(capped.seconds),
          's',
        ],
        ['XLSX export rate', rowsPerSecond, 'rows/s'],
        ['peak RSS of the XLSX export process (goal < 300)', capped.peakRssMb, 'MB'],
        ['same export, node with its default heap: peak RSS', xlsx.peakRssMb, 'MB'],
        ['same export, node with its default heap: rate', rate(xlsx), 'rows/s'],
        ['  RSS of that process before the export', xlsx.startRssMb, 'MB'],
        ...xlsx.rssByQuarterMb.map((rss, index): [string, number, string] => [
          `  highest RSS while writing rows ${(index * ROWS) / 4 + 1}–${((index + 1) * ROWS) / 4}`,
          rss,
          'MB',
        ]),
        ['XLSX file size', round(xlsx.bytes / 2 ** 20), 'MiB'],
        ['baseline: raw exceljs stream, no formatting', rate(raw), 'rows/s'],
        ['XLSX export / baseline', round(rowsPerSecond / rate(raw), 3), 'ratio'],
        ['peak RSS of the baseline process', raw.peakRssMb, 'MB'],
        ['CSV export of the same report', rate(csv), 'rows/s'],
        ['peak RSS of the CSV export process', csv.peakRssMb, 'MB'],
        ['CSV file size', round(csv.bytes / 2 ** 20), 'MiB'],
      ],
      notes: [
        `${ROWS.toLocaleString('en')} generated payment lines (seed ${SEED}) over the ${haTinhCommunes().length} communes of today's Hà Tĩnh, 10 columns (commune code and name, a name with diacritics, a CCCD, the category, the month, amount and arrears in VND, status, day paid), from an async generator as a cursor hands them over.`,
        "Each export runs in a process of its own that loads only the file store and the writers (not a subgraph): `writeReport` into a PassThrough read by `createFileStore(...).put` (reporting's store, content in PostgreSQL as 1 MiB chunks); peak RSS is the process's maxRSS (`process.resourceUsage()`), RSS was also sampled every 100 ms.",
        'The XLSX: title merged over the columns, subtitle, frozen and filtered header, VND as numbers shown #,##0, days as dates, months m/yyyy, text neutralised against formulas, the totals row. It is read back from the store after the run (exceljs streaming reader) and its row count and totals checked against the generated lines.',
        `Most of the peak is not the rows: the process with the file store loaded (pg, the AWS SDK) starts at ${xlsx.startRssMb} MB, and during any long, allocation-heavy run V8 grows its young generation up to its default maximum on this machine (new space 128 MiB); the rows in flight are a few MB (at most 1 MiB of XML waits for the compressor). The subgraphs therefore run with \`node ${SERVICE_NODE_FLAGS.join(' ')}\` (infra/src/subgraph-services.ts, with the gateway), which the measured export uses; the raw exceljs baseline, which never waits for the compressor, shows what the wait saves.`,
        "Baseline: the same rows through exceljs's streaming WorkbookWriter as plain values (no styles, title, totals or neutralisation) into the same store.",
      ],
    };
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    await admin.end();
    await postgres.stop();
  }
}

if (process.argv[2] === 'child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [, , , mode, url, count] = process.argv;
  await childMain(mode as Mode, url!, Number(count));
}
