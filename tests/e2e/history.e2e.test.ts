import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { currentUnitId, graphql, sqlRows, startStack, tokenFor, type Stack } from '../support/stack.ts';

/**
 * History answers per record across subgraphs: one query through the gateway reads a person's
 * history from the registry, their entitlements' from approvals and their payment lines' from
 * payments, all of the one shared ChangeRecord type; and a change made through the API writes its
 * history and its domain event in the registry's transaction.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const run = async (username: string, query: string, variables: Record<string, unknown> = {}) =>
  graphql(stack.gateway.url, query, { token: await tokenFor(username), variables });

const HISTORY = `query ($id: ID!) {
  person(id: $id) {
    history { entity entityId action changedBy changedByUnitCode reason }
    entitlements { id history { entity entityId action changedBy reason } }
    payments { id history { entity entityId action changedBy after } }
  }
}`;

describe('history through the gateway', () => {
  it("answers a person's, their entitlements' and their payment lines' history in one query", async () => {
    const [person] = await sqlRows(
      stack.database.url,
      `select p.id from registry.persons p
        where p.residence_unit_id = ${currentUnitId("'18073'")}
          and exists (select 1 from approvals.entitlements e where e.person_id = p.id)
          -- every entitlement of theirs from before the reform (carried by it): not one granted since
          and not exists (select 1 from approvals.entitlements e where e.person_id = p.id and e.start_month >= '2025-07')
          and exists (select 1 from payments.payment_lines l where l.person_id = p.id)
          -- paid in cash: no payment account of theirs in their history
          and not exists (select 1 from registry.payment_accounts a where a.person_id = p.id)
        order by p.id limit 1`,
    );
    const id = person!.id;
    const updated = await run(
      'xa.18073',
      `mutation ($id: ID!) { setPersonStatus(id: $id, status: MOVED_AWAY, date: "2026-01-15") { id } }`,
      { id },
    );
    expect(updated.errors).toBeUndefined();

    const answer = await run('xa.18073', HISTORY, { id });
    expect(answer.errors).toBeUndefined();
    const { history, entitlements, payments } = answer.data!.person;
    // Newest first: the commune's change, the reform that carried the person from the old 18073 Nam
    // Hà to Phường Thành Sen, the registration in the old commune.
    expect(history).toHaveLength(3);
    expect(history[0]).toEqual({
      entity: 'persons',
      entityId: id,
      action: 'UPDATE',
      changedBy: 'xa.18073',
      changedByUnitCode: '18073',
      reason: null,
    });
    expect(history[1]).toMatchObject({
      entity: 'persons',
      entityId: id,
      action: 'UPDATE',
      reason: 'reform 2025-07-01',
    });
    expect(history[2]).toEqual({
      entity: 'persons',
      entityId: id,
      action: 'CREATE',
      changedBy: 'system',
      changedByUnitCode: null,
      reason: null,
    });
    expect(entitlements.length).toBeGreaterThan(0);
    for (const entitlement of entitlements) {
      expect(entitlement.history.at(-1)).toEqual({
        entity: 'entitlements',
        entityId: entitlement.id,
        action: 'CREATE',
        changedBy: 'system',
        reason: null,
      });
      // Carried to the new commune by the reform.
      expect(entitlement.history).toContainEqual(
        expect.objectContaining({ action: 'UPDATE', reason: 'reform 2025-07-01' }),
      );
    }
    expect(payments.length).toBeGreaterThan(0);
    for (const line of payments) {
      // Made by the list's generation, then paid (or not) and its list closed: the oldest is the creation.
      const made = line.history.at(-1);
      expect(made).toMatchObject({ entity: 'payment_lines', entityId: line.id, action: 'CREATE' });
      expect(JSON.parse(made.after)).toMatchObject({ id: line.id, person_id: id });
    }

    // The status change is announced to the other subgraphs: updated, and status-changed.
    const events = await sqlRows(
      stack.database.url,
      `select event_type, payload from registry.outbox where aggregate_type = 'person' and aggregate_id = $1 order by id`,
      [id],
    );
    const types = events.map((event) => event.event_type);
    expect(types[0]).toBe('person.created');
    expect(types.slice(-2)).toEqual(['person.updated', 'person.status-changed']);
    expect(events.at(-1)!.payload).toMatchObject({
      before: { status: 'living' },
      after: { status: 'moved_away', status_date: '2026-01-15' },
    });
  });

  it("shows no history of another commune's records, and no values to a role that may not read them", async () => {
    const [person] = await sqlRows(
      stack.database.url,
      `select p.id from registry.persons p
        where p.residence_unit_id = ${currentUnitId("'18229'")} and exists (select 1 from approvals.entitlements e where e.person_id = p.id)
        order by p.id limit 1`,
    );
    const outside = await run('xa.18073', HISTORY, { id: person!.id });
    expect(outside.data?.person ?? null).toBeNull();

    // An analyst of the province reads who changed what and when, not the values.
    const analyst = await run(
      'phantich.42',
      `query ($id: ID!) { person(id: $id) { entitlements { history { action after } } } }`,
      { id: person!.id },
    );
    expect(analyst.data!.person.entitlements[0].history.at(-1)).toEqual({ action: 'CREATE', after: null });
    expect(analyst.errors?.map((error) => error.extensions?.code)).toEqual(
      expect.arrayContaining(['FORBIDDEN']),
    );
  });
});
