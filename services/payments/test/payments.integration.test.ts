import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { currentMonth } from '@ansinh/common';
import {
  graphql,
  provinceSystemToken,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { paymentsSubgraph } from '../src/index.ts';

let seeded: SeededSubgraph;

beforeAll(async () => {
  seeded = await startSeededSubgraph(paymentsSubgraph);
});

afterAll(() => seeded?.stop());

describe('payments subgraph on PostgreSQL', () => {
  it("gives a district the month's payment list of its communes only", async () => {
    const token = await tokenFor('huyen.436');
    const answer = await graphql(
      seeded.subgraph.url,
      `
        query ($month: String!) {
          paymentLines(month: $month) {
            total
            status
            channel
            unit {
              code
            }
          }
        }
      `,
      {
        token,
        variables: { month: currentMonth() },
      },
    );
    expect(answer.errors).toBeUndefined();
    const units = new Set(
      answer.data!.paymentLines.map((line: { unit: { code: string } }) => line.unit.code),
    );
    expect(units).toEqual(new Set(['18073', '18077']));
    for (const line of answer.data!.paymentLines) expect(line.total).toBeGreaterThan(0);
  });

  it('refuses a malformed month and a unit outside the scope', async () => {
    const token = await tokenFor('xa.18077');
    const badMonth = await graphql(
      seeded.subgraph.url,
      `
        {
          paymentLines(month: "2026-13") {
            id
          }
        }
      `,
      { token },
    );
    expect(badMonth.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
    const otherUnit = await graphql(
      seeded.subgraph.url,
      `
        {
          paymentLines(month: "2026-01", unitCode: "18073") {
            id
          }
        }
      `,
      { token },
    );
    expect(otherUnit.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses roles that may not see payments (a provincial system account)', async () => {
    const token = await provinceSystemToken();
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          paymentLines(month: "2026-01") {
            id
          }
        }
      `,
      { token },
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
