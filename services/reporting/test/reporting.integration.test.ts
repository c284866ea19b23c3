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

describe('reporting subgraph over the published views', () => {
  it("sums a district's subtree for the month", async () => {
    const month = currentMonth();
    const answer = await graphql(
      seeded.subgraph.url,
      `
        query ($month: String) {
          unitSummary(code: "436", month: $month) {
            personCount
            beneficiaryCount
            monthlyEntitlementTotal
            paymentLineCount
            paidTotal
            unpaidTotal
          }
        }
      `,
      {
        token: await tokenFor('huyen.436'),
        variables: { month },
      },
    );
    expect(answer.errors).toBeUndefined();
    const communes = ['18073', '18077'];
    expect(answer.data!.unitSummary).toEqual({
      personCount: 30,
      beneficiaryCount: await one(
        `select count(distinct person_id) from approvals.entitlements where unit_code = any($1)`,
        [communes],
      ),
      monthlyEntitlementTotal: await one(
        `select sum(coefficient_hundredths * 5000) from approvals.entitlements where unit_code = any($1)`,
        [communes],
      ),
      paymentLineCount: await one(
        `select count(*) from payments.payment_lines where month = $1 and unit_code = any($2)`,
        [month, communes],
      ),
      paidTotal: await one(
        `select coalesce(sum(amount + arrears), 0) from payments.payment_lines where month = $1 and status = 'paid' and unit_code = any($2)`,
        [month, communes],
      ),
      unpaidTotal: await one(
        `select coalesce(sum(amount + arrears), 0) from payments.payment_lines where month = $1 and status <> 'paid' and unit_code = any($2)`,
        [month, communes],
      ),
    });
  });

  it('refuses a unit outside the scope and a malformed month', async () => {
    const token = await tokenFor('huyen.436');
    const other = await graphql(
      seeded.subgraph.url,
      `
        {
          unitSummary(code: "440") {
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

  it('publishes figures without a token', async () => {
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          publicFigures(code: "42") {
            beneficiaryCount
            monthlyEntitlementTotal
          }
        }
      `,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.publicFigures.beneficiaryCount).toBe(
      await one('select count(distinct person_id) from approvals.entitlements'),
    );
  });
});
