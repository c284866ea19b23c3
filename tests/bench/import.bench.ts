import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BenchResult } from './bench-report.ts';
import { openBenchDatabase } from './bench-database.ts';
import { generatePersons } from './generator/persons.ts';
import { importThroughGraph } from './import-graph.ts';
import { PERSON_COLUMNS, writePersonsCsv } from './generator/write-files.ts';

const ROWS = 1_000_000;
const SEED = 2026;
/** Small lists imported into the register of a million, for p50/p95. */
const SMALL_FILE_RUNS = 20;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** COPY of the file as it is into a table of text columns (the file's), optionally indexed like persons. */
async function copyBaseline(url: string, file: string, indexed: boolean): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const table = indexed ? 'bench_copy_indexed' : 'bench_copy';
  const columns = PERSON_COLUMNS.map((_, index) => `c${index} text`).join(', ');
  await client.query(`drop table if exists ${table}`);
  if (indexed) {
    // The persons table's indexes over the same values: its primary key (ids made as the import makes
    // them), CCCD, old CMND, household, name words, commune and name, name, and the unique living CCCD.
    await client.query(
      `create table ${table} (${columns}, id uuid primary key default registry.time_ordered_uuid())`,
    );
    const [name, cccd, cmnd, commune, household] = ['c1', 'c5', 'c6', 'c8', 'c10'];
    await client.query(`create index on ${table} (${cccd})`);
    await client.query(`create index on ${table} (${cmnd})`);
    await client.query(`create index on ${table} (${household})`);
    await client.query(`create index on ${table} using gin (to_tsvector('simple'::regconfig, ${name}))`);
    await client.query(`create index on ${table} (${commune}, ${name}, id)`);
    await client.query(`create index on ${table} (${name}, id)`);
    await client.query(
      `create unique index on ${table} (${cccd}) where ${cccd} <> '' and c18 = 'Đang hưởng'`,
    );
  } else {
    await client.query(`create table ${table} (${columns})`);
  }
  const started = performance.now();
  await pipeline(
    createReadStream(file, { highWaterMark: 64 * 1024 }),
    client.query(
      copyFrom(
        `copy ${table} (${PERSON_COLUMNS.map((_, index) => `c${index}`).join(', ')}) from stdin with (format csv, header true)`,
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  await client.query(`drop table ${table}`);
  await client.end();
  return seconds;
}

/** The real import in a process of its own, so that its peak memory is its own. */
function importInChildProcess(
  url: string,
  file: string,
  scopePath: string,
): Promise<{
  seconds: number;
  peakRssMb: number;
  rows: number;
  created: number;
  rejected: number;
  steps: [string, number][];
}> {
  const script = fileURLToPath(new URL('./import-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, url, file, scopePath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`import child exited with ${code}`)),
    );
  });
}

/**
 * Import of a generated 1,000,000-row CSV through the real path (parse, validate, normalise, upsert,
 * history, duplicate check), against PostgreSQL's own COPY of the same file into an unindexed table
 * and into a table indexed like persons, in the same run on the same machine.
 */
export async function benchImport(): Promise<BenchResult> {
  const log = (line: string) => console.error(`[bench] ${line}`);
  const database = await openBenchDatabase('import', log);
  const file = join(tmpdir(), `ansinh-bench-persons-${process.pid}.csv`);
  try {
    log(`units: ${database.unitsSource}`);
    const generated = performance.now();
    await writePersonsCsv(generatePersons({ seed: SEED, count: ROWS, communes: database.communes }), file);
    log(`generated ${ROWS} rows in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
    const copySeconds = await copyBaseline(database.url, file, false);
    log(`COPY, unindexed: ${copySeconds.toFixed(1)} s`);
    const copyIndexedSeconds = await copyBaseline(database.url, file, true);
    log(`COPY, indexed like persons: ${copyIndexedSeconds.toFixed(1)} s`);
    const imported = await importInChildProcess(database.url, file, database.scopePath);
    log(
      `import: ${imported.seconds.toFixed(1)} s, ${imported.created} created, ${imported.rejected} rejected`,
    );
    // The generated rows are valid: a run that refused many of them would measure nothing.
    if (imported.rejected > ROWS / 100) throw new Error(`${imported.rejected} generated rows were refused`);
    const rowsPerSecond = Math.round(imported.rows / imported.seconds);
    // The same file again, on a database of its own, as an official sends it: GraphQL upload through the
    // gateway, file store, job; then the small lists into the register it filled.
    const graphDatabase = await openBenchDatabase('import_graph', log);
    const graph = await importThroughGraph({
      databaseUrl: graphDatabase.url,
      file,
      communes: graphDatabase.communes,
      runs: SMALL_FILE_RUNS,
      log,
    }).finally(() => graphDatabase.drop());
    const graphRowsPerSecond = Math.round(graph.rows / graph.seconds);
    const copyRowsPerSecond = Math.round(ROWS / copySeconds);
    const copyIndexedRowsPerSecond = Math.round(ROWS / copyIndexedSeconds);
    return {
      name: 'import',
      fields: {
        rows: imported.rows,
        created: imported.created,
        rejected: imported.rejected,
        rowsPerSecond,
        copyRowsPerSecond,
        ratioToCopy: round(rowsPerSecond / copyRowsPerSecond, 3),
        copyIndexedRowsPerSecond,
        ratioToCopyIndexed: round(rowsPerSecond / copyIndexedRowsPerSecond, 3),
        seconds: round(imported.seconds),
        peakRssMb: imported.peakRssMb,
        graphRows: graph.rows,
        graphCreated: graph.created,
        graphSeconds: round(graph.seconds),
        graphUploadSeconds: round(graph.uploadSeconds),
        graphRowsPerSecond,
        graphRatioToDirect: round(graphRowsPerSecond / rowsPerSecond, 3),
        smallFileRows: graph.smallFileRows,
        smallFileRuns: graph.smallFileRuns,
        smallFileP50Ms: graph.smallFileP50Ms,
        smallFileP95Ms: graph.smallFileP95Ms,
        smallFileMaxMs: graph.smallFileMaxMs,
        smallFileP95Goal: 2000,
      },
      table: [
        ['rows in the file', imported.rows, 'rows'],
        ['persons created', imported.created, 'persons'],
        ['rows refused (reported)', imported.rejected, 'rows'],
        ['import, whole file', round(imported.seconds), 's'],
        ['import rate', rowsPerSecond, 'rows/s'],
        ['baseline: COPY into an unindexed table', copyRowsPerSecond, 'rows/s'],
        ['import / COPY unindexed', round(rowsPerSecond / copyRowsPerSecond, 3), 'ratio'],
        ['baseline: COPY into a table indexed like persons', copyIndexedRowsPerSecond, 'rows/s'],
        ['import / COPY indexed', round(rowsPerSecond / copyIndexedRowsPerSecond, 3), 'ratio'],
        ['peak RSS of the import process', imported.peakRssMb, 'MB'],
        ['through GraphQL upload + job (gateway included), whole file', round(graph.seconds), 's'],
        ['  of which: upload stored and job queued', round(graph.uploadSeconds), 's'],
        ['GraphQL + job rate', graphRowsPerSecond, 'rows/s'],
        ['GraphQL + job / direct import', round(graphRowsPerSecond / rowsPerSecond, 3), 'ratio'],
        [
          `1,000-row list into a register of ${graph.created.toLocaleString('en')}: p50`,
          graph.smallFileP50Ms,
          'ms',
        ],
        [`1,000-row list: p95 over ${graph.smallFileRuns} runs (goal < 2000)`, graph.smallFileP95Ms, 'ms'],
        ...imported.steps.map(([step, seconds]): [string, number, string] => [
          `  import step: ${step}`,
          round(seconds),
          's',
        ]),
      ],
      notes: [
        `${ROWS.toLocaleString('en')} generated persons (seed ${SEED}) in a CSV with the officials' Vietnamese headers; units: ${database.unitsSource}.`,
        'The direct import runs in its own process through `importPersons` (the import service the `person-import` job runs): parse, validate and normalise every row, COPY into a staging table, upsert households, persons and accounts in one transaction under row-level security, with change history and duplicate warnings.',
        `The GraphQL part runs the four subgraphs and the gateway in the benchmark's process on a second database: the same file as a GraphQL multipart upload (file limits raised to 512 MB: the defaults are 50 MB at the gateway, 100 MB in the store) by the province account (real Keycloak token), stored in the file store, imported by the job (followed with \`job(id)\` every 2 s); then ${SMALL_FILE_RUNS} new 1,000-row lists, each timed from the request until its answer (a file this small is imported within the request).`,
        `Phases the job reported: ${graph.phases.join(' → ')}.`,
        `The small lists run after ANALYZE of persons, households and accounts (the register at rest, as autovacuum leaves it within minutes of a bulk load). Each run, in order (ms): ${graph.smallFileSamplesMs.join(', ')}.`,
        'Baselines: the same file by `COPY ... (format csv)` into a table of text columns, without any index, and with the indexes of `registry.persons` (its primary key filled with time-ordered ids, as the import fills it).',
      ],
    };
  } finally {
    await rm(file, { force: true });
    await database.drop();
  }
}
