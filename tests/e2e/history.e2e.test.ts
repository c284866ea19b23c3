import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphql, sqlRows, startStack, tokenFor, type Stack } from '../support/stack.ts';

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
    history { entity entityId action changedBy changedByUnitCode }
    entitlements { id history { entity entityId action changedBy } }
    payments { id history { entity entityId action changedBy after } }
  }
}`;

describe('history through the gateway', () => {
  it("answers a person's, their entitlements' and their payment lines' history in one query", async () => {
    const [person] = await sqlRows(
      stack.database.url,
      `select p.id from registry.persons p
        where p.residence_unit_code = '18073'
          and exists (select 1 from approvals.entitlements e where e.person_id = p.id)
          and exists (select 1 from payments.payment_lines l where l.person_id = p.id)
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
    expect(history.slice(0, 2)).toEqual([
      {
        entity: 'persons',
        entityId: id,
        action: 'UPDATE',
        changedBy: 'xa.18073',
        changedByUnitCode: '18073',
      },
      { entity: 'persons', entityId: id, action: 'CREATE', changedBy: 'system', changedByUnitCode: null },
    ]);
    expect(entitlements.length).toBeGreaterThan(0);
    for (const entitlement of entitlements) {
      expect(entitlement.history).toEqual([
        { entity: 'entitlements', entityId: entitlement.id, action: 'CREATE', changedBy: 'system' },
      ]);
    }
    expect(payments.length).toBeGreaterThan(0);
    for (const line of payments) {
      expect(line.history).toHaveLength(1);
      expect(line.history[0]).toMatchObject({ entity: 'payment_lines', entityId: line.id, action: 'CREATE' });
      expect(JSON.parse(line.history[0].after)).toMatchObject({ id: line.id, person_id: id });
    }

    // The status change is announced to the other subgraphs: updated, and status-changed.
    const events = await sqlRows(
      stack.database.url,
      `select event_type, payload from registry.outbox where aggregate_type = 'person' and aggregate_id = $1 order by id`,
      [id],
    );
    expect(events.map((event) => event.event_type)).toEqual([
      'person.created',
      'person.updated',
      'person.status-changed',
    ]);
    expect(events[2]!.payload).toMatchObject({
      before: { status: 'living' },
      after: { status: 'moved_away', status_date: '2026-01-15' },
    });
  });

  it("shows no history of another commune's records, and no values to a role that may not read them", async () => {
    const [person] = await sqlRows(
      stack.database.url,
      `select p.id from registry.persons p
        where p.residence_unit_code = '18229' and exists (select 1 from approvals.entitlements e where e.person_id = p.id)
        order by p.id limit 1`,
    );
    const outside = await run('xa.18073', HISTORY, { id: person!.id });
    expect(outside.data?.person ?? null).toBeNull();

    // A payer of the district reads who changed what and when, not the values.
    const payer = await run(
      'huyen.440',
      `query ($id: ID!) { person(id: $id) { entitlements { history { action after } } } }`,
      { id: person!.id },
    );
    expect(payer.data!.person.entitlements[0].history[0]).toEqual({ action: 'CREATE', after: null });
    expect(payer.errors?.map((error) => error.extensions?.code)).toEqual(
      expect.arrayContaining(['FORBIDDEN']),
    );
  });
});
