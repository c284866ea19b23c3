import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { currentMonth } from '@ansinh/common';
import {
  dataStatements,
  graphql,
  provinceSystemToken,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { paymentsSubgraph } from '../src/index.ts';

let seeded: SeededSubgraph;
const statements: string[] = [];

beforeAll(async () => {
  seeded = await startSeededSubgraph(paymentsSubgraph, { onQuery: (sql) => statements.push(sql) });
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

  it('keeps the history of a payment line and answers it per line, in one statement for the whole list', async () => {
    const month = currentMonth();
    const [line] = await sqlRows(
      seeded.database.url,
      `select id from payments.payment_lines where unit_code = '18073' and month = $1 and status <> 'paid' order by id limit 1`,
      [month],
    );
    // Marked paid by a set-based update, as the daily payment update does it.
    await sqlRows(
      seeded.database.url,
      `update payments.payment_lines set status = 'paid', paid_on = current_date
        where id = $1 and (select set_config('ansinh.actor_name', 'xa.18073', false)) is not null`,
      [line!.id],
    );
    const LIST = `query ($month: String!) { paymentLines(month: $month, unitCode: "18073") { id history { entity entityId action changedBy before after } } }`;
    statements.length = 0;
    const answer = await graphql(seeded.subgraph.url, LIST, {
      token: await tokenFor('xa.18073'),
      variables: { month },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.paymentLines.length).toBeGreaterThan(1);
    expect(dataStatements(statements)).toHaveLength(4); // session unit, the unit asked for, the list, the history of every line
    const changed = answer.data!.paymentLines.find((row: { id: string }) => row.id === line!.id);
    expect(changed.history.map((change: { action: string }) => change.action)).toEqual(['UPDATE', 'CREATE']);
    expect(changed.history[0]).toMatchObject({
      entity: 'payment_lines',
      entityId: line!.id,
      changedBy: 'xa.18073',
    });
    expect(JSON.parse(changed.history[0].before).status).not.toBe('paid');
    expect(JSON.parse(changed.history[0].after).status).toBe('paid');

    // A payer sees who changed it and when, not the values (history:read-values).
    const payer = await graphql(seeded.subgraph.url, LIST, {
      token: await tokenFor('huyen.436'),
      variables: { month },
    });
    const seen = payer.data!.paymentLines.find((row: { id: string }) => row.id === line!.id);
    expect(seen.history[0]).toMatchObject({
      action: 'UPDATE',
      changedBy: 'xa.18073',
      before: null,
      after: null,
    });
    expect(payer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
