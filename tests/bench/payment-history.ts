import { join } from 'node:path';
import type pg from 'pg';
import { addMonths, currentMonth } from '@ansinh/common';
import { migrateAll } from '@ansinh/infra';
import { loadNationalUnits, NATIONAL_UNITS_DIRECTORY } from '@ansinh/registry';
import { loadPersons } from './bench-database.ts';
import { readCommunes } from './generator/units.ts';

const SEED = 2026;
const TODAY_STRUCTURE = join(NATIONAL_UNITS_DIRECTORY, 'units-from-2025-07-01.csv');
const since = (started: number) => (performance.now() - started) / 1000;

export type PaymentHistory = {
  provinces: { code: string; path: string }[];
  unitIds: Map<string, string>;
  entitlements: number;
  historyLines: number;
  historySeconds: number;
};

/**
 * A new database (`url`, migrated here; `client` connected to it) filled as the payment benchmarks need it:
 * the national units, `entitlements` generated persons (seed 2026) in the communes of today's
 * `provinces`, one active entitlement each with its grant in the ledger from `historyMonths` months ago,
 * and for each of those months a closed list per commune with one paid line per entitlement (user
 * triggers off for the load: no history, no guards, no marks).
 */
export async function loadPaymentHistory(
  url: string,
  client: pg.Client,
  options: { provinces: readonly string[]; entitlements: number; historyMonths: number },
  log: (line: string) => void,
): Promise<PaymentHistory> {
  await migrateAll(url);
  const units = await loadNationalUnits(url);
  if (!units.ok) throw new Error(`national units: ${units.problems.length} problems`);
  const communes = (await readCommunes(TODAY_STRUCTURE)).filter((commune) =>
    options.provinces.includes(commune.provinceCode),
  );
  const { rows: ids } = await client.query<{ code: string; id: string }>(
    `select code, id from registry.administrative_units where level = 'commune' and valid_from = '2025-07-01' and valid_to is null and code = any($1)`,
    [communes.map((commune) => commune.code)],
  );
  const unitIds = new Map(ids.map((row) => [row.code, row.id]));
  const { rows: provinces } = await client.query<{ code: string; path: string }>(
    `select code, path::text from registry.administrative_units where level = 'province' and valid_to is null and code = any($1) order by code`,
    [options.provinces],
  );
  await loadPersons(url, { seed: SEED, count: options.entitlements, communes, unitIds }, log);

  const month = currentMonth();
  const startMonth = addMonths(month, -options.historyMonths);
  const decidedOn = `${addMonths(startMonth, -1)}-20`;

  // Setup, not timed. One active entitlement per person, paid by the commune the person lives in,
  // from twelve months ago, each with its grant in the ledger: written set-based here (the same row
  // `record_grant_of_loaded` writes at commit), user triggers off for the load.
  let started = performance.now();
  await client.query('begin');
  for (const table of ['approvals.entitlements', 'approvals.decisions'])
    await client.query(`alter table ${table} disable trigger user`);
  const entitlements =
    (
      await client.query(
        `insert into approvals.entitlements
           (id, person_id, unit_id, category_id, policy_group, coefficient_hundredths, start_month, decision_number, decision_date, status, created_at)
         select gen_random_uuid(), p.id, p.residence_unit_id, c.id, c.code, null, $1, 'QĐ-' || substr(p.id::text, 1, 8), $2::date, 'active', now()
           from (select id, residence_unit_id, case when 2026 - birth_year >= 60 then '5.5.a' else '5.6.b' end as code
                   from registry.persons) p
           join approvals.categories c on c.program_id = 'decree-20' and c.code = p.code`,
        [startMonth, decidedOn],
      )
    ).rowCount ?? 0;
  await client.query(
    `insert into approvals.decisions (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month,
                                      category_id, coefficient_hundredths, member_count, reason, recorded_by_id, recorded_by_name)
     select e.id, e.person_id, 'grant', e.decision_number, e.decision_date, e.unit_id, '', e.start_month, e.category_id,
            e.coefficient_hundredths, e.member_count, 'nạp từ sổ theo dõi có sẵn', 'system', 'system'
       from approvals.entitlements e`,
  );
  for (const table of ['approvals.entitlements', 'approvals.decisions'])
    await client.query(`alter table ${table} enable trigger user`);
  await client.query('commit');
  await client.query('vacuum analyze registry.persons, approvals.entitlements, approvals.decisions');
  log(`${entitlements} entitlements and their grants: ${since(started).toFixed(1)} s`);

  // A year of history: per month and commune a closed list, one paid line per entitlement and the
  // month it covers (each month at last month's amount), user triggers (history, guards) off for the load.
  started = performance.now();
  await client.query('begin');
  await client.query(
    `create temp table history_ents on commit drop as
       select e.id, e.person_id, e.unit_id, t.amount
         from approvals.entitlements e
         join approvals.entitlements_terms(array(select id from approvals.entitlements), $1) t on t.entitlement_id = e.id
        where t.amount > 0`,
    [addMonths(month, -1)],
  );
  for (const table of ['payment_lists', 'payment_lines', 'line_months'])
    await client.query(`alter table payments.${table} disable trigger user`);
  await client.query(
    `insert into payments.payment_lists (unit_id, month, state, line_count, person_count, total_amount, channel_totals,
                                         generated_at, approved_at, paying_at, closed_at)
     select h.unit_id, m.month, 'closed', h.lines, h.lines, h.amount,
            jsonb_build_object('cash', jsonb_build_object('lines', h.lines, 'amount', h.amount)),
            d, d + interval '2 days', d + interval '9 days', d + interval '25 days'
       from (select unit_id, count(*)::int as lines, sum(amount)::bigint as amount from history_ents group by unit_id) h
       cross join (select to_char(d, 'YYYY-MM') as month, d::timestamptz as d
                     from generate_series(to_date($1, 'YYYY-MM'), to_date($2, 'YYYY-MM'), interval '1 month') d) m`,
    [startMonth, addMonths(month, -1)],
  );
  let historyLines = 0;
  for (let index = 0; index < options.historyMonths; index += 1) {
    const covered = addMonths(startMonth, index);
    const { rows } = await client.query<{ lines: number }>(
      `with lines as (
         insert into payments.payment_lines (id, list_id, line_code, person_id, entitlement_id, unit_id, month, amount, channel,
                                             status, paid_on, paid_at, receiver, created_at)
         select gen_random_uuid(), p.id, 'CT' || lpad(nextval('payments.line_code_seq')::text, 9, '0'), e.person_id, e.id, e.unit_id, $1,
                e.amount, 'cash', 'paid', to_date($1, 'YYYY-MM') + 9, (to_date($1, 'YYYY-MM') + 9 + time '09:00') at time zone 'Asia/Ho_Chi_Minh',
                'person', to_date($1, 'YYYY-MM')::timestamptz
           from history_ents e join payments.payment_lists p on p.unit_id = e.unit_id and p.month = $1
          order by p.id, e.person_id
         returning id, list_id, entitlement_id, person_id, month, amount
       ), covered as (
         insert into payments.line_months (line_id, list_id, entitlement_root_id, entitlement_id, person_id, month, amount, kind, released)
         select id, list_id, entitlement_id, entitlement_id, person_id, month, amount, 'regular', false from lines
         returning 1
       )
       select count(*)::int as lines from covered`,
      [covered],
    );
    historyLines += rows[0]!.lines;
    log(`history ${covered}: ${rows[0]!.lines} paid lines, ${since(started).toFixed(1)} s`);
  }
  for (const table of ['payment_lists', 'payment_lines', 'line_months'])
    await client.query(`alter table payments.${table} enable trigger user`);
  await client.query('commit');
  await client.query(
    'vacuum analyze payments.payment_lists, payments.payment_lines, payments.line_months, payments.recoveries',
  );
  const historySeconds = since(started);
  log(`history: ${historyLines} lines in ${historySeconds.toFixed(1)} s`);
  return { provinces, unitIds, entitlements, historyLines, historySeconds };
}
