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

/** The unit a code names today (in force), by id. */
async function currentUnitId(code: string): Promise<string> {
  const [row] = await sqlRows(
    seeded.database.url,
    `select id from registry.v_units where code = $1 and valid_to is null and valid_from is not null`,
    [code],
  );
  return row!.id;
}

const LIST = `query ($month: String!, $unit: ID) { paymentLines(month: $month, unitCode: $unit) { total status channel unit { id } } }`;

describe('payments subgraph on PostgreSQL', () => {
  it("gives a current commune the month's payment list it pays", async () => {
    const answer = await graphql(seeded.subgraph.url, LIST, {
      token: await tokenFor('xa.18073'),
      variables: { month: currentMonth() },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.paymentLines.length).toBeGreaterThan(0);
    const units = new Set(answer.data!.paymentLines.map((line: { unit: { id: string } }) => line.unit.id));
    expect(units).toEqual(new Set([await currentUnitId('18073')]));
    for (const line of answer.data!.paymentLines) expect(line.total).toBeGreaterThan(0);
  });

  it('gives a former district the lines its communes paid before the reform, and none of today', async () => {
    const token = await tokenFor('huyen.436');
    const before = await graphql(seeded.subgraph.url, LIST, { token, variables: { month: '2025-06' } });
    expect(before.errors).toBeUndefined();
    const expected = await sqlRows(
      seeded.database.url,
      `select l.unit_id from payments.payment_lines l join registry.v_units u on u.id = l.unit_id
        where l.month = '2025-06' and u.path <@ (select path from registry.v_units where code = '436' and level = 'district')
        order by 1`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(before.data!.paymentLines.map((line: { unit: { id: string } }) => line.unit.id).sort()).toEqual(
      expected.map((row) => row.unit_id).sort(),
    );
    const now = await graphql(seeded.subgraph.url, LIST, { token, variables: { month: currentMonth() } });
    expect(now.errors).toBeUndefined();
    expect(now.data!.paymentLines).toEqual([]);
  });

  it('refuses a malformed month and a unit outside the scope', async () => {
    const token = await tokenFor('xa.18652');
    const badMonth = await graphql(seeded.subgraph.url, '{ paymentLines(month: "2026-13") { id } }', {
      token,
    });
    expect(badMonth.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
    const otherUnit = await graphql(
      seeded.subgraph.url,
      '{ paymentLines(month: "2026-01", unitCode: "18073") { id } }',
      { token },
    );
    expect(otherUnit.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await graphql(
      seeded.subgraph.url,
      '{ paymentLines(month: "2026-01", unitCode: "99999") { id } }',
      { token },
    );
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitCode' });
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
      `select l.id from payments.payment_lines l where l.unit_id = $1 and l.month = $2 and l.status = 'pending'
          and not exists (select 1 from payments.change_history h where h.payment_line_id = l.id and h.action = 'update')
        order by l.id limit 1`,
      [await currentUnitId('18073'), month],
    );
    // Marked paid by a set-based update, as the daily payment update does it.
    await sqlRows(
      seeded.database.url,
      `update payments.payment_lines set status = 'paid', paid_on = current_date, paid_at = now()
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
    // the unit asked for, the list, the history of every line (the session's unit is kept from an earlier request)
    expect(dataStatements(statements)).toHaveLength(3);
    const changed = answer.data!.paymentLines.find((row: { id: string }) => row.id === line!.id);
    expect(changed.history.map((change: { action: string }) => change.action)).toEqual(['UPDATE', 'CREATE']);
    expect(changed.history[0]).toMatchObject({
      entity: 'payment_lines',
      entityId: line!.id,
      changedBy: 'xa.18073',
    });
    expect(JSON.parse(changed.history[0].before).status).not.toBe('paid');
    expect(JSON.parse(changed.history[0].after).status).toBe('paid');

    // An analyst sees who changed it and when, not the values (history:read-values).
    const payer = await graphql(seeded.subgraph.url, LIST, {
      token: await tokenFor('phantich.42'),
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
