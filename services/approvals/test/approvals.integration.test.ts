import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHistoryLoader, currentMonth, scopeSessionContext } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
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

/** The unit a code names today (in force), by id. */
async function currentUnitId(code: string): Promise<string> {
  const [row] = await sqlRows(
    seeded.database.url,
    `select id from registry.v_units where code = $1 and valid_to is null and valid_from is not null`,
    [code],
  );
  return row!.id;
}

/** SQL: the entitlement's paying unit is read by the current unit with the code in $1 (itself and the units merged whole into it). */
const READ_BY_CURRENT = `unit_id in (select u.id from registry.v_units u, registry.v_units s
  where s.code = $1 and s.valid_to is null and s.valid_from is not null and u.path <@ s.scope_paths)`;

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
  _entities(representations: $representations) { ... on Person { id entitlements { policyGroup monthlyAmount standardLevel unitCode history { action } } } }
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
    // entitlements, paying units, money rule, history (the session's unit is kept from the warm-up)
    expect(dataStatements(statements)).toHaveLength(4);
  });

  it('computes the monthly amount at the standard level of the month asked for', async () => {
    const token = await tokenFor('tinh.42');
    const answer = await graphql(
      seeded.subgraph.url,
      `
        {
          entitlements(unitCode: "18073") {
            startMonth
            coefficientBefore: coefficient(month: "2024-06")
            coefficientNow: coefficient(month: "2024-07")
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
    const started = answer.data!.entitlements.filter(
      (entitlement: { startMonth: string }) => entitlement.startMonth <= '2024-06',
    );
    expect(started.length).toBeGreaterThan(0);
    for (const entitlement of answer.data!.entitlements) {
      expect(entitlement.level).toBe(360_000);
      // Nothing is due before the month an entitlement starts.
      const due = entitlement.startMonth <= '2024-06';
      expect(entitlement.before).toBe(due ? Math.round(360_000 * entitlement.coefficientBefore) : 0);
      expect(entitlement.now).toBe(
        entitlement.startMonth <= '2024-07' ? Math.round(500_000 * entitlement.coefficientNow) : 0,
      );
    }
  });

  it('lists only the entitlements active in the month asked for', async () => {
    const token = await tokenFor('xa.18229');
    const [row] = await sqlRows(
      seeded.database.url,
      `select count(*)::int as count from approvals.entitlements
       where ${READ_BY_CURRENT} and status = 'active' and start_month <= $2 and (end_month is null or end_month >= $2)`,
      ['18229', currentMonth()],
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

  it("answers a commune user only its own commune's entitlements (carried to it across the reform)", async () => {
    const token = await tokenFor('xa.18073');
    const own = await graphql(
      seeded.subgraph.url,
      `
        {
          entitlements {
            unitCode
            unit {
              id
            }
          }
        }
      `,
      { token },
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.entitlements.length).toBeGreaterThan(0);
    // The demo's entitlements are all active: every one of the old 18073 and 18077 was carried to the
    // new 18073 (a reused code: the unit's id tells them apart); the split 18082's wait on the old unit.
    expect(
      new Set(
        own.data!.entitlements.map((entitlement: { unitCode: string; unit: { id: string } }) =>
          [entitlement.unitCode, entitlement.unit.id].join(),
        ),
      ),
    ).toEqual(new Set([['18073', await currentUnitId('18073')].join()]));
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

  it('keeps the history of an entitlement, answers it in scope with the values each role may read, and announces a status change', async () => {
    const [target] = await sqlRows(
      seeded.database.url,
      // One the demo decided before the reform (and the reform carried here).
      `select id, policy_group from approvals.entitlements where unit_id = $1 and status = 'active' and start_month < '2025-07' order by id limit 1`,
      [await currentUnitId('18073')],
    );
    // A set-based change, as a decision would make it, by a named official.
    await sqlRows(
      seeded.database.url,
      `update approvals.entitlements set status = 'suspended'
        where id = $1 and (select set_config('ansinh.actor_name', 'huyen.436', false)) is not null`,
      [target!.id],
    );
    const HISTORY = `query ($unit: ID) { entitlements(unitCode: $unit) { id history { entity entityId action changedBy reason before after } } }`;
    const historyOf = async (username: string) => {
      const answer = await graphql(seeded.subgraph.url, HISTORY, {
        token: await tokenFor(username),
        variables: { unit: '18073' },
      });
      const entitlement = answer.data?.entitlements?.find((row: { id: string }) => row.id === target!.id);
      return { answer, history: entitlement?.history };
    };

    const officer = await historyOf('xa.18073');
    expect(officer.answer.errors).toBeUndefined();
    // The entitlement's own changes; its history also holds its decisions (the grant, from the seed).
    const own = officer.history.filter((change: { entity: string }) => change.entity === 'entitlements');
    expect(own.map((change: { action: string }) => change.action)).toEqual(['UPDATE', 'UPDATE', 'CREATE']);
    expect(officer.history).toContainEqual(
      expect.objectContaining({ entity: 'decisions', action: 'CREATE' }),
    );
    const [update, reform, creation] = own;
    expect(update).toMatchObject({
      entity: 'entitlements',
      entityId: target!.id,
      changedBy: 'huyen.436',
      reason: null,
    });
    // The demo's entitlements were decided by the old commune, then carried across the reform.
    expect(reform).toMatchObject({ changedBy: 'system', reason: 'reform 2025-07-01' });
    expect(JSON.parse(reform.after).unit_id).toBe(await currentUnitId('18073'));
    expect(JSON.parse(reform.before).unit_id).not.toBe(await currentUnitId('18073'));
    expect(creation.changedBy).toBe('system'); // the demo seed
    expect(JSON.parse(update.before)).toMatchObject({ status: 'active', policy_group: target!.policy_group });
    expect(JSON.parse(update.after)).toMatchObject({ status: 'suspended' });

    // An auditor reads history values, but not the confidential policy group, here as on the live record.
    const auditor = await historyOf('kiemtoan.42');
    expect(auditor.answer.errors).toBeUndefined();
    expect(JSON.parse(auditor.history[0].after)).toMatchObject({ status: 'suspended' });
    expect(JSON.parse(auditor.history[0].after)).not.toHaveProperty('policy_group');
    // An analyst sees that it changed, not the values.
    const analyst = await historyOf('phantich.42');
    expect(analyst.history[0]).toMatchObject({ action: 'UPDATE', before: null, after: null });
    expect(analyst.answer.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');

    const events = await sqlRows(
      seeded.database.url,
      `select event_type, payload, unit_id from approvals.outbox where aggregate_type = 'entitlement' and aggregate_id = $1 order by id`,
      [target!.id],
    );
    expect(events.map((event) => event.event_type)).toEqual([
      'entitlement.created',
      'entitlement.updated', // carried across the reform
      'entitlement.updated',
      'entitlement.status-changed',
    ]);
    expect(events[3]).toMatchObject({
      unit_id: await currentUnitId('18073'),
      payload: { before: { status: 'active' }, after: { status: 'suspended' } },
    });
  });

  it("answers no history of another commune's entitlements, even by the database's own rules", async () => {
    const [other] = await sqlRows(
      seeded.database.url,
      `select id from approvals.entitlements where unit_id = $1 limit 1`,
      [await currentUnitId('18229')],
    );
    const [own] = await sqlRows(
      seeded.database.url,
      `select e.id, u.path::text as path from approvals.entitlements e join registry.v_units u on u.id = e.unit_id
        where e.unit_id = $1 limit 1`,
      [await currentUnitId('18073')],
    );
    // The subgraph's own login (its role, under row-level security) with a commune's scope, as a request has.
    const em = seeded.subgraph.orm.em.fork();
    em.setSessionContext(scopeSessionContext('approvals', own!.path));
    const loader = createHistoryLoader(em as EntityManager, 'approvals', 'entitlement_id');
    const [theirs, ours] = await Promise.all([loader.load(other!.id), loader.load(own!.id)]);
    expect(theirs).toEqual([]);
    expect(ours.length).toBeGreaterThan(0);
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
