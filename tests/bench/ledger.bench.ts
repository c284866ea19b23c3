import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { personInScopeSql, READABLE_UNIT_IDS } from '@ansinh/common';
import { ensurePostgres, migrateAll, repoRoot, withDatabase } from '@ansinh/infra';
import { loadNationalUnits, NATIONAL_UNITS_DIRECTORY } from '@ansinh/registry';
import type { BenchResult } from './bench-report.ts';
import { loadPersons } from './bench-database.ts';
import { readCommunes } from './generator/units.ts';

// LEDGER_BENCH_PERSONS: a smaller register for trying the benchmark out; the recorded run uses the default.
const PERSONS = Number(process.env.LEDGER_BENCH_PERSONS ?? 1_000_000);
const SEED = 2026;
const TODAY_STRUCTURE = join(NATIONAL_UNITS_DIRECTORY, 'units-from-2025-07-01.csv');
const PROVINCE_PATH = '42_20250701';
const RUNS = 3;

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * Entitlements for one living person in five, in a category their age allows, paid by the units of
 * today and priced by the category's age bands (no coefficient on the row): the ledger's grant of each
 * is written at commit by the database (`record_grant_of_loaded`), as for any bulk load.
 */
const ENTITLEMENTS = `insert into approvals.entitlements
    (id, person_id, unit_id, category_id, policy_group, coefficient_hundredths, start_month, decision_number, decision_date, status, created_at)
  select gen_random_uuid(), p.id, p.residence_unit_id, c.id, c.code, null,
         '2025-09', 'QĐ-' || substr(p.id::text, 1, 8), date '2025-08-20', 'active', now()
    from (select id, residence_unit_id, case when 2026 - birth_year >= 60 then '5.5.a' else '5.6.b' end as code
            from registry.persons where status = 'living' and hashtext(id::text) % 5 = 0) p
    join approvals.categories c on c.program_id = 'decree-20' and c.code = p.code`;

const MONTH = `to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')`;

/** What payments and reporting read: the entitlements due this month with their amount, by the ledger. */
const VIEW = `select count(*)::bigint as rows, coalesce(sum(monthly_amount), 0)::bigint as total from approvals.v_active_entitlements`;

/**
 * The baseline: the same rows read as contract v1 did before the ledger (one coefficient per row × the
 * level of the month, `approvals.monthly_amount`), with the same scope filter as the view.
 */
const BASELINE = `select count(*)::bigint as rows, coalesce(sum(approvals.monthly_amount(level.amount, coalesce(e.coefficient_hundredths, 150))), 0)::bigint as total
    from approvals.entitlements e
    join registry.v_units u on u.id = e.unit_id
    cross join lateral approvals.standard_level_for(split_part(ltree2text(subpath(u.path, 0, 1)), '_', 1), ${MONTH}) level(amount)
   where e.status = 'active' and e.start_month <= ${MONTH} and (e.end_month is null or e.end_month >= ${MONTH})
     and (e.unit_id in (${READABLE_UNIT_IDS}) or ${personInScopeSql('e.person_id')})`;

const CONFLICTS = `select count(*)::bigint as rows from approvals.v_policy_conflicts`;

/** The median of `RUNS` timings of one statement on a client scoped to the province, in seconds. */
async function timed(
  client: pg.ClientBase,
  sql: string,
): Promise<{ seconds: number; rows: number; total: number }> {
  const seconds: number[] = [];
  let last: { rows: string; total?: string } | undefined;
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    last = (await client.query<{ rows: string; total?: string }>(sql)).rows[0];
    seconds.push((performance.now() - started) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return {
    seconds: seconds[Math.floor(RUNS / 2)]!,
    rows: Number(last!.rows),
    total: Number(last!.total ?? 0),
  };
}

/**
 * The entitlement ledger at the size of a large province: 1,000,000 generated persons of today's
 * Hà Tĩnh, one in five a beneficiary. Measures what the ledger costs the readers of the published
 * view (payments, reporting) against the pre-ledger pricing of the same rows, the province's live
 * one-person-one-policy conflicts, and the bulk load with the ledger's grants written at commit.
 */
export async function benchLedger(): Promise<BenchResult> {
  const log = (line: string) => console.error(`[bench] ${line}`);
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
  const name = `bench_ledger_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = withDatabase(postgres.url, name);
  const client = new pg.Client({ connectionString: url });
  try {
    await migrateAll(url);
    const units = await loadNationalUnits(url);
    if (!units.ok) throw new Error(`national units: ${units.problems.length} problems`);
    await client.connect();
    const communes = await readCommunes(TODAY_STRUCTURE, { province: '42' });
    const { rows: ids } = await client.query<{ code: string; id: string }>(
      `select code, id from registry.administrative_units where level = 'commune' and valid_from = '2025-07-01' and valid_to is null and code = any($1)`,
      [communes.map((commune) => commune.code)],
    );
    const unitIds = new Map(ids.map((row) => [row.code, row.id]));
    await loadPersons(url, { seed: SEED, count: PERSONS, communes, unitIds }, log);

    const loadStarted = performance.now();
    await client.query('begin');
    const entitlements = (await client.query(ENTITLEMENTS)).rowCount ?? 0;
    await client.query('commit');
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const [ledger] = (
      await client.query<{ grants: string }>(
        `select count(*) as grants from approvals.decisions where kind = 'grant'`,
      )
    ).rows;
    await client.query('vacuum analyze registry.persons, approvals.entitlements, approvals.decisions');
    log(
      `loaded ${PERSONS} persons, ${entitlements} entitlements and their grants in ${loadSeconds.toFixed(1)} s`,
    );

    await client.query(`select set_config('ansinh.scope_path', '${PROVINCE_PATH}', false)`);
    const baseline = await timed(client, BASELINE);
    const view = await timed(client, VIEW);
    const conflicts = await timed(client, CONFLICTS);
    if (view.rows !== entitlements || baseline.rows !== entitlements) {
      throw new Error(`rows read: view ${view.rows}, baseline ${baseline.rows}, loaded ${entitlements}`);
    }
    const { rows: server } = await client.query<{ version: string }>('show server_version');
    const ratio = view.seconds / baseline.seconds;
    return {
      name: 'ledger',
      fields: {
        persons: PERSONS,
        entitlements,
        loadSeconds: round(loadSeconds),
        viewSeconds: round(view.seconds, 2),
        baselineSeconds: round(baseline.seconds, 2),
        ratioToBaseline: round(ratio, 2),
        monthlyTotal: view.total,
        conflictsSeconds: round(conflicts.seconds, 2),
      },
      table: [
        ['persons of today’s Hà Tĩnh', PERSONS, 'persons'],
        ['entitlements (one person in five), grants written at commit', entitlements, 'entitlements'],
        ['bulk load of the entitlements with their grants in the ledger', round(loadSeconds), 's'],
        ['published view at province scope: amounts by the ledger', round(view.seconds, 2), 's'],
        ['baseline: the same rows priced as before the ledger', round(baseline.seconds, 2), 's'],
        ['ratio to the baseline', round(ratio, 2), '×'],
        ['this month’s total of the province', view.total, 'VND'],
        ['live one-person-one-policy conflicts of the province', round(conflicts.seconds, 2), 's'],
      ],
      notes: [
        `PostgreSQL ${server[0]!.version} (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}); median of ${RUNS} runs each, as the owner with ansinh.scope_path = ${PROVINCE_PATH}`,
        `grants in the ledger after the load: ${ledger!.grants}`,
      ],
    };
  } finally {
    await client.end().catch(() => undefined);
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    await postgres.stop();
  }
}
