import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  addMonths,
  currentMonth,
  inScopedTransaction,
  scopeSessionContext,
  startSubgraph,
} from '@ansinh/common';
import { startGateway } from '@ansinh/gateway';
import {
  DEMO_PASSWORD,
  ensureKeycloak,
  ensurePostgres,
  passwordGrant,
  repoRoot,
  SUBGRAPHS,
  withDatabase,
} from '@ansinh/infra';
import { refreshStatistics } from '../../services/reporting/src/statistics/stats-facts.refresh.ts';
import type { BenchResult } from './bench-report.ts';
import { loadPaymentHistory } from './payment-history.ts';

// STATS_BENCH_ENTITLEMENTS: a smaller register for trying the benchmark out; the recorded run uses the default.
const ENTITLEMENTS = Number(process.env.STATS_BENCH_ENTITLEMENTS ?? 1_000_000);
const HISTORY_MONTHS = 12;
/** Hà Tĩnh after the reform (69 communes): the whole register in one province, as the province's analyst reads it. */
const PROVINCE = '42';
const REPEATS = 30;
const WARM_UP = 2;

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const since = (started: number) => (performance.now() - started) / 1000;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const STATS = `query ($input: StatsInput!) {
  stats(input: $input) {
    rows { unitCode program category gender ageBand month channel paymentStatus
           beneficiaries amountDue increases decreases paymentLines planned paid unpaid }
    totals { beneficiaries planned paid }
  }
}`;

/** Province-level groupings an analyst asks for: by commune, category, gender and age, month, channel. */
function groupings(month: string): { kind: string; input: Record<string, unknown> }[] {
  const year = { fromMonth: addMonths(month, -(HISTORY_MONTHS - 1)), toMonth: month };
  return [
    {
      kind: 'communes, one month, ledger and payments',
      input: {
        groupBy: ['UNIT'],
        filter: { fromMonth: month },
        measures: ['BENEFICIARIES', 'AMOUNT_DUE', 'PLANNED', 'PAID', 'UNPAID'],
      },
    },
    {
      kind: 'category x gender, one month',
      input: {
        groupBy: ['CATEGORY', 'GENDER'],
        filter: { fromMonth: month },
        measures: ['BENEFICIARIES', 'AMOUNT_DUE'],
      },
    },
    {
      kind: 'age band x gender x ethnicity, one month',
      input: {
        groupBy: ['AGE_BAND', 'GENDER', 'ETHNICITY'],
        filter: { fromMonth: month },
        measures: ['BENEFICIARIES'],
      },
    },
    {
      kind: 'months of a year, payments',
      input: { groupBy: ['MONTH'], filter: year, measures: ['PAYMENT_LINES', 'PLANNED', 'PAID', 'UNPAID'] },
    },
    {
      kind: 'communes x months of a year, ledger',
      input: {
        groupBy: ['UNIT', 'MONTH'],
        filter: year,
        measures: ['BENEFICIARIES', 'AMOUNT_DUE', 'INCREASES', 'DECREASES'],
      },
    },
    {
      kind: 'channel x status, a year',
      input: { groupBy: ['CHANNEL', 'PAYMENT_STATUS'], filter: year, measures: ['PAYMENT_LINES', 'PAID'] },
    },
    {
      kind: 'province as today, a year, elderly women',
      input: {
        groupBy: ['UNIT'],
        unitLevel: 'PROVINCE',
        filter: { ...year, genders: ['FEMALE'], ageBands: ['75-79', '80+'] },
        measures: ['BENEFICIARIES', 'AMOUNT_DUE'],
      },
    },
  ];
}

/**
 * The baseline: the first grouping (the month's figures of each commune) computed at query time from
 * the owners' published views, as reporting answered before it kept cells, in the province's scope.
 */
const BASELINE = `with due as (
    select d.unit_id, d.person_id, d.amount from approvals.entitlements_due(array(select id from registry.v_units where path <@ $1::ltree), $2) d
     where d.category_id in (select id from approvals.categories where payment = 'monthly')
  ), ledger as (
    select unit_id, count(distinct person_id) as beneficiaries, sum(amount) as amount_due from due group by unit_id
  ), lines as (
    select unit_id, sum(total) as planned, sum(total) filter (where status = 'paid') as paid,
           sum(total) filter (where status <> 'paid') as unpaid
      from payments.v_payment_lines where month = $2 group by unit_id
  )
  select u.code, l.beneficiaries, l.amount_due, p.planned, p.paid, p.unpaid
    from ledger l full join lines p using (unit_id) join registry.v_units u on u.id = coalesce(l.unit_id, p.unit_id)
   order by u.code`;

async function timedQuery(url: string, token: string, input: Record<string, unknown>) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: STATS, variables: { input } }),
  });
  const body = (await response.json()) as {
    data?: { stats: { rows: unknown[]; totals: Record<string, number> } };
    errors?: unknown[];
  };
  const ms = performance.now() - started;
  if (body.errors || !body.data)
    throw new Error(`stats refused: ${JSON.stringify(body.errors).slice(0, 400)}`);
  return { ms, stats: body.data.stats };
}

/**
 * Statistics over 1,000,000 beneficiaries and 12,000,000 payment lines of one province: the first full
 * computation of the cells, then p50 and p95 of province-level groupings through the gateway with a real
 * Keycloak token (each query refreshes first: nothing stale, the marks are looked at), against the same
 * figures computed at query time from the owners' views; and a query right after a change (one person's
 * gender corrected: every month of theirs computed again before the answer).
 */
export async function benchStats(): Promise<BenchResult> {
  const log = (line: string) => console.error(`[bench] ${line}`);
  const keycloak = await ensureKeycloak({ keycloakUrl: process.env.KEYCLOAK_URL, repoRoot, log });
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
  const name = `bench_stats_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = withDatabase(postgres.url, name);
  const client = new pg.Client({ connectionString: url });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await client.connect();
    const history = await loadPaymentHistory(
      url,
      client,
      { provinces: [PROVINCE], entitlements: ENTITLEMENTS, historyMonths: HISTORY_MONTHS },
      log,
    );
    const province = history.provinces[0]!;
    const month = addMonths(currentMonth(), -1);
    const { rows: sizes } = await client.query<{ persons: number; lines: number }>(
      `select (select count(*)::int from registry.persons) as persons, (select count(*)::int from payments.payment_lines) as lines`,
    );
    const { persons, lines: paymentLines } = sizes[0]!;

    // The load ran with user triggers off: every partition is marked here, as the migrations do for
    // existing data, then computed once (timed: what a province's first refresh costs).
    await client.query(
      `insert into payments.report_marks (unit_id, month) select distinct unit_id, month from payments.payment_lines on conflict do nothing`,
    );
    await client.query(
      `select approvals.mark_for_reports(array_agg(unit_id), array_agg(start_month::text)) from approvals.entitlements`,
    );
    let started = performance.now();
    const full = await refreshStatistics(pool, {
      onBatch: (totals) => log(`cells: ${totals.partitions} partitions, ${since(started).toFixed(0)} s`),
    });
    const fullRefreshSeconds = since(started);
    const { rows: cells } = await client.query<{ cells: number }>(
      `select (select count(*) from reporting.beneficiary_cells) + (select count(*) from reporting.payment_cells) as cells`,
    );
    await client.query(
      'vacuum analyze reporting.beneficiary_cells, reporting.payment_cells, reporting.computed_partitions',
    );
    log(
      `full computation: ${full.partitions} partitions, ${cells[0]!.cells} cells, ${fullRefreshSeconds.toFixed(1)} s`,
    );

    // Baseline: query-time figures from the owners' views, in the province's scope as reporting's role.
    const baselineMs: number[] = [];
    let baselineRows = 0;
    for (let i = 0; i < 5; i++) {
      started = performance.now();
      const rows = await inScopedTransaction(
        pool,
        scopeSessionContext('reporting', province.path),
        async (scoped) => (await scoped.query(BASELINE, [province.path, month])).rows,
      );
      baselineMs.push(performance.now() - started);
      baselineRows = rows.length;
    }
    baselineMs.sort((a, b) => a - b);
    log(`baseline: ${baselineRows} communes, p50 ${percentile(baselineMs, 50).toFixed(0)} ms`);

    const secret = randomBytes(24).toString('hex');
    const env = {
      // Development: loopback subgraph addresses and the development roles' passwords (production refuses both).
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: url,
      SUBGRAPH_SECRET: secret,
      KEYCLOAK_URL: keycloak.url,
      PORT: '0',
      ...Object.fromEntries(
        SUBGRAPHS.map((subgraph) => [
          `${subgraph.schema.toUpperCase()}_DATABASE_PASSWORD`,
          `ansinh_${subgraph.schema}`,
        ]),
      ),
    };
    const running = await Promise.all(SUBGRAPHS.map((definition) => startSubgraph(definition, env)));
    const byName = Object.fromEntries(running.map((subgraph) => [subgraph.name, subgraph.url]));
    let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
    try {
      gateway = await startGateway({
        ...env,
        REGISTRY_URL: byName.registry,
        APPROVALS_URL: byName.approvals,
        PAYMENTS_URL: byName.payments,
        REPORTING_URL: byName.reporting,
      });
      const token = await passwordGrant({
        keycloakUrl: keycloak.url,
        username: `tinh.${PROVINCE}`,
        password: DEMO_PASSWORD,
      });
      const byKind = new Map<string, number[]>();
      const all: number[] = [];
      let communeRows = 0;
      for (let repeat = 0; repeat < REPEATS + WARM_UP; repeat++) {
        for (const { kind, input } of groupings(month)) {
          const { ms, stats } = await timedQuery(gateway!.url, token, input);
          if (kind.startsWith('communes, one month')) communeRows = stats.rows.length;
          if (repeat < WARM_UP) continue;
          all.push(ms);
          byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
        }
      }
      if (communeRows !== baselineRows)
        throw new Error(`stats answered ${communeRows} communes, the baseline ${baselineRows}`);
      all.sort((a, b) => a - b);

      // One change, then the first query: the person's months computed again before the answer.
      await client.query(
        `update registry.persons set gender = case gender when 'male' then 'female' else 'male' end
          where id = (select id from registry.persons order by id limit 1)`,
      );
      const afterChange = await timedQuery(gateway!.url, token, groupings(month)[1]!.input);

      const p50 = percentile(all, 50);
      const p95 = percentile(all, 95);
      const baselineP50 = percentile(baselineMs, 50);
      return {
        name: 'stats',
        fields: {
          p50Ms: round(p50),
          p95Ms: round(p95),
          persons,
          paymentLines,
          entitlements: history.entitlements,
          queries: all.length,
          maxMs: round(all.at(-1)!),
          baselineP50Ms: round(baselineP50),
          ratioBaselineToP50: round(baselineP50 / p50, 1),
          firstQueryAfterChangeMs: round(afterChange.ms),
          fullRefreshSeconds: round(fullRefreshSeconds),
          partitions: full.partitions,
          cells: Number(cells[0]!.cells),
        },
        table: [
          ['persons (one monthly entitlement each)', persons, 'persons'],
          ['payment lines (12 months, closed lists)', paymentLines, 'lines'],
          ['first computation of the cells', round(fullRefreshSeconds), 's'],
          ['cells kept', Number(cells[0]!.cells), 'rows'],
          ['queries measured (after warm-up)', all.length, 'queries'],
          ['stats p50 (gateway, real token)', round(p50), 'ms'],
          ['stats p95', round(p95), 'ms'],
          ['stats max', round(all.at(-1)!), 'ms'],
          ...[...byKind].map(([kind, times]): [string, number, string] => {
            times.sort((a, b) => a - b);
            return [`p95: ${kind}`, round(percentile(times, 95)), 'ms'];
          }),
          ['baseline: communes of a month from the owners\u2019 views, p50', round(baselineP50), 'ms'],
          ['baseline p50 / stats p50', round(baselineP50 / p50, 1), 'ratio'],
          ['first query after a change (one person\u2019s months recomputed)', round(afterChange.ms), 'ms'],
        ],
        notes: [
          `${persons.toLocaleString('en')} generated persons in the ${history.unitIds.size} communes of today's province ${PROVINCE}, one monthly entitlement each, with ${HISTORY_MONTHS} months of closed, paid lists; setup loaded with user triggers off and every partition marked afterwards.`,
          'Each query is a GraphQL `stats` query through the gateway with the province account `tinh.42` (approver, analyst, auditor, admin), one at a time; each refreshes first (nothing stale after the first computation).',
          'Baseline: the first grouping computed at query time from approvals.entitlements_due and payments.v_payment_lines in the same scope (direct SQL, no HTTP).',
        ],
      };
    } finally {
      await gateway?.stop();
      await Promise.all(running.map((subgraph) => subgraph.stop()));
    }
  } finally {
    await pool.end().catch(() => undefined);
    await client.end().catch(() => undefined);
    await admin.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    await admin.end();
    await keycloak.stop();
  }
}
