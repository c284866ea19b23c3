import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scopeSessionContext, startSubgraph, type RunningSubgraph } from '@ansinh/common';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { graphql, sqlRows, testEnv, tokenFor } from '@ansinh/tests/support';
import { paymentsSubgraph } from '../src/index.ts';
import { seedEraFixture, type EraFixture } from '../../approvals/test/era-fixture.ts';

/**
 * Payment lines across the 2025 reform (services/approvals/test/era-fixture.ts), with real tokens:
 * lines never move; the current commune 18073 reads the pre-reform lines of the people it took over,
 * whichever old commune paid them (a split one's included), and the former district 436 reads only
 * the lines its own communes paid before the reform.
 */
let database: TestDatabase;
let fixture: EraFixture;
let subgraph: RunningSubgraph;

type Line = { month: string; unit: { id: string } };

const PERSON_PAYMENTS = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Person { id payments { month unit { id } } } }
}`;

async function paymentsOf(username: string, personIds: string[]) {
  const answer = await graphql(subgraph.url, PERSON_PAYMENTS, {
    token: await tokenFor(username),
    headers: gatewayCredentialHeaders(),
    variables: { representations: personIds.map((id) => ({ __typename: 'Person', id })) },
  });
  expect(answer.errors).toBeUndefined();
  return answer.data!._entities as { id: string; payments: Line[] }[];
}

async function listOf(username: string, month: string, unitCode?: string) {
  return graphql(
    subgraph.url,
    `
      query ($month: String!, $unit: ID) {
        paymentLines(month: $month, unitCode: $unit) {
          month
          unit {
            id
          }
        }
      }
    `,
    { token: await tokenFor(username), variables: { month, unit: unitCode } },
  );
}

const units = (lines: Line[]) => lines.map((line) => line.unit.id).sort();

beforeAll(async () => {
  database = await createTestDatabase();
  fixture = await seedEraFixture(database.url);
  subgraph = await startSubgraph(paymentsSubgraph, testEnv(database.url));
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

describe('payment lines across the reform', () => {
  it('a current commune reads the pre-reform lines of the people it took over, paid by the old communes', async () => {
    const { persons, units: u } = fixture;
    const [bacHa, splitHere, splitThere] = await paymentsOf('xa.18073', [
      persons.bacHa,
      persons.splitHere,
      persons.splitThere,
    ]);
    expect(bacHa!.payments).toEqual([
      { month: '2025-08', unit: { id: u.new18073 } },
      { month: '2025-05', unit: { id: u.old18077 } },
    ]);
    // Đại Nài was split: the lines it paid to a person assigned here are read here, the others' are not.
    expect(splitHere!.payments).toEqual([
      { month: '2025-08', unit: { id: u.new18073 } },
      { month: '2025-05', unit: { id: u.old18082 } },
    ]);
    expect(splitThere!.payments).toEqual([]);
  });

  it("lists a current commune's month with the lines its whole predecessors paid", async () => {
    const { units: u } = fixture;
    const before = await listOf('xa.18073', '2025-05');
    expect(before.errors).toBeUndefined();
    expect(units(before.data!.paymentLines)).toEqual([u.old18073, u.old18077].sort());
    const after = await listOf('xa.18073', '2025-08');
    expect(units(after.data!.paymentLines)).toEqual([u.new18073, u.new18073, u.new18073, u.new18073]);
  });

  it('a former district reads only the lines its own communes paid before the reform', async () => {
    const { persons, units: u } = fixture;
    const before = await listOf('huyen.436', '2025-05');
    expect(before.errors).toBeUndefined();
    expect(units(before.data!.paymentLines)).toEqual(
      [u.old18073, u.old18077, u.old18082, u.old18082, u.old18082].sort(),
    );
    const after = await listOf('huyen.436', '2025-08');
    expect(after.errors).toBeUndefined();
    expect(after.data!.paymentLines).toEqual([]);
    const [bacHa] = await paymentsOf('huyen.436', [persons.bacHa]);
    expect(bacHa!.payments).toEqual([{ month: '2025-05', unit: { id: u.old18077 } }]);
    const today = await listOf('huyen.436', '2025-08', '18073');
    expect(today.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Its own former commune, by the code that names it until another unit takes the code over.
    const own = await listOf('huyen.436', '2025-05', '18077');
    expect(units(own.data!.paymentLines)).toEqual([u.old18077]);
  });

  it('the province reads every era', async () => {
    const before = await listOf('tinh.42', '2025-05');
    expect(before.errors).toBeUndefined();
    expect(before.data!.paymentLines).toHaveLength(6);
  });

  it('writes lines only for a unit in force, by a unit in force, even by the database’s own rules', async () => {
    const { units: u, persons } = fixture;
    const write = async (scopePath: string, unitId: string) => {
      const em = subgraph.orm.em.fork() as EntityManager;
      em.setSessionContext(scopeSessionContext('payments', scopePath));
      return em.execute(
        `insert into payments.payment_lines (id, list_id, line_code, person_id, unit_id, month, amount, arrears, channel, status, created_at)
         select ?, p.id, 'CT' || lpad(nextval('payments.line_code_seq')::text, 9, '0'), ?, p.unit_id, '2025-09', 750000, 0, 'cash', 'pending', now()
           from payments.payment_lists p where p.unit_id = ? and p.month = '2025-09'`,
        [randomUUID(), persons.bacHa, unitId],
      );
    };
    // Draft lists of both units for the month, as the owner makes them: only the rules of the lines decide.
    await sqlRows(
      database.url,
      `insert into payments.payment_lists (unit_id, month) values ($1, '2025-09'), ($2, '2025-09') on conflict do nothing`,
      [u.old18077, u.new18073],
    );
    const [paths] = await sqlRows(
      database.url,
      `select (select path::text from registry.administrative_units where id = $1) as district,
              (select path::text from registry.administrative_units where id = $2) as commune`,
      [u.district436, u.new18073],
    );
    await expect(write(paths!.district, u.old18077)).rejects.toThrow(/row-level security/);
    await expect(write(paths!.commune, u.old18077)).rejects.toThrow(/row-level security/);
    await expect(write(paths!.commune, u.new18073)).resolves.toBeDefined();
  });
});
