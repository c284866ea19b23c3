import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSubgraph, type RunningSubgraph } from '@ansinh/common';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { clientCredentialsGrant, DEMO_PROVINCE_SYSTEM_CLIENT, seedDemoData } from '@ansinh/infra';
import { graphql, testEnv, tokenFor } from '@ansinh/tests/support';
import { paymentsSubgraph } from '../src/index.ts';

let database: TestDatabase;
let payments: RunningSubgraph;

const currentMonth = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit' })
    .format(new Date())
    .slice(0, 7);

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 15 });
  payments = await startSubgraph(paymentsSubgraph, testEnv(database.url));
});

afterAll(async () => {
  await payments?.stop();
  await database?.drop();
});

describe('payments subgraph on PostgreSQL', () => {
  it("gives a district the month's payment list of its communes only", async () => {
    const token = await tokenFor('huyen.436');
    const answer = await graphql(
      payments.url,
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
      payments.url,
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
      payments.url,
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
    const token = await clientCredentialsGrant({
      keycloakUrl: process.env.KEYCLOAK_URL!,
      clientId: DEMO_PROVINCE_SYSTEM_CLIENT.clientId,
      clientSecret: DEMO_PROVINCE_SYSTEM_CLIENT.clientSecret,
    });
    const answer = await graphql(
      payments.url,
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
