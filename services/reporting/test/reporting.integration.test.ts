import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { currentMonth } from '@ansinh/common';
import { graphql, sqlRows, startSeededSubgraph, tokenFor, type SeededSubgraph } from '@ansinh/tests/support';
import { reportingSubgraph } from '../src/index.ts';

let seeded: SeededSubgraph;

async function one(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await sqlRows(seeded.database.url, sql, params);
  return Number(Object.values(row!)[0]);
}

beforeAll(async () => {
  seeded = await startSeededSubgraph(reportingSubgraph);
});

afterAll(() => seeded?.stop());

const SUMMARY = `query ($code: ID!, $month: String) {
  unitSummary(code: $code, month: $month) {
    unit { id } personCount beneficiaryCount monthlyEntitlementTotal paymentLineCount paidTotal unpaidTotal
  }
}`;

/**
 * The figures computed from the owners' tables for the units under the scope paths of the unit with
 * `unitId` (itself and the units merged whole into it): what the summary must answer.
 */
async function expectedFigures(unitId: string, month: string) {
  const under = `unit_id in (select u.id from registry.v_units u, registry.v_units s where s.id = $1 and u.path <@ s.scope_paths)`;
  // Due in the month by the entitlement ledger (approvals' own function, tested in approvals), monthly
  // categories only (a funeral support is not a beneficiary).
  const active = `approvals.entitlement_amount(id, $2) is not null
    and category_id in (select id from approvals.categories where payment = 'monthly')`;
  return {
    unit: { id: unitId },
    personCount: await one(
      `select count(*) from registry.persons where status = 'living' and ${under.replace('unit_id', 'residence_unit_id')}`,
      [unitId],
    ),
    beneficiaryCount: await one(
      `select count(distinct person_id) from approvals.entitlements where ${active} and ${under}`,
      [unitId, month],
    ),
    monthlyEntitlementTotal: await one(
      `select coalesce(sum(approvals.entitlement_amount(id, $2)), 0) from approvals.entitlements where ${active} and ${under}`,
      [unitId, month],
    ),
    paymentLineCount: await one(`select count(*) from payments.payment_lines where month = $2 and ${under}`, [
      unitId,
      month,
    ]),
    paidTotal: await one(
      `select coalesce(sum(total), 0) from payments.payment_lines where month = $2 and status = 'paid' and ${under}`,
      [unitId, month],
    ),
    unpaidTotal: await one(
      `select coalesce(sum(total), 0) from payments.payment_lines where month = $2 and status <> 'paid' and ${under}`,
      [unitId, month],
    ),
  };
}

/** The unit a code names today: in force, else the last version with the code (a former district). */
async function unitIdNamed(code: string): Promise<string> {
  const [row] = await sqlRows(
    seeded.database.url,
    `select id from registry.v_units where code = $1 order by valid_to is null desc, valid_to desc limit 1`,
    [code],
  );
  return row!.id;
}

describe('reporting subgraph over the published views', () => {
  it('sums a current commune with the communes merged whole into it, this month', async () => {
    const month = currentMonth();
    const answer = await graphql(seeded.subgraph.url, SUMMARY, {
      token: await tokenFor('xa.18073'),
      variables: { code: '18073', month },
    });
    expect(answer.errors).toBeUndefined();
    const expected = await expectedFigures(await unitIdNamed('18073'), month);
    expect(expected.personCount).toBeGreaterThan(0);
    expect(expected.paymentLineCount).toBeGreaterThan(0);
    expect(answer.data!.unitSummary).toEqual(expected);
  });

  it('sums what a former district paid before the reform, and none of today', async () => {
    const token = await tokenFor('huyen.436');
    const district = await unitIdNamed('436');
    const before = await graphql(seeded.subgraph.url, SUMMARY, {
      token,
      variables: { code: '436', month: '2025-06' },
    });
    expect(before.errors).toBeUndefined();
    const expected = await expectedFigures(district, '2025-06');
    expect(expected.paymentLineCount).toBeGreaterThan(0);
    expect(before.data!.unitSummary).toEqual(expected);
    const now = await graphql(seeded.subgraph.url, SUMMARY, {
      token,
      variables: { code: '436', month: currentMonth() },
    });
    expect(now.data!.unitSummary.paymentLineCount).toBe(0);
  });

  it('refuses a unit outside the scope and a malformed month', async () => {
    const token = await tokenFor('huyen.436');
    const other = await graphql(
      seeded.subgraph.url,
      `
        {
          unitSummary(code: "18073") {
            personCount
          }
        }
      `,
      { token },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badMonth = await graphql(
      seeded.subgraph.url,
      `
        {
          unitSummary(code: "436", month: "2026-1") {
            personCount
          }
        }
      `,
      { token },
    );
    expect(badMonth.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
    const unknown = await graphql(
      seeded.subgraph.url,
      `
        {
          unitSummary(code: "99999") {
            personCount
          }
        }
      `,
      { token },
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
