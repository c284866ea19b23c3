import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { scopeSessionContext, startSubgraph, type RunningSubgraph } from '@ansinh/common';
import { gatewayCredentialHeaders } from '@ansinh/common/graphql';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { graphql, sqlRows, testEnv, tokenFor } from '@ansinh/tests/support';
import { approvalsSubgraph } from '../src/index.ts';
import { seedEraFixture, type EraFixture } from './era-fixture.ts';

/**
 * Entitlements across the 2025 reform (era-fixture.ts, after the carry-over), with real tokens: the
 * current commune 18073 (a reused code) reads the pre-reform entitlements of the people it took
 * over, also those its predecessors decided, a split commune's included; the former district 436
 * reads only what its communes decided, and nothing changes under a unit that has ended.
 */
let database: TestDatabase;
let fixture: EraFixture;
let subgraph: RunningSubgraph;

const PERSON_ENTITLEMENTS = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Person { id entitlements { id unitCode status unit { id } } } }
}`;

async function entitlementsOf(username: string, personIds: string[]) {
  const answer = await graphql(subgraph.url, PERSON_ENTITLEMENTS, {
    token: await tokenFor(username),
    headers: gatewayCredentialHeaders(),
    variables: { representations: personIds.map((id) => ({ __typename: 'Person', id })) },
  });
  expect(answer.errors).toBeUndefined();
  return answer.data!._entities as {
    id: string;
    entitlements: { id: string; unitCode: string; status: string; unit: { id: string } }[];
  }[];
}

beforeAll(async () => {
  database = await createTestDatabase();
  fixture = await seedEraFixture(database.url);
  await sqlRows(database.url, 'select approvals.carry_entitlements_across_reform()');
  subgraph = await startSubgraph(approvalsSubgraph, testEnv(database.url));
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

describe('entitlements across the reform', () => {
  it('a current commune reads the pre-reform entitlements of the people it took over, whichever old commune decided them', async () => {
    const { persons, units, active, stopped } = fixture;
    const [bacHa, splitHere, splitThere] = await entitlementsOf('xa.18073', [
      persons.bacHa,
      persons.splitHere,
      persons.splitThere,
    ]);
    // Bắc Hà merged whole: its stopped pre-reform entitlement, and the active one carried here.
    expect(bacHa!.entitlements).toEqual([
      { id: stopped.bacHa, unitCode: '18077', status: 'STOPPED', unit: { id: units.old18077 } },
      { id: active.bacHa, unitCode: '18073', status: 'ACTIVE', unit: { id: units.new18073 } },
    ]);
    // Đại Nài was split: what it decided for a person assigned here is read here, not the rest of it.
    expect(splitHere!.entitlements.map((entitlement) => entitlement.id)).toEqual([
      stopped.splitHere,
      active.splitHere,
    ]);
    expect(splitHere!.entitlements[0]).toMatchObject({ unitCode: '18082', unit: { id: units.old18082 } });
    expect(splitThere!.entitlements).toEqual([]);
  });

  it("lists a current commune's entitlements with those its whole predecessors decided, not a split commune's", async () => {
    const { active, stopped } = fixture;
    const answer = await graphql(subgraph.url, '{ entitlements { id unitCode } }', {
      token: await tokenFor('xa.18073'),
    });
    expect(answer.errors).toBeUndefined();
    const ids = answer.data!.entitlements.map((entitlement: { id: string }) => entitlement.id);
    expect(new Set(ids)).toEqual(
      new Set([active.namHa, active.bacHa, active.splitHere, active.newcomer, stopped.bacHa]),
    );
  });

  it('a former district reads only the entitlements its communes decided, and no unit of today', async () => {
    const { persons, stopped, active } = fixture;
    const answer = await graphql(subgraph.url, '{ entitlements { id unitCode } }', {
      token: await tokenFor('huyen.436'),
    });
    expect(answer.errors).toBeUndefined();
    expect(new Set(answer.data!.entitlements.map((entitlement: { id: string }) => entitlement.id))).toEqual(
      new Set([stopped.bacHa, stopped.splitHere, active.splitWaiting]),
    );
    const [bacHa] = await entitlementsOf('huyen.436', [persons.bacHa]);
    expect(bacHa!.entitlements.map((entitlement) => entitlement.id)).toEqual([stopped.bacHa]);
    const today = await graphql(subgraph.url, '{ entitlements(unitCode: "18073") { id } }', {
      token: await tokenFor('huyen.436'),
    });
    expect(today.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('the province reads every era', async () => {
    const answer = await graphql(subgraph.url, '{ entitlements { id } }', {
      token: await tokenFor('tinh.42'),
    });
    expect(answer.errors).toBeUndefined();
    const [row] = await sqlRows(database.url, 'select count(*)::int as count from approvals.entitlements');
    expect(answer.data!.entitlements).toHaveLength(row!.count);
  });

  it('writes entitlements only for a unit in force, by a unit in force, even by the database’s own rules', async () => {
    const { units, persons } = fixture;
    const write = async (scopePath: string, unitId: string) => {
      const em = subgraph.orm.em.fork() as EntityManager;
      em.setSessionContext(scopeSessionContext('approvals', scopePath));
      return em.execute(
        `insert into approvals.entitlements (id, person_id, unit_id, policy_group, coefficient_hundredths, start_month, decision_number, decision_date, status, created_at)
         values (?, ?, ?, '5.5.a', 150, '2025-09', '9/QĐ', '2025-09-01', 'active', now())`,
        [randomUUID(), persons.newcomer, unitId],
      );
    };
    const [paths] = await sqlRows(
      database.url,
      `select (select path::text from registry.administrative_units where id = $1) as district,
              (select path::text from registry.administrative_units where id = $2) as commune`,
      [units.district436, units.new18073],
    );
    await expect(write(paths!.district, units.old18077)).rejects.toThrow(/row-level security/);
    await expect(write(paths!.commune, units.old18077)).rejects.toThrow(/row-level security/);
    await expect(write(paths!.commune, units.new18073)).resolves.toBeDefined();
  });
});
