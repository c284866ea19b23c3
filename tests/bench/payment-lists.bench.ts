import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  addMonths,
  applyScopedSession,
  arrayLiteral,
  currentMonth,
  inScopedTransaction,
  scopeSessionContext,
  type Actor,
} from '@ansinh/common';
import { ensurePostgres, repoRoot, withDatabase } from '@ansinh/infra';
import {
  COMMUNES_PER_BATCH,
  makeDrafts,
  openListsUnder,
} from '../../services/payments/src/payment-lists/payment-list.job.ts';
import {
  applyUpdates,
  lockLines,
  startPaying,
} from '../../services/payments/src/payment-updates/payment-update.repository.ts';
import {
  checkAgainstLine,
  checkUpdates,
} from '../../services/payments/src/payment-updates/payment-update.rules.ts';
import type { BenchResult } from './bench-report.ts';
import { loadPaymentHistory } from './payment-history.ts';

// PAYMENT_LISTS_BENCH_ENTITLEMENTS: a smaller register for trying the benchmark out; the recorded run uses the default.
const ENTITLEMENTS = Number(process.env.PAYMENT_LISTS_BENCH_ENTITLEMENTS ?? 1_000_000);
/** Thanh Hóa, Nghệ An, Hà Tĩnh after the reform: 365 communes, no unit above the provinces. */
const PROVINCES = ['38', '40', '42'];
const HISTORY_MONTHS = 12;
const BULK_LINES = 10_000;
const ACTOR: Actor = { id: 'bench', name: 'Benchmark', unitCode: '42' };

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const since = (started: number) => (performance.now() - started) / 1000;

/** One draft list per commune of the province, as the generation job opens them; answers the drafts. */
async function draftLists(client: pg.ClientBase, path: string, month: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    'select id from registry.v_units where path = $1::ltree',
    [path],
  );
  const lists = await openListsUnder(client, rows[0]!.id, month);
  return lists.filter((list) => list.state === 'draft').map((list) => list.id);
}

/**
 * The baseline: one hand-written statement writing the same lines (one per active entitlement, the
 * month's amount from `entitlements_terms`, cash, a code from the sequence) and the months they cover,
 * from the same published contract the generation reads, with none of its checks (months already
 * covered, arrears, recoveries, holds, regeneration, control totals).
 */
const INSERT_SELECT = `with lists as (
    select id as list_id, unit_id from payments.payment_lists where id = any($1::uuid[])
  ), ents as (
    select l.list_id, e.entitlement_id, e.root_entitlement_id, e.person_id, e.unit_id
      from approvals.payable_entitlements(array(select unit_id from lists), $2) e
      join lists l on l.unit_id = e.unit_id
     where e.status = 'active' and (e.end_month is null or e.end_month >= $2)
  ), lines as (
    insert into payments.payment_lines (id, list_id, line_code, person_id, entitlement_id, unit_id, month, amount, channel, status, created_at)
    select gen_random_uuid(), e.list_id, 'CT' || lpad(nextval('payments.line_code_seq')::text, 9, '0'), e.person_id, e.entitlement_id,
           e.unit_id, $2, t.amount, 'cash', 'pending', now()
      from ents e
      join approvals.entitlements_terms(array(select entitlement_id from ents), $2) t on t.entitlement_id = e.entitlement_id
     where t.amount > 0
     order by e.list_id, e.person_id, e.entitlement_id
    returning id, list_id, entitlement_id, person_id, month, amount
  ), covered as (
    insert into payments.line_months (line_id, list_id, entitlement_root_id, entitlement_id, person_id, month, amount, kind)
    select l.id, l.list_id, e.root_entitlement_id, l.entitlement_id, l.person_id, l.month, l.amount, 'regular'
      from lines l join ents e on e.list_id = l.list_id and e.entitlement_id = l.entitlement_id
    returning amount
  )
  select count(*)::int as lines, coalesce(sum(amount), 0)::bigint as amount from covered`;

/** A client that times each statement it sends, by its first words (buildDraftLists sends plain `query` calls). */
function timingClient(
  client: pg.ClientBase,
  statements: Map<string, { seconds: number; calls: number }>,
): pg.ClientBase {
  const query = async (text: string, params?: unknown[]) => {
    const started = performance.now();
    try {
      return await client.query(text, params);
    } finally {
      const label = text.replace(/\s+/g, ' ').trim().slice(0, 70);
      const entry = statements.get(label) ?? { seconds: 0, calls: 0 };
      entry.seconds += since(started);
      entry.calls += 1;
      statements.set(label, entry);
    }
  };
  return { query } as unknown as pg.ClientBase;
}

/** What the payment-update repository needs of an EntityManager (`execute` with `?` placeholders), on a pg client. */
function executor(client: pg.ClientBase) {
  return {
    async execute(sql: string, params: unknown[] = []) {
      let index = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++index}`),
          params,
        )
      ).rows;
    },
  } as unknown as Parameters<typeof lockLines>[0];
}

/**
 * Monthly payment lists at the size of three provinces: 1,000,000 active entitlements of 1,000,000
 * generated persons over the 365 communes of today's Thanh Hóa, Nghệ An and Hà Tĩnh, with a year of
 * closed, paid lists behind them. Measures generating this month's lists of every commune (the job's
 * statements, per province in its scoped transaction) against one hand-written INSERT … SELECT of the
 * same lines, and one daily update marking 10,000 lines paid.
 */
export async function benchPaymentLists(): Promise<BenchResult> {
  const log = (line: string) => console.error(`[bench] ${line}`);
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
  const name = `bench_payment_lists_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(postgres.url, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = withDatabase(postgres.url, name);
  const client = new pg.Client({ connectionString: url });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await client.connect();
    const { provinces, unitIds, entitlements, historyLines } = await loadPaymentHistory(
      url,
      client,
      { provinces: PROVINCES, entitlements: ENTITLEMENTS, historyMonths: HISTORY_MONTHS },
      log,
    );
    const month = currentMonth();

    // B, the baseline, first: per province in its scoped transaction, rolled back.
    const scoped = (path: string) => scopeSessionContext('payments', path, ACTOR);
    let insertSelectSeconds = 0;
    let baselineLines = 0;
    let baselineAmount = 0;
    for (const province of provinces) {
      const baseline = await pool.connect();
      try {
        await baseline.query('begin');
        await applyScopedSession(baseline, scoped(province.path));
        const listIds = await draftLists(baseline, province.path, month);
        // Hand-tuned as a baseline may be: the planner knows nothing of the rows of the statement's
        // CTEs and would join the lines written back to their entitlements by a nested loop (quadratic).
        await baseline.query('set local enable_nestloop = off');
        const statementStarted = performance.now();
        const { rows } = await baseline.query<{ lines: number; amount: string }>(INSERT_SELECT, [
          listIds,
          month,
        ]);
        insertSelectSeconds += since(statementStarted);
        baselineLines += rows[0]!.lines;
        baselineAmount += Number(rows[0]!.amount);
      } finally {
        await baseline.query('rollback');
        baseline.release();
      }
    }
    log(`baseline: ${baselineLines} lines in ${insertSelectSeconds.toFixed(2)} s`);

    // A, the product: the job's steps per province, in its scoped transaction, committed.
    const statements = new Map<string, { seconds: number; calls: number }>();
    let seconds = 0;
    let commitSeconds = 0;
    const generated = { lists: 0, lines: 0, held: 0, amount: 0, recoveries: 0, batches: 0 };
    for (const province of provinces) {
      const provinceStarted = performance.now();
      let workDone = 0;
      await inScopedTransaction(pool, scoped(province.path), async (scopedClient) => {
        const drafts = await draftLists(scopedClient, province.path, month);
        const made = await makeDrafts(timingClient(scopedClient, statements), drafts, month, ACTOR);
        generated.lists += made.lists;
        generated.lines += made.lines;
        generated.held += made.held;
        generated.amount += made.amount;
        generated.recoveries += made.recoveries;
        generated.batches += made.batches;
        workDone = performance.now();
      });
      commitSeconds += (performance.now() - workDone) / 1000;
      seconds += since(provinceStarted);
    }
    log(`generation: ${generated.lines} lines in ${generated.lists} lists, ${seconds.toFixed(2)} s`);
    const { rows: check } = await client.query<{
      lines: number;
      months: number;
      arrears: string;
      amount: string;
    }>(
      `select count(*)::int as lines, (select count(*)::int from payments.line_months where month = $1) as months,
              coalesce(sum(arrears + carried_over + one_off + recovery), 0)::bigint as arrears, coalesce(sum(amount), 0)::bigint as amount
         from payments.payment_lines where month = $1`,
      [month],
    );
    if (
      check[0]!.lines !== baselineLines ||
      check[0]!.months !== baselineLines ||
      Number(check[0]!.amount) !== baselineAmount ||
      Number(check[0]!.arrears) !== 0
    ) {
      throw new Error(
        `generated ${JSON.stringify(check[0])}, baseline ${baselineLines} lines of ${baselineAmount} VND: not the same lines`,
      );
    }

    // The bulk update: the lists of Thanh Hóa's largest communes approved until 10,000 lines, then one
    // daily update marking them paid (the payment-update repository's statements, with its checks).
    const bulkProvince = provinces[0]!; // Thanh Hóa, the largest
    await client.query(
      `update payments.payment_lists p set state = 'approved', approved_at = now(), approved_by_id = 'bench', approved_by_name = 'bench'
        where p.id in (
          select id from (
            select p.id, sum(p.line_count) over (order by p.line_count desc, p.id) - p.line_count as before
              from payments.payment_lists p join registry.v_units u on u.id = p.unit_id
             where p.month = $1 and u.path <@ $2::ltree) x
           where before < $3)`,
      [month, bulkProvince.path, BULK_LINES],
    );
    const { rows: toPay } = await client.query<{ id: string; version: number }>(
      `select l.id, l.version from payments.payment_lines l join payments.payment_lists p on p.id = l.list_id
        where p.month = $1 and p.state = 'approved' order by l.id limit $2`,
      [month, BULK_LINES],
    );
    if (toPay.length !== BULK_LINES) throw new Error(`only ${toPay.length} lines to mark paid`);
    await client.query('analyze payments.payment_lists, payments.payment_lines');
    const now = new Date();
    const paidAt = new Date(now.getTime() - 60 * 60 * 1000).toISOString();
    const bulkStatements = new Map<string, { seconds: number; calls: number }>();
    const bulkStarted = performance.now();
    const changed = await inScopedTransaction(pool, scoped(bulkProvince.path), async (scopedClient) => {
      const em = executor(timingClient(scopedClient, bulkStatements));
      const { checked, problems } = checkUpdates(
        toPay.map((line, index) => ({
          lineId: line.id,
          expectedVersion: line.version,
          status: 'paid' as const,
          paidAt,
          receiver: 'person' as const,
          reference: `BENCH-${index}`,
        })),
        now,
      );
      const facts = await lockLines(
        em,
        checked.map((update) => update.lineId),
      );
      const refused = [
        ...problems,
        ...checked.flatMap((update) => checkAgainstLine(update, facts.get(update.lineId)) ?? []),
      ];
      if (refused.length) throw new Error(`bulk update refused: ${JSON.stringify(refused.slice(0, 3))}`);
      await startPaying(
        em,
        checked.map((update) => update.lineId),
        now,
      );
      return applyUpdates(em, checked, { id: ACTOR.id, name: ACTOR.name }, now);
    });
    const bulkSeconds = since(bulkStarted);
    if (changed !== BULK_LINES) throw new Error(`bulk update changed ${changed} lines`);
    const { rows: recorded } = await client.query<{ paid: number; updates: number }>(
      `select (select count(*)::int from payments.payment_lines where id = any($1::uuid[]) and status = 'paid' and version = 2) as paid,
              (select count(*)::int from payments.payment_updates where line_id = any($1::uuid[])) as updates`,
      [arrayLiteral(toPay.map((line) => line.id))],
    );
    if (recorded[0]!.paid !== BULK_LINES || recorded[0]!.updates !== BULK_LINES) {
      throw new Error(`bulk update: ${JSON.stringify(recorded[0])}`);
    }
    const bulkUpdateLinesPerSecond = Math.round(BULK_LINES / bulkSeconds);

    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const ratio = seconds / insertSelectSeconds;
    const { rows: server } = await client.query<{ version: string }>('show server_version');
    const perStatement = [...statements.entries()].sort((a, b) => b[1].seconds - a[1].seconds);
    const statementSeconds = Object.fromEntries(
      perStatement.slice(0, 12).map(([label, entry]) => [label, round(entry.seconds, 2)]),
    );
    return {
      name: 'payment-lists',
      fields: {
        seconds: round(seconds, 2),
        insertSelectSeconds: round(insertSelectSeconds, 2),
        ratioToInsertSelect: round(ratio, 2),
        bulkUpdateLinesPerSecond,
        peakRssMb,
        entitlements,
        lines: generated.lines,
        lists: generated.lists,
        communes: unitIds.size,
        provinces: provinces.length,
        historyMonths: HISTORY_MONTHS,
        historyLines,
        commitSeconds: round(commitSeconds, 2),
        bulkUpdateSeconds: round(bulkSeconds, 2),
        statementSeconds,
        bulkStatementSeconds: Object.fromEntries(
          [...bulkStatements.entries()].map(([label, entry]) => [label, round(entry.seconds, 2)]),
        ),
      },
      table: [
        ['active entitlements (one per generated person)', entitlements, 'entitlements'],
        ['communes of today’s Thanh Hóa, Nghệ An, Hà Tĩnh', unitIds.size, 'communes'],
        [`history: closed lists of ${HISTORY_MONTHS} months, paid lines`, historyLines, 'lines'],
        [
          'generation of this month’s lists, every commune (job statements, scoped, commit included)',
          round(seconds, 2),
          's',
        ],
        ['  lines generated', generated.lines, 'lines'],
        ['baseline: one INSERT … SELECT of the same lines and months', round(insertSelectSeconds, 2), 's'],
        ['ratio to the baseline (goal ≤ 2)', round(ratio, 2), '×'],
        ['daily update: 10,000 lines marked paid in one request', round(bulkSeconds, 2), 's'],
        ['  bulk update rate', bulkUpdateLinesPerSecond, 'lines/s'],
        ['peak RSS of the benchmark process', peakRssMb, 'MB'],
        ...perStatement
          .slice(0, 6)
          .map(([label, entry]): [string, number, string] => [
            `  statement: ${label}…`,
            round(entry.seconds, 2),
            's',
          ]),
      ],
      notes: [
        `PostgreSQL ${server[0]!.version} (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}); ${entitlements} entitlements started ${addMonths(month, -HISTORY_MONTHS)}, ${generated.lists} lists of ${month}, one transaction per province (no unit above the provinces), ${generated.batches} batches of at most ${COMMUNES_PER_BATCH} communes`,
        `setup not timed: grants written set-based and the history loaded with user triggers (history, guards) disabled, then re-enabled; everything measured runs with every trigger on, as role ansinh_payments with the province's scope`,
        `baseline measured first, per province in the same scoped session, over approvals.payable_entitlements and approvals.entitlements_terms, then rolled back; generation measured after it and committed (commit included: ${round(commitSeconds, 2)} s)`,
        `bulk update: checkUpdates, lockLines, checkAgainstLine, startPaying and applyUpdates of services/payments/src/payment-updates (recordPayments itself caps a request at 1,000 lines and needs a MikroORM session), in one scoped transaction`,
      ],
    };
  } finally {
    await pool.end().catch(() => undefined);
    await client.end().catch(() => undefined);
    if (!process.env.PAYMENT_LISTS_BENCH_KEEP)
      await admin.query(`drop database if exists "${name}" with (force)`);
    else console.error(`[bench] kept database ${name}`);
    await admin.end();
    await postgres.stop();
  }
}
