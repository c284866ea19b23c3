import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  addMonths,
  currentMonth,
  inScopedTransaction,
  scopeSessionContext,
  type ReportRow,
  type ReportTable,
} from '@ansinh/common';
import {
  graphql,
  provinceSystemToken,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { reportingSubgraph } from '../src/index.ts';
import { entitlementChangeData } from '../src/regulation-reports/entitlement-changes.repository.ts';
import {
  entitlementChangesReport,
  paymentSummaryReport,
  resolution42SummaryReport,
} from '../src/regulation-reports/regulation-reports.exports.ts';
import { REPORTING_SCHEMA } from '../src/unit-summary/unit-summary.resolvers.ts';
import { csvRows, download, followJob, pdfText, vnd, xlsxRows } from './export-files.ts';

/**
 * The regulation reports on the seeded demo (Hà Tĩnh: payment lists since January 2025 across the
 * reform, this month's being paid; the ledger's decisions of last month and this one; Resolution 42
 * lists of 18073), each answer compared with figures computed here from the owners' tables; a past
 * month asked again after later changes; a pre-reform month under a former district; confidential
 * categories hidden from an analyst; the export tables; scope and input refusals.
 */
let seeded: SeededSubgraph;
const MONTH = currentMonth();
const LAST_MONTH = addMonths(MONTH, -1);
const PRE_REFORM = '2025-06';

const sql = (text: string, params: unknown[] = []) => sqlRows(seeded.database.url, text, params);

async function ask(username: string, query: string, variables: Record<string, unknown>) {
  return graphql(seeded.subgraph.url, query, { token: await tokenFor(username), variables });
}

const errorOf = (answer: { errors?: { extensions?: { code?: string; field?: string } }[] }) =>
  answer.errors?.[0]?.extensions;

// Seeding the demo takes tens of seconds, more on a loaded machine.
beforeAll(async () => {
  seeded = await startSeededSubgraph(reportingSubgraph);
}, 180_000);

afterAll(() => seeded?.stop());

/** The unit a code names today: in force, else the last version with the code (a former district). */
async function unitNamed(code: string): Promise<{ id: string; path: string; fullName: string }> {
  const [row] = await sql(
    `select id, path::text as path, full_name as "fullName" from registry.v_units
      where code = $1 order by valid_to is null desc, valid_to desc limit 1`,
    [code],
  );
  return row as { id: string; path: string; fullName: string };
}

/** SQL: `column` names a unit under the scope paths of the unit with id `$1` (itself and those merged whole into it). */
const under = (column: string) =>
  `${column} in (select u.id from registry.v_units u, registry.v_units s where s.id = $1 and u.path <@ s.scope_paths)`;

const FIGURES = `lines persons plannedAmount paidLines paidAmount unpaidLines unpaidAmount heldLines heldAmount paidLateLines paidLateAmount`;

const PAYMENT_SUMMARY = `query ($unitCode: ID!, $month: String!) {
  paymentSummary(unitCode: $unitCode, month: $month) {
    unit { id } unitCode unitName month
    communes { unit { id } unitCode unitName districtCode listState figures { ${FIGURES} } }
    districts { unit { id } unitCode unitName communes figures { ${FIGURES} } }
    total { ${FIGURES} }
  }
}`;

type Figures = Record<string, number>;

const sumFigures = (rows: readonly { figures: Figures }[]): Figures => {
  const total: Figures = {};
  for (const key of FIGURES.split(' ')) total[key] = rows.reduce((sum, row) => sum + row.figures[key]!, 0);
  return total;
};

/** The payment summary computed from payments' tables: every list of the month under the unit, its lines. */
async function expectedPaymentSummary(code: string, month: string) {
  const unit = await unitNamed(code);
  const rows = await sql(
    `select l.unit_id, u.code, u.full_name, upper(l.state) as state, d.id as district_id, d.code as district_code, d.full_name as district_name,
            count(pl.id) as lines, count(distinct pl.person_id) as persons, coalesce(sum(pl.total), 0) as planned,
            count(pl.id) filter (where pl.status = 'paid') as paid, coalesce(sum(pl.total) filter (where pl.status = 'paid'), 0) as paid_amount,
            count(pl.id) filter (where pl.status <> 'paid' and pl.hold_reason is null) as unpaid,
            coalesce(sum(pl.total) filter (where pl.status <> 'paid' and pl.hold_reason is null), 0) as unpaid_amount,
            count(pl.id) filter (where pl.hold_reason is not null) as held, coalesce(sum(pl.total) filter (where pl.hold_reason is not null), 0) as held_amount,
            count(pl.id) filter (where pl.status = 'paid' and pl.late) as late, coalesce(sum(pl.total) filter (where pl.status = 'paid' and pl.late), 0) as late_amount
       from payments.payment_lists l
       join registry.v_units u on u.id = l.unit_id
       left join registry.v_units d on d.id = u.parent_id and d.level = 'district'
       left join payments.payment_lines pl on pl.list_id = l.id
      where l.month = $2 and ${under('l.unit_id')}
      group by l.id, l.unit_id, u.code, u.full_name, l.state, d.id, d.code, d.full_name
      order by d.code nulls first, u.code`,
    [unit.id, month],
  );
  const communes = rows.map((row) => ({
    unit: { id: row.unit_id },
    unitCode: row.code,
    unitName: row.full_name,
    districtCode: row.district_code,
    listState: row.state,
    figures: {
      lines: Number(row.lines),
      persons: Number(row.persons),
      plannedAmount: Number(row.planned),
      paidLines: Number(row.paid),
      paidAmount: Number(row.paid_amount),
      unpaidLines: Number(row.unpaid),
      unpaidAmount: Number(row.unpaid_amount),
      heldLines: Number(row.held),
      heldAmount: Number(row.held_amount),
      paidLateLines: Number(row.late),
      paidLateAmount: Number(row.late_amount),
    },
  }));
  const districtIds = [
    ...new Set(rows.filter((row) => row.district_id).map((row) => row.district_id as string)),
  ];
  const districts = districtIds.map((districtId) => {
    const own = communes.filter((_commune, index) => rows[index]!.district_id === districtId);
    const first = rows.find((row) => row.district_id === districtId)!;
    return {
      unit: { id: districtId },
      unitCode: first.district_code,
      unitName: first.district_name,
      communes: own.length,
      figures: sumFigures(own),
    };
  });
  return {
    unit: { id: unit.id },
    unitCode: code,
    unitName: unit.fullName,
    month,
    communes,
    districts,
    total: sumFigures(communes),
  };
}

describe('paymentSummary (Tổng hợp chi trả)', () => {
  it('sums each paying commune of the province this month, and in total', async () => {
    const answer = await ask('tinh.42', PAYMENT_SUMMARY, { unitCode: '42', month: MONTH });
    expect(answer.errors).toBeUndefined();
    const expected = await expectedPaymentSummary('42', MONTH);
    expect(expected.communes.length).toBeGreaterThan(1);
    expect(expected.total.heldLines).toBeGreaterThan(0);
    expect(expected.total.paidLateLines).toBeGreaterThan(0);
    expect(answer.data!.paymentSummary).toEqual(expected);
    // Every line of the month under the province, counted once more without the lists.
    const [all] = await sql(
      `select count(*)::int as lines, coalesce(sum(total), 0)::bigint as amount from payments.payment_lines
        where month = $2 and ${under('unit_id')}`,
      [(await unitNamed('42')).id, MONTH],
    );
    expect(answer.data!.paymentSummary.total).toMatchObject({
      lines: all!.lines,
      plannedAmount: Number(all!.amount),
    });
    const { total } = answer.data!.paymentSummary;
    expect(total.plannedAmount).toBe(total.paidAmount + total.unpaidAmount + total.heldAmount);
  });

  it('reports a pre-reform month under the old communes that paid it, grouped by former district', async () => {
    const province = await ask('tinh.42', PAYMENT_SUMMARY, { unitCode: '42', month: PRE_REFORM });
    expect(province.errors).toBeUndefined();
    const expected = await expectedPaymentSummary('42', PRE_REFORM);
    expect(expected.districts.length).toBeGreaterThan(1);
    expect(expected.communes.every((commune) => commune.districtCode !== null)).toBe(true);
    expect(province.data!.paymentSummary).toEqual(expected);

    // The former district's own account, on its own communes.
    const district = await ask('huyen.436', PAYMENT_SUMMARY, { unitCode: '436', month: PRE_REFORM });
    expect(district.errors).toBeUndefined();
    const own = await expectedPaymentSummary('436', PRE_REFORM);
    expect(own.districts.map((row) => row.unitCode)).toEqual(['436']);
    expect(own.communes.length).toBeGreaterThan(1);
    expect(district.data!.paymentSummary).toEqual(own);

    // A current commune reads what the communes merged whole into it paid before the reform.
    const commune = await ask('xa.18073', PAYMENT_SUMMARY, { unitCode: '18073', month: PRE_REFORM });
    expect(commune.errors).toBeUndefined();
    const merged = await expectedPaymentSummary('18073', PRE_REFORM);
    expect(merged.communes.length).toBeGreaterThan(1);
    expect(commune.data!.paymentSummary).toEqual(merged);
    // Since the reform there are no districts, and nothing of the former district.
    const now = await ask('huyen.436', PAYMENT_SUMMARY, { unitCode: '436', month: MONTH });
    expect(now.data!.paymentSummary).toMatchObject({ communes: [], districts: [], total: { lines: 0 } });
  });

  it('answers a past month the same after a later payment changes, and the changed month moves', async () => {
    const before = await ask('tinh.42', PAYMENT_SUMMARY, { unitCode: '42', month: LAST_MONTH });
    const thisMonth = await ask('tinh.42', PAYMENT_SUMMARY, { unitCode: '42', month: MONTH });
    expect(before.errors).toBeUndefined();
    const [line] = await sql(
      `update payments.payment_lines set status = 'paid', paid_on = (now() at time zone 'Asia/Ho_Chi_Minh')::date, paid_at = now(), late = true
        where id = (select id from payments.payment_lines where month = $1 and status = 'pending' order by line_code limit 1)
        returning total`,
      [MONTH],
    );
    expect(line).toBeDefined();
    const after = await ask('tinh.42', PAYMENT_SUMMARY, { unitCode: '42', month: LAST_MONTH });
    expect(after.data).toEqual(before.data);
    expect(after.data!.paymentSummary).toEqual(await expectedPaymentSummary('42', LAST_MONTH));
    const moved = await ask('tinh.42', PAYMENT_SUMMARY, { unitCode: '42', month: MONTH });
    expect(moved.data!.paymentSummary).toEqual(await expectedPaymentSummary('42', MONTH));
    const was = thisMonth.data!.paymentSummary.total;
    expect(moved.data!.paymentSummary.total).toMatchObject({
      paidLines: was.paidLines + 1,
      paidAmount: was.paidAmount + Number(line!.total),
      unpaidLines: was.unpaidLines - 1,
      paidLateLines: was.paidLateLines + 1,
      plannedAmount: was.plannedAmount,
    });
  });
});

const CHANGE_FIELDS =
  'direction reasonCode reasonName categoryCode categoryName decisions persons amountBefore amountAfter amountChange';

const CHANGE_SUMMARY = `query ($unitCode: ID!, $month: String!) {
  entitlementChangeSummary(unitCode: $unitCode, month: $month) {
    unit { id } unitCode unitName month
    rows { ${CHANGE_FIELDS} }
    reasons { ${CHANGE_FIELDS} }
    directions { direction directionName decisions persons amountBefore amountAfter amountChange }
  }
}`;

type ChangeRow = {
  direction: string;
  reasonCode: string;
  categoryCode: string | null;
  decisions: number;
  persons: number;
  amountBefore: number;
  amountAfter: number;
};

const changeKey = (row: ChangeRow) => `${row.direction}|${row.reasonCode}|${row.categoryCode}`;
const byKey = (rows: ChangeRow[]) => [...rows].sort((a, b) => changeKey(a).localeCompare(changeKey(b)));

/**
 * The month's decisions of entitlements paid under the unit, from approvals' tables, with the amounts
 * approvals' ledger gives for the month before and the month (its own function, tested there); a
 * confidential category counted without its code for a reader without the right.
 */
async function expectedChanges(
  code: string,
  month: string,
  readsConfidential: boolean,
): Promise<ChangeRow[]> {
  const unit = await unitNamed(code);
  const rows = await sql(
    `select upper(case when d.kind in ('grant', 'resume', 'relocate-in', 'one-off') then 'increase'
                       when d.kind in ('suspend', 'stop', 'relocate-out') then 'decrease' else 'change' end) as direction,
            d.kind, case when c.confidential and not $3 then null else c.code end as category,
            count(*) as decisions, count(distinct e.person_id) as persons,
            coalesce(sum(approvals.entitlement_amount(e.id, to_char(to_date($2, 'YYYY-MM') - interval '1 month', 'YYYY-MM'))), 0) as before,
            coalesce(sum(approvals.entitlement_amount(e.id, $2)), 0) as after
       from approvals.decisions d
       join approvals.entitlements e on e.id = d.entitlement_id
       join approvals.categories c on c.id = d.category_id
      where d.effective_month = $2 and ${under('e.unit_id')}
      group by 1, 2, 3`,
    [unit.id, month, readsConfidential],
  );
  return byKey(
    rows.map((row) => ({
      direction: row.direction,
      reasonCode: row.kind,
      categoryCode: row.category,
      decisions: Number(row.decisions),
      persons: Number(row.persons),
      amountBefore: Number(row.before),
      amountAfter: Number(row.after),
    })),
  );
}

const changeRowsOf = (answer: { data?: Record<string, any> | null }): ChangeRow[] =>
  byKey(
    (answer.data!.entitlementChangeSummary.rows as (ChangeRow & Record<string, unknown>)[]).map((row) => ({
      direction: row.direction,
      reasonCode: row.reasonCode,
      categoryCode: row.categoryCode,
      decisions: row.decisions,
      persons: row.persons,
      amountBefore: row.amountBefore,
      amountAfter: row.amountAfter,
    })),
  );

describe('entitlementChangeSummary (Biến động tăng/giảm)', () => {
  it('counts the decisions taking effect in the month by reason and category, with the amounts before and after', async () => {
    for (const month of [MONTH, LAST_MONTH]) {
      const answer = await ask('tinh.42', CHANGE_SUMMARY, { unitCode: '42', month });
      expect(answer.errors).toBeUndefined();
      const expected = await expectedChanges('42', month, true);
      expect(expected.length).toBeGreaterThan(0);
      expect(changeRowsOf(answer)).toEqual(expected);
      const summary = answer.data!.entitlementChangeSummary;
      expect(summary).toMatchObject({ unitCode: '42', unitName: 'Tỉnh Hà Tĩnh', month });
      expect(summary.directions.map((row: { direction: string }) => row.direction)).toEqual([
        'INCREASE',
        'DECREASE',
        'CHANGE',
      ]);
      for (const direction of summary.directions) {
        const own = expected.filter((row) => row.direction === direction.direction);
        expect(direction.decisions).toBe(own.reduce((sum, row) => sum + row.decisions, 0));
        expect(direction.amountChange).toBe(
          own.reduce((sum, row) => sum + row.amountAfter - row.amountBefore, 0),
        );
      }
      for (const row of summary.rows) expect(row.reasonName).not.toMatch(/^Lý do khác/);
    }
    const [stops] = await sql(
      `select count(*)::int as n from approvals.decisions where kind = 'stop' and effective_month = $1`,
      [LAST_MONTH],
    );
    expect(stops!.n).toBeGreaterThan(0);
  });

  it('reports a pre-reform month under the former district whose communes paid it', async () => {
    const [month] = await sql(
      `select max(d.effective_month) as month from approvals.decisions d join approvals.entitlements e on e.id = d.entitlement_id
        where d.effective_month <= $2 and ${under('e.unit_id')}`,
      [(await unitNamed('436')).id, PRE_REFORM],
    );
    const answer = await ask('huyen.436', CHANGE_SUMMARY, { unitCode: '436', month: month!.month });
    expect(answer.errors).toBeUndefined();
    const expected = await expectedChanges('436', month!.month, false);
    expect(expected.length).toBeGreaterThan(0);
    expect(changeRowsOf(answer)).toEqual(expected);
  });

  it('answers a past month the same after a decision of a later month, and the later month moves', async () => {
    const before = await ask('tinh.42', CHANGE_SUMMARY, { unitCode: '42', month: LAST_MONTH });
    const [entitlement] = await sql(
      `select e.id from approvals.entitlements e join registry.v_units u on u.id = e.unit_id
        where u.code = '18652' and u.valid_to is null and e.status = 'active' and e.end_month is null
          and approvals.entitlement_amount(e.id, $1) is not null
          and not exists (select 1 from approvals.decisions d where d.entitlement_id = e.id and d.effective_month >= $2)
        order by e.id limit 1`,
      [MONTH, LAST_MONTH],
    );
    expect(entitlement).toBeDefined();
    await sql(
      `insert into approvals.decisions (entitlement_id, person_id, kind, number, decided_on, signing_unit_id, signer_name, effective_month,
                                        category_id, coefficient_hundredths, member_count, reason, recorded_by_id, recorded_by_name)
       select e.id, e.person_id, 'suspend', '901/QĐ-UBND', $3::date, e.unit_id, 'Chủ tịch (kiểm thử)', $2, e.category_id,
              e.coefficient_hundredths, e.member_count, 'Không đến nhận 3 tháng liên tục', 'test', 'test'
         from approvals.entitlements e where e.id = $1`,
      [entitlement!.id, MONTH, `${LAST_MONTH}-25`],
    );
    const after = await ask('tinh.42', CHANGE_SUMMARY, { unitCode: '42', month: LAST_MONTH });
    expect(after.data).toEqual(before.data);
    const moved = await ask('tinh.42', CHANGE_SUMMARY, { unitCode: '42', month: MONTH });
    const expected = await expectedChanges('42', MONTH, true);
    expect(changeRowsOf(moved)).toEqual(expected);
    const suspensions = moved.data!.entitlementChangeSummary.reasons.find(
      (row: { reasonCode: string }) => row.reasonCode === 'suspend',
    );
    expect(suspensions).toMatchObject({
      direction: 'DECREASE',
      reasonName: 'Tạm dừng hưởng',
      categoryName: 'Tất cả',
    });
    expect(suspensions.decisions).toBe(
      expected.filter((row) => row.reasonCode === 'suspend').reduce((sum, row) => sum + row.decisions, 0),
    );
    expect(suspensions.amountAfter).toBe(0);
  });

  it('counts a confidential category together as "Khác (bảo mật)" for a reader without the right, never by name', async () => {
    const thanhSen = await unitNamed('18073');
    const [person] = await sql(
      `select p.id from registry.persons p
        where p.residence_unit_id = $1 and p.status = 'living'
          and not exists (select 1 from approvals.entitlements e where e.person_id = p.id)
        order by p.id limit 1`,
      [thanhSen.id],
    );
    expect(person).toBeDefined();
    // Loaded straight into the table: approvals records its grant at commit (5.8: HIV, confidential).
    await sql(
      `insert into approvals.entitlements (id, person_id, unit_id, category_id, policy_group, coefficient_hundredths, start_month,
                                           decision_number, decision_date, status, created_at)
       select gen_random_uuid(), $1, $2, c.id, c.code, null, $3, '902/QĐ-UBND', $4::date, 'active', now()
         from approvals.categories c where c.program_id = 'decree-20' and c.code = '5.8'`,
      [person!.id, thanhSen.id, MONTH, `${LAST_MONTH}-26`],
    );
    const [hiv] = await sql(
      `select name from approvals.categories where program_id = 'decree-20' and code = '5.8'`,
    );

    const officer = await ask('tinh.42', CHANGE_SUMMARY, { unitCode: '42', month: MONTH });
    expect(changeRowsOf(officer)).toEqual(await expectedChanges('42', MONTH, true));
    expect(officer.data!.entitlementChangeSummary.rows).toContainEqual(
      expect.objectContaining({ reasonCode: 'grant', categoryCode: '5.8', categoryName: hiv!.name }),
    );

    const analyst = await ask('phantich.42', CHANGE_SUMMARY, { unitCode: '42', month: MONTH });
    expect(analyst.errors).toBeUndefined();
    expect(changeRowsOf(analyst)).toEqual(await expectedChanges('42', MONTH, false));
    expect(analyst.data!.entitlementChangeSummary.rows).toContainEqual(
      expect.objectContaining({
        reasonCode: 'grant',
        categoryCode: null,
        categoryName: 'Khác (bảo mật)',
        decisions: 1,
      }),
    );
    const shown = JSON.stringify(analyst.data);
    expect(shown).not.toContain('5.8');
    expect(shown).not.toContain(hiv!.name);
    expect(shown).not.toMatch(/HIV/i);
    // Kept in the totals: the same as the officer's.
    expect(analyst.data!.entitlementChangeSummary.directions).toEqual(
      officer.data!.entitlementChangeSummary.directions,
    );

    // The report hides them itself too, should a connection read them.
    const province = await unitNamed('42');
    const [scope] = await sql(`select scope_paths::text[] as paths from registry.v_units where id = $1`, [
      province.id,
    ]);
    const client = new pg.Client({ connectionString: seeded.database.url });
    await client.connect();
    try {
      const codes = (reads: boolean) =>
        inScopedReportingTransaction(client, province.path, true, async () =>
          (await entitlementChangeData(client, scope!.paths, MONTH, reads)).rows.map(
            (row) => row.categoryCode,
          ),
        );
      expect(await codes(true)).toContain('5.8');
      expect(await codes(false)).not.toContain('5.8');
      expect(await codes(false)).toContain(null);
    } finally {
      await client.end();
    }
  });
});

const R42_FIELDS = 'categoryCode categoryName lists people paid flagged amountListed amountPaid';
const R42_SUMMARY = `query ($unitCode: ID!) {
  resolution42SupportSummary(unitCode: $unitCode) {
    unit { id } unitCode unitName fromMonth toMonth
    groups { ${R42_FIELDS} }
    people rows paid flagged amountListed amountPaid
    severalGroups { people paidOnce paidMoreThanOnce paidElsewhere flaggedRows }
  }
}`;

/** The Resolution 42 summary from approvals' tables: rows of the persons' communes under the unit, people by human key. */
async function expectedR42(code: string) {
  const unit = await unitNamed(code);
  const groups = await sql(
    `select c.code, c.name, count(distinct l.id) as lists, count(distinct r.human_key) as people,
            count(r.id) filter (where r.outcome = 'paid') as paid, count(r.id) filter (where r.outcome = 'flagged') as flagged,
            coalesce(sum(r.amount), 0) as listed, coalesce(sum(r.amount) filter (where r.outcome = 'paid'), 0) as amount_paid
       from approvals.categories c
       left join (approvals.r42_list_rows r join approvals.r42_lists l on l.id = r.list_id)
         on l.category_id = c.id and ${under('r.unit_id')}
      where c.program_id = 'resolution-42'
      group by c.id, c.code, c.name, c.fixed_amount
      order by c.fixed_amount desc, c.code`,
    [unit.id],
  );
  const [people] = await sql(
    `with humans as (
       select r.human_key, count(distinct l.category_id) as groups, count(*) filter (where r.outcome = 'paid') as paid,
              count(*) filter (where r.outcome = 'flagged') as flagged
         from approvals.r42_list_rows r join approvals.r42_lists l on l.id = r.list_id
        where ${under('r.unit_id')} group by r.human_key)
     select count(*)::int as people, count(*) filter (where groups > 1)::int as several,
            count(*) filter (where groups > 1 and paid = 1)::int as paid_once, count(*) filter (where groups > 1 and paid > 1)::int as paid_more,
            count(*) filter (where groups > 1 and paid = 0)::int as elsewhere, coalesce(sum(flagged) filter (where groups > 1), 0)::int as flagged
       from humans`,
    [unit.id],
  );
  const [program] = await sql(
    `select valid_from_month, valid_to_month from approvals.programs where id = 'resolution-42'`,
  );
  const figures = groups.map((row) => ({
    categoryCode: row.code,
    categoryName: row.name,
    lists: Number(row.lists),
    people: Number(row.people),
    paid: Number(row.paid),
    flagged: Number(row.flagged),
    amountListed: Number(row.listed),
    amountPaid: Number(row.amount_paid),
  }));
  const sum = (key: 'paid' | 'flagged' | 'amountListed' | 'amountPaid') =>
    figures.reduce((total, group) => total + group[key], 0);
  return {
    unit: { id: unit.id },
    unitCode: code,
    unitName: unit.fullName,
    fromMonth: program!.valid_from_month,
    toMonth: program!.valid_to_month,
    groups: figures,
    people: people!.people,
    rows: sum('paid') + sum('flagged'),
    paid: sum('paid'),
    flagged: sum('flagged'),
    amountListed: sum('amountListed'),
    amountPaid: sum('amountPaid'),
    severalGroups: {
      people: people!.several,
      paidOnce: people!.paid_once,
      paidMoreThanOnce: people!.paid_more,
      paidElsewhere: people!.elsewhere,
      flaggedRows: people!.flagged,
    },
  };
}

describe('resolution42SupportSummary (Tổng hợp hỗ trợ theo Nghị quyết 42)', () => {
  it('counts people and amounts per group, and the people in several groups paid once', async () => {
    for (const [username, code] of [
      ['tinh.42', '42'],
      ['xa.18073', '18073'],
    ] as const) {
      const answer = await ask(username, R42_SUMMARY, { unitCode: code });
      expect(answer.errors).toBeUndefined();
      const expected = await expectedR42(code);
      expect(expected.severalGroups.people).toBeGreaterThan(0);
      expect(expected.flagged).toBeGreaterThan(0);
      expect(expected.groups.length).toBe(6);
      expect(answer.data!.resolution42SupportSummary).toEqual(expected);
      expect(expected.people).toBeLessThan(expected.rows);
    }
  });

  it('shows every group with zeros for a unit without lists', async () => {
    const answer = await ask('xa.18229', R42_SUMMARY, { unitCode: '18229' });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.resolution42SupportSummary).toEqual(await expectedR42('18229'));
    expect(answer.data!.resolution42SupportSummary).toMatchObject({ people: 0, rows: 0, amountPaid: 0 });
  });

  it('publishes v_r42_rows without names or ID numbers, scoped to the reader, its key out of reach', async () => {
    const client = new pg.Client({ connectionString: seeded.database.url });
    await client.connect();
    try {
      const count = async (code: string) => {
        const unit = await unitNamed(code);
        return inScopedReportingTransaction(client, unit.path, false, async () => {
          const { rows } = await client.query<{ n: number }>(
            'select count(*)::int as n from approvals.v_r42_rows',
          );
          return rows[0]!.n;
        });
      };
      const [all] = await sql(
        `select count(*)::int as n from approvals.r42_list_rows where ${under('unit_id')}`,
        [(await unitNamed('18073')).id],
      );
      expect(all!.n).toBeGreaterThan(0);
      expect(await count('18073')).toBe(all!.n);
      expect(await count('18229')).toBe(0);
      const columns = await sql(
        `select column_name from information_schema.columns where table_schema = 'approvals' and table_name = 'v_r42_rows'`,
      );
      const names = columns.map((row) => row.column_name as string);
      expect(names).toEqual(
        expect.arrayContaining([
          'row_id',
          'list_id',
          'category_code',
          'unit_id',
          'amount',
          'outcome',
          'person_key',
        ]),
      );
      for (const personal of [
        'full_name',
        'name_folded',
        'citizen_id',
        'birth_date',
        'birth_year',
        'name_key',
        'human_key',
      ])
        expect(names).not.toContain(personal);
      // One key per human (as approvals matches them), none of which shows a CCCD.
      const [humans] = await sql(
        `select count(distinct human_key)::int as n from approvals.r42_list_rows where ${under('unit_id')}`,
        [(await unitNamed('18073')).id],
      );
      const keys = await inScopedReportingTransaction(
        client,
        (await unitNamed('18073')).path,
        false,
        async () => {
          const { rows } = await client.query<{ person_key: string }>(
            'select distinct person_key from approvals.v_r42_rows',
          );
          return rows.map((row) => row.person_key);
        },
      );
      expect(keys).toHaveLength(humans!.n);
      for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/);
      await expect(
        inScopedReportingTransaction(client, (await unitNamed('42')).path, false, () =>
          client.query('select salt from approvals.r42_person_key_salt'),
        ),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
  });
});

/** `work` on `client` in one transaction scoped as the reporting subgraph's requests of a unit are. */
async function inScopedReportingTransaction<T>(
  client: pg.Client,
  path: string,
  readConfidential: boolean,
  work: () => Promise<T>,
): Promise<T> {
  const { role, variables } = scopeSessionContext(REPORTING_SCHEMA, path, undefined, { readConfidential });
  await client.query('begin');
  try {
    for (const [name, value] of Object.entries(variables))
      await client.query('select set_config($1, $2, true)', [name, value]);
    await client.query(`set local role ${role}`);
    return await work();
  } finally {
    await client.query('rollback');
  }
}

describe('scope and input', () => {
  const queries = [
    [PAYMENT_SUMMARY, { month: MONTH }],
    [CHANGE_SUMMARY, { month: MONTH }],
    [R42_SUMMARY, {}],
  ] as const;

  it('refuses a unit outside the caller’s scope, and a caller without report:read', async () => {
    for (const [query, variables] of queries) {
      for (const [username, unitCode] of [
        ['huyen.436', '18073'],
        ['xa.18229', '42'],
        ['xa.18073', '18229'],
      ] as const) {
        const answer = await ask(username, query, { ...variables, unitCode });
        expect(errorOf(answer)?.code).toBe('FORBIDDEN');
        expect(answer.data).toBeNull();
      }
      const system = await graphql(seeded.subgraph.url, query, {
        token: await provinceSystemToken(),
        variables: { ...variables, unitCode: '42' },
      });
      expect(errorOf(system)?.code).toBe('FORBIDDEN');
    }
  });

  it('refuses a malformed month, a month too far, an unknown unit and a malformed code', async () => {
    for (const query of [PAYMENT_SUMMARY, CHANGE_SUMMARY]) {
      for (const month of ['2026-1', '12/2026', addMonths(MONTH, 2), addMonths(MONTH, -121)]) {
        const answer = await ask('tinh.42', query, { unitCode: '42', month });
        expect(errorOf(answer)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
      }
    }
    for (const [query, variables] of queries) {
      const unknown = await ask('tinh.42', query, { ...variables, unitCode: '99999' });
      expect(errorOf(unknown)?.code).toBe('NOT_FOUND');
      const malformed = await ask('tinh.42', query, { ...variables, unitCode: "42' or 1=1" });
      expect(errorOf(malformed)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitCode' });
    }
  });
});

/** A report's table, read as an export job of the unit's owner reads it, rows collected. */
async function exportTable(
  read: (client: pg.ClientBase, signal: AbortSignal) => Promise<ReportTable>,
  path: string,
  readConfidential: boolean,
): Promise<ReportTable & { rows: ReportRow[] }> {
  const pool = new pg.Pool({ connectionString: seeded.database.url, max: 2 });
  try {
    return await inScopedTransaction(
      pool,
      scopeSessionContext(REPORTING_SCHEMA, path, undefined, { readConfidential }),
      async (client) => {
        const table = await read(client, new AbortController().signal);
        const rows: ReportRow[] = [];
        for await (const row of table.rows) rows.push(row);
        return { ...table, rows };
      },
    );
  } finally {
    await pool.end();
  }
}

describe('export definitions', () => {
  it('check the arguments each report takes and refuse the others', async () => {
    const session = undefined as never;
    expect(await paymentSummaryReport.check({ unitCode: '42', month: MONTH }, session)).toEqual({
      unitCode: '42',
      month: MONTH,
    });
    for (const [args, field] of [
      [{ unitCode: '42' }, 'month'],
      [{ unitCode: '42', month: addMonths(MONTH, 3) }, 'month'],
      [{ unitCode: '42', month: MONTH, fromMonth: MONTH }, 'fromMonth'],
      [{ unitCode: '42', month: MONTH, options: { groupBy: 'unit' } }, 'options'],
    ] as const) {
      for (const report of [paymentSummaryReport, entitlementChangesReport])
        expect(() => report.check(args, session)).toThrow(
          expect.objectContaining({ code: 'BAD_USER_INPUT', field: `input.${field}` }),
        );
    }
    expect(() => resolution42SummaryReport.check({ unitCode: '42', month: MONTH }, session)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.month' }),
    );
  });

  it('give the screen’s figures as tables titled with the unit’s full name and the period, summed by their totals row', async () => {
    const province = await unitNamed('42');
    const summary = (await ask('tinh.42', PAYMENT_SUMMARY, { unitCode: '42', month: PRE_REFORM })).data!
      .paymentSummary;
    const payments = await exportTable(
      (client, signal) => paymentSummaryReport.table(client, { unitCode: '42', month: PRE_REFORM }, signal),
      province.path,
      false,
    );
    expect(payments.title).toBe('Tổng hợp chi trả trợ cấp xã hội hằng tháng tháng 06/2025 – Tỉnh Hà Tĩnh');
    expect(payments.subtitle).toBe('Đơn vị: Tỉnh Hà Tĩnh · Kỳ: 06/2025');
    expect(payments.columns[0]).toMatchObject({ key: 'district', kind: 'text' });
    expect(payments.columns.find((column) => column.key === 'paidAmount')).toMatchObject({
      kind: 'vnd',
      total: true,
    });
    expect(payments.columns.find((column) => column.key === 'lines')).toMatchObject({
      kind: 'integer',
      total: true,
    });
    expect(payments.rows).toEqual(
      summary.communes.map((commune: { unitCode: string; figures: Figures }) =>
        expect.objectContaining({ unitCode: commune.unitCode, ...commune.figures }),
      ),
    );
    for (const column of payments.columns.filter((column) => column.total))
      expect(payments.rows.reduce((sum, row) => sum + Number(row[column.key]), 0)).toBe(
        summary.total[column.key],
      );

    const former = await unitNamed('436');
    const district = await exportTable(
      (client, signal) => paymentSummaryReport.table(client, { unitCode: '436', month: PRE_REFORM }, signal),
      former.path,
      false,
    );
    expect(district.subtitle).toBe('Đơn vị: Thành phố Hà Tĩnh, Tỉnh Hà Tĩnh (đến 30/06/2025) · Kỳ: 06/2025');

    const changes = await exportTable(
      (client, signal) => entitlementChangesReport.table(client, { unitCode: '42', month: MONTH }, signal),
      province.path,
      false,
    );
    const analyst = (await ask('phantich.42', CHANGE_SUMMARY, { unitCode: '42', month: MONTH })).data!
      .entitlementChangeSummary;
    expect(changes.title).toBe(
      `Tổng hợp biến động tăng, giảm đối tượng hưởng trợ cấp xã hội hằng tháng tháng ${MONTH.slice(5)}/${MONTH.slice(0, 4)} – Tỉnh Hà Tĩnh`,
    );
    expect(changes.rows.map((row) => [row.reasonName, row.decisions, row.amountChange])).toEqual(
      analyst.rows.map((row: Record<string, unknown>) => [row.reasonName, row.decisions, row.amountChange]),
    );
    expect(JSON.stringify(changes.rows)).not.toContain('5.8');

    const thanhSen = await unitNamed('18073');
    const r42 = await exportTable(
      (client, signal) => resolution42SummaryReport.table(client, { unitCode: '18073' }, signal),
      thanhSen.path,
      false,
    );
    const expected = await expectedR42('18073');
    expect(r42.subtitle).toBe(
      `Đơn vị: Phường Thành Sen, Tỉnh Hà Tĩnh · Kỳ: 04/2020 – 06/2020 · Số người (không trùng): ${expected.people}; thuộc nhiều nhóm: ${expected.severalGroups.people} (được hỗ trợ một lần: ${expected.severalGroups.paidOnce}; dòng không hỗ trợ: ${expected.severalGroups.flaggedRows})`,
    );
    expect(r42.rows).toEqual(expected.groups.map((group) => expect.objectContaining(group)));
  });
});

const EXPORT = `mutation ($input: ReportExportInput!) { exportReport(input: $input) { id state } }`;

/** An export through `exportReport`, followed to its end and downloaded as the caller would. */
async function exportedFile(username: string, input: Record<string, unknown>): Promise<Buffer> {
  const token = await tokenFor(username);
  const answer = await graphql(seeded.subgraph.url, EXPORT, { token, variables: { input } });
  expect(answer.errors).toBeUndefined();
  const job = await followJob(seeded.subgraph.url, token, answer.data!.exportReport.id, 'reportExport');
  expect(job).toMatchObject({ state: 'DONE', error: null });
  const file = await download(
    seeded.subgraph.url,
    token,
    (job.reportExport as { file: { url: string } }).file.url,
  );
  expect(file.status).toBe(200);
  return file.bytes;
}

describe('exported files', () => {
  it('writes the payment summary of a pre-reform month as XLSX: title, districts, figures and totals', async () => {
    const expected = await expectedPaymentSummary('42', PRE_REFORM);
    const rows = await xlsxRows(
      await exportedFile('tinh.42', {
        report: 'payment-summary',
        format: 'XLSX',
        unitCode: '42',
        month: PRE_REFORM,
      }),
    );
    expect(rows[0]![0]).toBe('Tổng hợp chi trả trợ cấp xã hội hằng tháng tháng 06/2025 – Tỉnh Hà Tĩnh');
    expect(rows[1]![0]).toBe('Đơn vị: Tỉnh Hà Tĩnh · Kỳ: 06/2025');
    expect(rows[3]!.slice(0, 7)).toEqual([
      'Quận/huyện',
      'Mã đơn vị',
      'Đơn vị chi trả',
      'Trạng thái danh sách',
      'Số dòng',
      'Số người',
      'Số tiền phải chi',
    ]);
    const districtOf = new Map(expected.districts.map((district) => [district.unitCode, district.unitName]));
    const data = rows.slice(4, 4 + expected.communes.length);
    expect(data.map((row) => [row[0], row[2], row[4], row[6], row[8]])).toEqual(
      expected.communes.map((commune) => [
        `${commune.districtCode} ${districtOf.get(commune.districtCode)}`,
        commune.unitName,
        commune.figures.lines,
        commune.figures.plannedAmount,
        commune.figures.paidAmount,
      ]),
    );
    expect(rows[4 + expected.communes.length]!.slice(0, 1)).toEqual(['Tổng cộng']);
    expect(rows[4 + expected.communes.length]!.slice(4, 9)).toEqual([
      expected.total.lines,
      expected.total.persons,
      expected.total.plannedAmount,
      expected.total.paidLines,
      expected.total.paidAmount,
    ]);
  });

  it('writes the increases and decreases as CSV for an analyst, confidential groups unnamed', async () => {
    const expected = await expectedChanges('42', MONTH, false);
    const lines = csvRows(
      await exportedFile('phantich.42', {
        report: 'entitlement-changes',
        format: 'CSV',
        unitCode: '42',
        month: MONTH,
      }),
    );
    expect(lines[0]).toEqual([
      'Biến động',
      'Lý do',
      'Nhóm đối tượng',
      'Số quyết định',
      'Số người',
      'Mức hưởng tháng trước',
      'Mức hưởng trong tháng',
      'Chênh lệch',
    ]);
    const data = lines.slice(1, 1 + expected.length);
    expect(data.map((line) => line[1])).toContain('Tạm dừng hưởng');
    expect(data.map((line) => line[2])).toContain('Khác (bảo mật)');
    const [hiv] = await sql(
      `select name from approvals.categories where program_id = 'decree-20' and code = '5.8'`,
    );
    expect(lines.flat().join(' ')).not.toContain('5.8 ');
    expect(lines.flat().join(' ')).not.toContain(hiv!.name);
    const total = lines[1 + expected.length]!;
    expect(total[0]).toBe('Tổng cộng');
    expect(total.slice(3)).toEqual(
      [
        expected.reduce((sum, row) => sum + row.decisions, 0),
        expected.reduce((sum, row) => sum + row.persons, 0),
        expected.reduce((sum, row) => sum + row.amountBefore, 0),
        expected.reduce((sum, row) => sum + row.amountAfter, 0),
        expected.reduce((sum, row) => sum + row.amountAfter - row.amountBefore, 0),
      ].map(String),
    );
  });

  it('writes the Resolution 42 summary as PDF with the groups’ Vietnamese names and amounts', async () => {
    const expected = await expectedR42('18073');
    const text = await pdfText(
      await exportedFile('xa.18073', { report: 'resolution-42-summary', format: 'PDF', unitCode: '18073' }),
    );
    expect(text).toContain('Nghị quyết 42/NQ-CP');
    expect(text).toContain('Phường Thành Sen');
    for (const group of expected.groups.filter((row) => row.lists > 0)) {
      expect(text).toContain(vnd(group.amountPaid));
    }
    expect(text).toContain('Thành viên hộ nghèo, hộ cận nghèo');
    expect(text).toContain(vnd(expected.amountPaid));
    expect(text).toContain('Tổng cộng');
  });
});
