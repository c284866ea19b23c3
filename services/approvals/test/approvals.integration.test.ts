import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { currentMonth } from '@ansinh/common';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import {
  dataStatements,
  graphql,
  sqlRows,
  startSeededSubgraph,
  tokenFor,
  type SeededSubgraph,
} from '@ansinh/tests/support';
import { approvalsSubgraph } from '../src/index.ts';

let seeded: SeededSubgraph;
const statements: string[] = [];

/** Persons with entitlements first, so that even the smallest batch exercises every loader. */
async function personIds(limit: number): Promise<string[]> {
  const rows = await sqlRows(
    seeded.database.url,
    `select p.id from registry.persons p
     order by exists (select 1 from approvals.entitlements e where e.person_id = p.id) desc, p.id limit $1`,
    [limit],
  );
  return rows.map((row) => row.id);
}

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Person { id entitlements { policyGroup monthlyAmount standardLevel unitCode } } }
}`;

beforeAll(async () => {
  seeded = await startSeededSubgraph(approvalsSubgraph, { onQuery: (sql) => statements.push(sql) });
});

afterAll(() => seeded?.stop());

describe('approvals subgraph on PostgreSQL', () => {
  it('resolves the entitlements of 50 persons in a constant number of SQL statements', async () => {
    const token = await tokenFor('tinh.42');
    const ids = await personIds(50);
    await graphql(seeded.subgraph.url, ENTITIES, {
      token,
      headers: gatewayCredentialHeaders(),
      variables: { representations: [{ __typename: 'Person', id: ids[0] }] },
    }); // warm-up
    statements.length = 0;
    await graphql(seeded.subgraph.url, ENTITIES, {
      token,
      headers: gatewayCredentialHeaders(),
      variables: { representations: ids.slice(0, 2).map((id) => ({ __typename: 'Person', id })) },
    });
    const forTwo = statements.length;
    statements.length = 0;
    const answer = await graphql(seeded.subgraph.url, ENTITIES, {
      token,
      headers: gatewayCredentialHeaders(),
      variables: { representations: ids.map((id) => ({ __typename: 'Person', id })) },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!._entities).toHaveLength(50);
    expect(
      answer.data!._entities.filter((person: { entitlements: unknown[] }) => person.entitlements.length)
        .length,
    ).toBeGreaterThan(30);
    expect(statements.length).toBe(forTwo);
    expect(dataStatements(statements)).toHaveLength(4); // session unit, entitlements, standard levels, unit paths
  });

  it('computes the monthly amount at the standard level of the month asked for', async () => {
    const token = await tokenFor('tinh.42');
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          entitlements(unitCode: "18073") {
            coefficient
            before: monthlyAmount(month: "2024-06")
            now: monthlyAmount(month: "2024-07")
            level: standardLevel(month: "2024-06")
          }
        }
      `,
      { token },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.entitlements.length).toBeGreaterThan(0);
    for (const entitlement of answer.data!.entitlements) {
      expect(entitlement.level).toBe(360_000);
      expect(entitlement.before).toBe(Math.round(360_000 * entitlement.coefficient));
      expect(entitlement.now).toBe(Math.round(500_000 * entitlement.coefficient));
    }
  });

  it('lists only the entitlements active in the month asked for', async () => {
    const token = await tokenFor('huyen.440');
    const [row] = await sqlRows(
      seeded.database.url,
      `select count(*)::int as count from approvals.entitlements
       where unit_code in ('18229', '18235') and status = 'active' and start_month <= $1 and (end_month is null or end_month >= $1)`,
      [currentMonth()],
    );
    const active: number = row!.count;
    const now = await graphql(
      seeded.subgraph.url,
      `
        query ($month: String) {
          entitlements(activeInMonth: $month) {
            id
          }
        }
      `,
      {
        token,
        variables: { month: currentMonth() },
      },
    );
    const before = await graphql(
      seeded.subgraph.url,
      `
        {
          entitlements(activeInMonth: "2020-01") {
            id
          }
        }
      `,
      { token },
    );
    expect(active).toBeGreaterThan(0);
    expect(now.data!.entitlements).toHaveLength(active);
    expect(before.data!.entitlements).toEqual([]);
  });

  it('refuses a malformed month, naming the argument', async () => {
    const token = await tokenFor('xa.18073');
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          entitlements(activeInMonth: "11/2026") {
            id
          }
        }
      `,
      { token },
    );
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'activeInMonth' });
  });

  it("answers a commune user only its own commune's entitlements", async () => {
    const token = await tokenFor('xa.18073');
    const own = await graphql(
      seeded.subgraph.url,
      `
        {
          entitlements {
            unitCode
          }
        }
      `,
      { token },
    );
    expect(own.errors).toBeUndefined();
    expect(
      new Set(own.data!.entitlements.map((entitlement: { unitCode: string }) => entitlement.unitCode)),
    ).toEqual(new Set(['18073']));
    const other = await graphql(
      seeded.subgraph.url,
      `
        {
          entitlements(unitCode: "440") {
            id
          }
        }
      `,
      { token },
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses anonymous callers', async () => {
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          entitlements {
            id
          }
        }
      `,
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
