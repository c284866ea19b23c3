import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addMonths, currentMonth } from '@ansinh/common';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { graphql, sqlRows, startSeededSubgraph, tokenFor, type SeededSubgraph } from '@ansinh/tests/support';
import { reportingSubgraph } from '../src/index.ts';
import { ageBandOf, ageBandSql, ageInMonth } from '../src/statistics/age-band.rules.ts';

let seeded: SeededSubgraph;

beforeAll(async () => {
  seeded = await startSeededSubgraph(reportingSubgraph);
});

afterAll(() => seeded?.stop());

const sql = (text: string, params: unknown[] = []) => sqlRows(seeded.database.url, text, params);

const STATS = `query ($input: StatsInput!) {
  stats(input: $input) {
    rows { unit { id } unitCode unitName program category gender ageBand month channel paymentStatus
           beneficiaries amountDue increases decreases paymentLines paymentPersons planned paid unpaid paidLate }
    totals { beneficiaries amountDue paymentLines planned paid unpaid }
    fromMonth toMonth includesConfidential
  }
}`;

async function stats(user: string, input: Record<string, unknown>) {
  return graphql(seeded.subgraph.url, STATS, { token: await tokenFor(user), variables: { input } });
}

const PAYMENT_MEASURES = ['PAYMENT_LINES', 'PAYMENT_PERSONS', 'PLANNED', 'PAID', 'UNPAID', 'PAID_LATE'];

/** Payment figures per recorded unit for a month, from the payment lines themselves. */
async function paymentsByUnit(month: string, provinceCode = '42') {
  const rows = await sql(
    `select u.code, count(*)::int as lines, count(distinct l.person_id)::int as persons, sum(l.total)::bigint as planned,
            coalesce(sum(l.total) filter (where l.status = 'paid'), 0)::bigint as paid,
            coalesce(sum(l.total) filter (where l.status <> 'paid'), 0)::bigint as unpaid,
            (count(*) filter (where l.status = 'paid' and l.late))::int as late
       from payments.payment_lines l join registry.administrative_units u on u.id = l.unit_id
      where l.month = $1 and u.path <@ (select array_agg(path) from registry.administrative_units where code = $2 and level = 'province')
      group by u.code order by u.code`,
    [month, provinceCode],
  );
  return rows.map((row) => ({
    unitCode: row.code,
    paymentLines: Number(row.lines),
    paymentPersons: Number(row.persons),
    planned: Number(row.planned),
    paid: Number(row.paid),
    unpaid: Number(row.unpaid),
    paidLate: Number(row.late),
  }));
}

/** Ledger figures per recorded unit for a month, from the ledger's own function over every entitlement. */
async function ledgerByUnit(month: string) {
  const rows = await sql(
    `with due as (
       select e.id, e.person_id, e.unit_id, approvals.entitlement_amount(e.id, $1) as amount
         from approvals.entitlements e join approvals.categories c on c.id = e.category_id
        where c.payment = 'monthly' and e.start_month <= $1
     )
     select u.code, count(distinct due.person_id)::int as persons, sum(due.amount)::bigint as amount
       from due join registry.administrative_units u on u.id = due.unit_id
      where due.amount is not null group by u.code order by u.code`,
    [month],
  );
  return rows.map((row) => ({
    unitCode: row.code,
    beneficiaries: Number(row.persons),
    amountDue: Number(row.amount),
  }));
}

describe('stats', () => {
  it('answers the payment figures of each commune as recorded, equal to the payment lines', async () => {
    const month = addMonths(currentMonth(), -2);
    const answer = await stats('tinh.42', {
      groupBy: ['UNIT'],
      filter: { fromMonth: month },
      measures: PAYMENT_MEASURES,
      unitLevel: 'COMMUNE',
      unitEra: 'RECORDED',
    });
    expect(answer.errors).toBeUndefined();
    const expected = await paymentsByUnit(month);
    expect(expected.length).toBeGreaterThan(1);
    const rows = answer.data!.stats.rows.map(
      ({
        unitCode,
        paymentLines,
        paymentPersons,
        planned,
        paid,
        unpaid,
        paidLate,
      }: Record<string, unknown>) => ({
        unitCode,
        paymentLines,
        paymentPersons,
        planned,
        paid,
        unpaid,
        paidLate,
      }),
    );
    expect(rows).toEqual(expected);
    expect(answer.data!.stats.totals.planned).toBe(expected.reduce((sum, row) => sum + row.planned, 0));
  });

  it('answers the ledger of a month before the reform under the old communes, and rolls it up today', async () => {
    const month = '2025-03';
    const recorded = await stats('tinh.42', {
      groupBy: ['UNIT'],
      filter: { fromMonth: month },
      measures: ['BENEFICIARIES', 'AMOUNT_DUE'],
      unitLevel: 'COMMUNE',
      unitEra: 'RECORDED',
    });
    expect(recorded.errors).toBeUndefined();
    const expected = await ledgerByUnit(month);
    expect(expected.length).toBeGreaterThan(1);
    expect(
      recorded.data!.stats.rows.map(({ unitCode, beneficiaries, amountDue }: Record<string, unknown>) => ({
        unitCode,
        beneficiaries,
        amountDue,
      })),
    ).toEqual(expected);

    // Today's structure: the old district 436's communes merged whole into today's communes, and the old
    // province into today's province.
    const byProvince = await stats('tinh.42', {
      groupBy: ['UNIT'],
      filter: { fromMonth: month },
      measures: ['BENEFICIARIES', 'AMOUNT_DUE'],
      unitLevel: 'PROVINCE',
      unitEra: 'CURRENT',
    });
    expect(byProvince.errors).toBeUndefined();
    expect(byProvince.data!.stats.rows).toHaveLength(1);
    expect(byProvince.data!.stats.rows[0]).toMatchObject({
      unitCode: '42',
      beneficiaries: expected.reduce((sum, row) => sum + row.beneficiaries, 0),
      amountDue: expected.reduce((sum, row) => sum + row.amountDue, 0),
    });
    const [today] = await sql(
      `select id from registry.administrative_units where code = '42' and valid_to is null`,
    );
    expect(byProvince.data!.stats.rows[0].unit.id).toBe(today!.id);

    const byDistrict = await stats('tinh.42', {
      groupBy: ['UNIT'],
      filter: { fromMonth: month },
      measures: ['BENEFICIARIES'],
      unitLevel: 'DISTRICT',
      unitEra: 'RECORDED',
    });
    expect(byDistrict.errors).toBeUndefined();
    expect(byDistrict.data!.stats.rows.map((row: { unitCode: string }) => row.unitCode)).toContain('436');

    // Today's commune 18073 took over the old communes 18073 and 18077 whole: what they paid is its own.
    const current = await stats('xa.18073', {
      groupBy: ['UNIT'],
      filter: { fromMonth: month },
      measures: ['PAYMENT_LINES', 'PLANNED'],
      unitLevel: 'COMMUNE',
      unitEra: 'CURRENT',
    });
    expect(current.errors).toBeUndefined();
    const paid = (await paymentsByUnit(month)).filter(
      (row) => row.unitCode === '18073' || row.unitCode === '18077',
    );
    expect(paid).toHaveLength(2);
    expect(current.data!.stats.rows).toEqual([
      expect.objectContaining({
        unitCode: '18073',
        paymentLines: paid[0]!.paymentLines + paid[1]!.paymentLines,
        planned: paid[0]!.planned + paid[1]!.planned,
      }),
    ]);
  });

  it('breaks figures down by gender, age band, category, channel and status, adding up to the totals', async () => {
    const month = addMonths(currentMonth(), -1);
    const answer = await stats('tinh.42', {
      groupBy: ['GENDER', 'AGE_BAND', 'CATEGORY'],
      filter: { fromMonth: month },
      measures: ['BENEFICIARIES', 'AMOUNT_DUE'],
    });
    expect(answer.errors).toBeUndefined();
    const rows = answer.data!.stats.rows as { beneficiaries: number; amountDue: number; category: string }[];
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.reduce((sum, row) => sum + row.beneficiaries, 0)).toBe(
      answer.data!.stats.totals.beneficiaries,
    );
    expect(rows.reduce((sum, row) => sum + row.amountDue, 0)).toBe(answer.data!.stats.totals.amountDue);
    const [female] = await sql(
      `select count(distinct e.person_id)::int as persons from approvals.entitlements e
         join approvals.categories c on c.id = e.category_id join registry.persons p on p.id = e.person_id
        where c.payment = 'monthly' and p.gender = 'female' and approvals.entitlement_amount(e.id, $1) is not null`,
      [month],
    );
    expect(
      rows
        .filter((row) => (row as unknown as { gender: string }).gender === 'FEMALE')
        .reduce((sum, row) => sum + row.beneficiaries, 0),
    ).toBe(Number(female!.persons));

    const byChannel = await stats('tinh.42', {
      groupBy: ['CHANNEL', 'PAYMENT_STATUS'],
      filter: { fromMonth: month, channels: ['cash', 'bank'] },
      measures: ['PAYMENT_LINES', 'PAID'],
    });
    expect(byChannel.errors).toBeUndefined();
    const [lines] = await sql(
      `select count(*)::int as lines from payments.payment_lines where month = $1 and channel in ('cash', 'bank')`,
      [month],
    );
    expect(
      (byChannel.data!.stats.rows as { paymentLines: number }[]).reduce(
        (sum, row) => sum + row.paymentLines,
        0,
      ),
    ).toBe(Number(lines!.lines));
  });

  it('keeps a past month as it was and moves the month a payment, a fact or a level changes', async () => {
    const month = currentMonth();
    const past = addMonths(month, -3);
    const ask = (fromMonth: string) =>
      stats('tinh.42', { groupBy: [], filter: { fromMonth }, measures: ['PAID', 'UNPAID'] });
    const before = (await ask(month)).data!.stats.totals;
    const pastBefore = (await ask(past)).data!.stats.totals;

    const [line] = await sql(
      `update payments.payment_lines set status = 'paid', paid_on = current_date, paid_at = now()
        where id = (select l.id from payments.payment_lines l join payments.payment_lists p on p.id = l.list_id
                     where l.month = $1 and l.status = 'pending' and p.state = 'paying' and l.total > 0 limit 1)
        returning total`,
      [month],
    );
    expect(line).toBeDefined();
    const after = (await ask(month)).data!.stats.totals;
    expect(after.paid).toBe(before.paid + Number(line!.total));
    expect(after.unpaid).toBe(before.unpaid - Number(line!.total));
    expect((await ask(past)).data!.stats.totals).toEqual(pastBefore);

    // A corrected gender moves the person between the groups of every month they were counted in.
    const byGender = async (fromMonth: string) => {
      const answer = await stats('tinh.42', {
        groupBy: ['GENDER'],
        filter: { fromMonth },
        measures: ['BENEFICIARIES'],
      });
      return Object.fromEntries(
        (answer.data!.stats.rows as { gender: string; beneficiaries: number }[]).map((row) => [
          row.gender,
          row.beneficiaries,
        ]),
      );
    };
    const genderBefore = await byGender(past);
    const [person] = await sql(
      `update registry.persons set gender = 'female'
        where id = (select e.person_id from approvals.entitlements e join registry.persons p on p.id = e.person_id
                     where p.gender = 'male' and approvals.entitlement_amount(e.id, $1) is not null
                       and e.category_id in (select id from approvals.categories where payment = 'monthly') limit 1)
        returning id`,
      [past],
    );
    expect(person).toBeDefined();
    const genderAfter = await byGender(past);
    expect(genderAfter.MALE).toBe(genderBefore.MALE! - 1);
    expect(genderAfter.FEMALE).toBe(genderBefore.FEMALE! + 1);

    // A higher standard level from this month: this month's amounts move, the past month's do not.
    const due = (fromMonth: string) =>
      stats('tinh.42', { groupBy: [], filter: { fromMonth }, measures: ['AMOUNT_DUE', 'BENEFICIARIES'] });
    const dueBefore = (await due(month)).data!.stats.totals;
    const duePast = (await due(past)).data!.stats.totals;
    await sql(
      `insert into approvals.standard_levels (valid_from_month, province_code, amount, legal_basis)
       values ($1, '42', 600000, 'Kiểm thử: mức chuẩn của tỉnh')`,
      [month],
    );
    const [expected] = await sql(
      `select sum(approvals.entitlement_amount(e.id, $1))::bigint as amount from approvals.entitlements e
         join approvals.categories c on c.id = e.category_id where c.payment = 'monthly'`,
      [month],
    );
    const dueAfter = (await due(month)).data!.stats.totals;
    expect(dueAfter.amountDue).toBe(Number(expected!.amount));
    expect(dueAfter.amountDue).toBeGreaterThan(dueBefore.amountDue);
    expect((await due(past)).data!.stats.totals).toEqual(duePast);
  });

  it('leaves confidential categories out for a role without the right, totals included', async () => {
    const month = addMonths(currentMonth(), -1);
    const ask = (user: string) =>
      stats(user, { groupBy: ['CATEGORY'], filter: { fromMonth: month }, measures: ['BENEFICIARIES'] });
    const analystBefore = (await ask('phantich.42')).data!.stats;
    expect(analystBefore.includesConfidential).toBe(false);
    const [category] = await sql(
      `update approvals.categories set confidential = true where code = '5.1' and program_id = 'decree-20' returning id`,
    );
    expect(category).toBeDefined();
    const admin = (await ask('tinh.42')).data!.stats;
    const analyst = (await ask('phantich.42')).data!.stats;
    const confidentialRow = admin.rows.find((row: { category: string }) => row.category === '5.1');
    expect(confidentialRow.beneficiaries).toBeGreaterThan(0);
    expect(admin.includesConfidential).toBe(true);
    expect(analyst.rows.map((row: { category: string }) => row.category)).not.toContain('5.1');
    expect(analyst.totals.beneficiaries).toBe(
      analystBefore.totals.beneficiaries - confidentialRow.beneficiaries,
    );
    await sql(`update approvals.categories set confidential = false where id = $1`, [category!.id]);
  });

  it('refuses out-of-scope units, wrong combinations and unbounded requests', async () => {
    const month = currentMonth();
    const refusal = async (user: string, input: Record<string, unknown>) =>
      (await stats(user, input)).errors?.[0]?.extensions;
    expect(
      await refusal('xa.18229', {
        groupBy: [],
        filter: { unitCode: '18073', fromMonth: month },
        measures: ['PAID'],
      }),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await refusal('tinh.42', {
        groupBy: [],
        filter: { unitCode: '01', fromMonth: month },
        measures: ['PAID'],
      }),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await refusal('tinh.42', {
        groupBy: ['CHANNEL'],
        filter: { fromMonth: month },
        measures: ['BENEFICIARIES'],
      }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.measures' });
    expect(
      await refusal('tinh.42', {
        groupBy: [],
        filter: { fromMonth: '2020-01', toMonth: month },
        measures: ['PAID'],
      }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.filter.toMonth' });
    expect(
      await refusal('tinh.42', { groupBy: [], filter: { fromMonth: '2026-13' }, measures: ['PAID'] }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.filter.fromMonth' });
    expect(
      await refusal('tinh.42', {
        groupBy: ['UNIT'],
        filter: { fromMonth: month },
        measures: ['PAID'],
        unitLevel: 'DISTRICT',
        unitEra: 'CURRENT',
      }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.unitLevel' });
    expect(
      await refusal('tinh.42', {
        groupBy: [],
        filter: { fromMonth: month, channels: ['cash', "x'); drop table reporting.payment_cells; --"] },
        measures: ['PAID'],
      }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.filter.channels' });
    expect(
      await refusal('tinh.42', {
        groupBy: ['UNIT', 'GENDER', 'AGE_BAND', 'MONTH', 'CATEGORY'],
        filter: { fromMonth: month },
        measures: ['PAID'],
      }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.groupBy' });
    const anonymous = await graphql(seeded.subgraph.url, STATS, {
      variables: { input: { groupBy: [], filter: { fromMonth: month }, measures: ['PAID'] } },
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('computes age bands in SQL as the rule does', async () => {
    const cases = [
      { month: '2026-03', year: 1946, birthMonth: 4 },
      { month: '2026-04', year: 1946, birthMonth: 4 },
      { month: '2026-01', year: 2022, birthMonth: null },
      { month: '2026-12', year: 2010, birthMonth: 12 },
      { month: '2026-12', year: null, birthMonth: null },
    ];
    for (const { month, year, birthMonth } of cases) {
      const [row] = await sql(
        `select ${ageBandSql('$1::text')} as band from (select $2::int as birth_year, $3::int as birth_month) f`,
        [month, year, birthMonth],
      );
      expect(row!.band).toBe(ageBandOf(year === null ? null : ageInMonth(month, year, birthMonth)));
    }
  });
});

describe('unitSummary and AdministrativeUnit.summary', () => {
  it('answers the month asked, not today', async () => {
    const month = '2025-03';
    const answer = await graphql(
      seeded.subgraph.url,
      `
        query ($month: String, $units: [_Any!]!) {
          unitSummary(code: "42", month: $month) {
            beneficiaryCount
            monthlyEntitlementTotal
            paymentLineCount
            paidTotal
          }
          _entities(representations: $units) {
            ... on AdministrativeUnit {
              id
              summary(month: $month) {
                beneficiaryCount
                paymentLineCount
              }
            }
          }
        }
      `,
      {
        token: await tokenFor('tinh.42'),
        headers: gatewayCredentialHeaders(),
        variables: {
          month,
          units: (
            await sql(
              `select id from registry.administrative_units where code = '42' order by valid_from nulls first`,
            )
          ).map((row) => ({ __typename: 'AdministrativeUnit', id: row.id })),
        },
      },
    );
    expect(answer.errors).toBeUndefined();
    const ledger = await ledgerByUnit(month);
    const payments = await paymentsByUnit(month);
    expect(answer.data!.unitSummary).toEqual({
      beneficiaryCount: ledger.reduce((sum, row) => sum + row.beneficiaries, 0),
      monthlyEntitlementTotal: ledger.reduce((sum, row) => sum + row.amountDue, 0),
      paymentLineCount: payments.reduce((sum, row) => sum + row.paymentLines, 0),
      paidTotal: payments.reduce((sum, row) => sum + row.paid, 0),
    });
    // The old province's own figures, and today's province's with the old one merged whole into it.
    const [old, today] = answer.data!._entities;
    expect(old.summary.paymentLineCount).toBe(answer.data!.unitSummary.paymentLineCount);
    expect(today.summary.beneficiaryCount).toBe(answer.data!.unitSummary.beneficiaryCount);
  });

  it('gives no figures of a unit outside the scope through the entity', async () => {
    const [unit] = await sql(
      `select id from registry.administrative_units where code = '18229' and valid_to is null`,
    );
    const answer = await graphql(
      seeded.subgraph.url,
      `
        query ($units: [_Any!]!) {
          _entities(representations: $units) {
            ... on AdministrativeUnit {
              summary {
                beneficiaryCount
              }
            }
          }
        }
      `,
      {
        token: await tokenFor('xa.18073'),
        headers: gatewayCredentialHeaders(),
        variables: { units: [{ __typename: 'AdministrativeUnit', id: unit!.id }] },
      },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!._entities).toEqual([{ summary: null }]);
  });
});
