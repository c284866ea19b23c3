import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePostgres, migrateAll, repoRoot, withDatabase } from '@ansinh/infra';
import { carryAcrossReform, loadNationalUnits } from '@ansinh/registry';
import type { BenchResult } from './bench-report.ts';
import { loadPersons, NATIONAL_UNITS } from './bench-database.ts';
import { readCommunes } from './generator/units.ts';

// REFORM_BENCH_PERSONS: a smaller register for trying the benchmark out; the recorded run uses the default.
const PERSONS = Number(process.env.REFORM_BENCH_PERSONS ?? 1_000_000);
const SEED = 2025;
const REFORM_DAY = '2025-07-01';
const LAST_OLD_DAY = '2025-06-30';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * Entitlements for one living person in five, in a group their age allows (no child in 5.5.a): poor
 * elderly 5.5.a (1.5 under 80, 2.0 from 80), severe disability 5.6 otherwise (1.5 adult, 2.0 child).
 */
const ENTITLEMENTS = `insert into approvals.entitlements
    (id, person_id, unit_id, policy_group, coefficient_hundredths, start_month, decision_number, decision_date, status, created_at)
  select gen_random_uuid(), p.id, p.residence_unit_id,
         case when age >= 60 then '5.5.a' else '5.6' end,
         case when age >= 80 then 200 when age >= 60 then 150 when age >= 16 then 150 else 200 end,
         '2024-07', 'QĐ-' || substr(p.id::text, 1, 8), date '2024-06-20', 'active', now()
    from (select id, residence_unit_id, 2025 - birth_year as age from registry.persons
           where status = 'living' and hashtext(id::text) % 5 = 0) p`;

/** The count the carry-over must keep: living persons and active entitlements of the province. */
const PROVINCE_COUNTS = `select
    (select count(*) from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
      where p.status = 'living' and (u.path <@ '42'::ltree or u.path <@ '42_20250701'::ltree)) as persons,
    (select count(*) from approvals.entitlements e join registry.administrative_units u on u.id = e.unit_id
      where e.status = 'active' and (u.path <@ '42'::ltree or u.path <@ '42_20250701'::ltree)) as entitlements`;

/** The baseline: one set-based UPDATE of the same person rows to a successor (history triggers on). */
const BASELINE_UPDATE = `update registry.persons p set residence_unit_id = u.successor_ids[1]
    from registry.administrative_units u
   where u.id = p.residence_unit_id and p.status = 'living' and cardinality(u.successor_ids) > 0`;

/**
 * Carries 1,000,000 generated persons of Hà Tĩnh's pre-reform communes (with households, accounts
 * and entitlements) across the 1 July 2025 reform over the real national lists and merge map, against
 * one set-based UPDATE of the same rows in the same database.
 */
export async function benchReform(): Promise<BenchResult> {
  const log = (line: string) => console.error(`[bench] ${line}`);
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
  const name = `bench_reform_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = withDatabase(postgres.url, name);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await migrateAll(url);
    const units = await loadNationalUnits(url);
    if (!units.ok) throw new Error(`national units: ${units.problems.length} problems`);
    const communes = await readCommunes(NATIONAL_UNITS, { province: '42' });
    const { rows: ids } = await pool.query<{ code: string; id: string }>(
      `select code, id from registry.administrative_units where level = 'commune' and valid_to = $1 and code = any($2)`,
      [LAST_OLD_DAY, communes.map((commune) => commune.code)],
    );
    const unitIds = new Map(ids.map((row) => [row.code, row.id]));
    await loadPersons(url, { seed: SEED, count: PERSONS, communes, unitIds }, log);
    const entitlements = (await pool.query(ENTITLEMENTS)).rowCount ?? 0;
    await pool.query('analyze registry.persons, registry.households, approvals.entitlements');
    const [before] = (await pool.query<{ persons: string; entitlements: string }>(PROVINCE_COUNTS)).rows;
    log(`loaded ${PERSONS} persons, ${entitlements} entitlements`);

    const client = await pool.connect();
    let updateSeconds: number;
    let updatedRows: number;
    try {
      await client.query('begin');
      const started = performance.now();
      updatedRows = (await client.query(BASELINE_UPDATE)).rowCount ?? 0;
      updateSeconds = (performance.now() - started) / 1000;
      await client.query('rollback');
    } finally {
      client.release();
    }
    // The rolled-back rows would slow the run that follows: clear them first.
    await pool.query('vacuum analyze registry.persons, registry.change_history');
    log(`baseline UPDATE of ${updatedRows} persons: ${updateSeconds.toFixed(1)} s`);

    const started = performance.now();
    const report = await carryAcrossReform(pool, { on: REFORM_DAY, actor: { id: 'bench', name: 'bench' } });
    const seconds = (performance.now() - started) / 1000;
    const [after] = (await pool.query<{ persons: string; entitlements: string }>(PROVINCE_COUNTS)).rows;
    if (before!.persons !== after!.persons || before!.entitlements !== after!.entitlements) {
      throw new Error(`counts changed: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    }
    const { rows: server } = await pool.query<{ version: string }>('show server_version');
    const rerun = await carryAcrossReform(pool, { on: REFORM_DAY, actor: { id: 'bench', name: 'bench' } });
    const totals = report.totals;
    const rerunChanges =
      rerun.totals.persons + rerun.totals.households + rerun.totals.queued + (rerun.entitlements ?? 0);
    const ratio = seconds / updateSeconds;
    return {
      name: 'reform',
      fields: {
        persons: PERSONS,
        entitlements,
        seconds: round(seconds),
        updateSeconds: round(updateSeconds),
        ratioToUpdate: round(ratio, 2),
        peakRssMb: Math.round(peakRss / 1024 / 1024),
        movedPersons: totals.persons,
        queuedPersons: totals.queued,
        movedEntitlements: report.entitlements ?? 0,
        rerunChanges,
      },
      table: [
        ['persons of Hà Tĩnh before the reform', PERSONS, 'persons'],
        ['carry-over (persons, households, queue, entitlements)', round(seconds), 's'],
        ['baseline: one UPDATE of the same person rows', round(updateSeconds), 's'],
        ['ratio to the baseline (goal ≤ 3)', round(ratio, 2), '×'],
        ['persons moved to a successor', totals.persons, 'persons'],
        ['persons of split communes put in the review queue', totals.queued, 'persons'],
        ['active entitlements carried', report.entitlements ?? 0, 'entitlements'],
        ['changes made by a second run', rerunChanges, 'rows'],
        ['peak RSS of the bench process', Math.round(peakRss / 1024 / 1024), 'MB'],
      ],
      notes: [
        `PostgreSQL ${server[0]!.version} (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}); baseline run in a transaction rolled back, then VACUUM ANALYZE, before the carry-over`,
        `living persons ${before!.persons} and active entitlements ${before!.entitlements} of the province are the same after the run`,
      ],
    };
  } finally {
    clearInterval(sampler);
    await pool.end();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    await postgres.stop();
  }
}
