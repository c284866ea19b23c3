import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defineEntity, MikroORM, p } from '@mikro-orm/postgresql';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { scopeSessionContext, subgraphRole } from '../scope/row-level-security.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import {
  changeHistoryTable,
  historyTriggers,
  historyUnitIdentitySql,
  outboxTable,
} from './history-triggers.ts';
import { createHistoryLoader } from './change-record.ts';

/**
 * The generated triggers on a real PostgreSQL: a table of "cases" in a schema of its own, with the
 * history and outbox a subgraph's migration would install, written by a set-based statement and by
 * the ORM logged in as the schema's role, like a subgraph's request.
 */
const schema = `history_${randomBytes(4).toString('hex')}`;
const role = subgraphRole(schema);
let database: TestDatabase;
let owner: pg.Client;
let orm: MikroORM;

const Case = defineEntity({
  name: 'HistoryCase',
  tableName: 'cases',
  properties: {
    id: p.uuid().primary(),
    personId: p.uuid(),
    unitId: p.uuid(),
    status: p.string(),
    note: p.text(),
    updatedAt: p.datetime(),
  },
});

const sql = async (text: string, values: unknown[] = []) => (await owner.query(text, values)).rows;
const count = async (text: string, values: unknown[] = []) => Number((await sql(text, values))[0]!.count);
const ACTOR = { id: 'user-1', name: 'xa.18073', unitCode: '18073' };
/** Stand-ins for two unit versions (the cases table has no unit table to point at). */
const UNIT_18073 = '00000000-0000-4000-8000-000000018073';
const UNIT_18077 = '00000000-0000-4000-8000-000000018077';

beforeAll(async () => {
  database = await createTestDatabase();
  owner = new pg.Client({ connectionString: database.url });
  // A connection the server ends between queries fails the next query; it must not crash the worker.
  owner.on('error', () => undefined);
  await owner.connect();
  // What a subgraph's migrations do: its schema and role, its table, then the history declared on it.
  await sql(`create schema ${schema}`);
  await sql(
    `do $$ begin if not exists (select from pg_roles where rolname = '${role}') then create role ${role} nologin; end if; end $$`,
  );
  await sql(`grant ${role} to current_user`);
  // As every subgraph's role: the registry's published views (the history names its unit's code).
  await sql(`grant ansinh_view_reader to ${role}`);
  await sql(`grant usage on schema ${schema} to ${role}`);
  await sql(
    `alter default privileges in schema ${schema} grant select, insert, update, delete on tables to ${role}`,
  );
  await sql(`alter default privileges in schema ${schema} grant usage, select on sequences to ${role}`);
  await sql(
    `create table ${schema}.cases (id uuid primary key, person_id uuid not null, unit_id uuid not null, status text not null, note text not null, updated_at timestamptz not null)`,
  );
  const statements = [
    // The first shape of history and outbox, then the migration that turned unit codes into unit ids.
    ...changeHistoryTable({
      schema,
      entityColumns: ['case_id', 'person_id'],
      readableWhen: `unit_code = any(string_to_array(nullif(current_setting('ansinh.scope_path', true), ''), '.'))`,
    }).up,
    ...outboxTable(schema).up,
    ...historyUnitIdentitySql(schema, {
      outbox: true,
      // A unit in the caller's path (a stand-in for the unit tree of the real subgraphs).
      readableWhen: `unit_id::text = any(string_to_array(nullif(current_setting('ansinh.scope_path', true), ''), '.'))`,
      formerReadableWhen: `unit_code = any(string_to_array(nullif(current_setting('ansinh.scope_path', true), ''), '.'))`,
    }).up,
    ...historyTriggers({
      schema,
      table: 'cases',
      entityColumns: { case_id: 'id', person_id: 'person_id' },
      unitColumn: 'unit_id',
      ignoreColumns: ['updated_at'],
      events: { aggregateType: 'case', statusColumn: 'status', payloadColumns: ['status'] },
    }).up,
  ];
  for (const statement of statements) await sql(statement);
  orm = await MikroORM.init({
    clientUrl: database.url,
    schema,
    entities: [Case],
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: 2 },
  });
});

afterAll(async () => {
  await orm?.close(true);
  await owner?.end();
  await database?.drop();
  // Roles are cluster-wide: this one was made for this file only.
  const admin = new pg.Client({ connectionString: process.env.ANSINH_TEST_TEMPLATE_URL });
  await admin.connect();
  await admin.query(`drop role if exists ${role}`).finally(() => admin.end());
});

/** A request's EntityManager: the schema's role, the caller's scope and the actor in the session settings. */
function requestEm(scopePath = `42.436.${UNIT_18073}`) {
  const em = orm.em.fork();
  em.setSessionContext(scopeSessionContext(schema, scopePath, ACTOR));
  return em;
}

describe('history triggers on PostgreSQL', () => {
  it('records a set-based insert ... select, with its events, in the same transaction', async () => {
    await sql('begin');
    await sql(
      `select set_config('ansinh.actor_id', 'import-1', true), set_config('ansinh.actor_name', 'huyen.436', true),
              set_config('ansinh.change_reason', 'reform 2025-07-01', true)`,
    );
    await sql(
      `insert into ${schema}.cases select gen_random_uuid(), gen_random_uuid(), '${UNIT_18077}', 'open', 'n' || i, now() from generate_series(1, 1000) i`,
    );
    // Written by this very transaction: their xmin is its id.
    const [mine] = await sql(
      `select (select count(*) from ${schema}.change_history where xmin::text = pg_current_xact_id()::text and action = 'create' and actor_name = 'huyen.436' and case_id = row_id and unit_id = '${UNIT_18077}' and reason = 'reform 2025-07-01') as history,
              (select count(*) from ${schema}.outbox where xmin::text = pg_current_xact_id()::text and event_type = 'case.created' and payload = '{"before": null, "after": {"status": "open"}}') as events`,
    );
    await sql('commit');
    expect(mine).toEqual({ history: '1000', events: '1000' });
  });

  it('records a set-based update of many rows once per changed row, and nothing for a change of ignored columns', async () => {
    await sql(`update ${schema}.cases set updated_at = now() + interval '1 day'`);
    expect(await count(`select count(*) from ${schema}.change_history where action = 'update'`)).toBe(0);
    await sql(`update ${schema}.cases set note = note || '!' where unit_id = '${UNIT_18077}'`);
    expect(
      await count(
        `select count(*) from ${schema}.change_history where action = 'update' and actor_name = 'system'`,
      ),
    ).toBe(1000);
    expect(await count(`select count(*) from ${schema}.outbox where event_type = 'case.updated'`)).toBe(1000);
    expect(
      await count(`select count(*) from ${schema}.outbox where event_type = 'case.status-changed'`),
    ).toBe(0);
    const [change] = await sql(
      `select before->>'note' as before, after->>'note' as after from ${schema}.change_history where action = 'update' limit 1`,
    );
    expect(change!.after).toBe(`${change!.before}!`);
  });

  it('leaves no history and no event behind a rolled-back transaction', async () => {
    const history = await count(`select count(*) from ${schema}.change_history`);
    const events = await count(`select count(*) from ${schema}.outbox`);
    await sql('begin');
    await sql(
      `insert into ${schema}.cases select gen_random_uuid(), gen_random_uuid(), '${UNIT_18077}', 'open', 'x', now() from generate_series(1, 10)`,
    );
    await sql(`delete from ${schema}.cases where note = 'n1!'`);
    await sql('rollback');
    const em = requestEm();
    await expect(
      em.transactional(async (tx) => {
        tx.create(Case, {
          id: randomUUID(),
          personId: randomUUID(),
          unitId: UNIT_18073,
          status: 'open',
          note: 'x',
          updatedAt: new Date(),
        });
        await tx.flush();
        throw new Error('refused after the flush');
      }),
    ).rejects.toThrow('refused after the flush');
    expect(await count(`select count(*) from ${schema}.change_history`)).toBe(history);
    expect(await count(`select count(*) from ${schema}.outbox`)).toBe(events);
  });

  it("records the ORM's writes as the request's actor, under the schema's role", async () => {
    const id = randomUUID();
    const personId = randomUUID();
    const em = requestEm();
    await em.transactional(async (tx) => {
      tx.create(Case, {
        id,
        personId,
        unitId: UNIT_18073,
        status: 'open',
        note: 'first',
        updatedAt: new Date(),
      });
      tx.create(Case, {
        id: randomUUID(),
        personId,
        unitId: UNIT_18073,
        status: 'open',
        note: 'second',
        updatedAt: new Date(),
      });
      await tx.flush();
      // Both rows and both events are there before the commit, in the transaction of the change.
      const [seen] = await tx.execute<{ history: string }[]>(
        `select count(*) as history from ${schema}.change_history where person_id = ? and xmin::text = pg_current_xact_id()::text`,
        [personId],
      );
      expect(seen!.history).toBe('2');
    });
    const writer = requestEm();
    const live = await writer.findOneOrFail(Case, id);
    live.updatedAt = new Date(Date.now() + 1000);
    await writer.flush(); // only updated_at: no history
    live.status = 'closed';
    await writer.flush();
    writer.remove(live);
    await writer.flush();

    const history = await sql(
      `select action, actor_id, actor_name, actor_unit_code, before->>'status' as before, after->>'status' as after
         from ${schema}.change_history where case_id = $1 order by id`,
      [id],
    );
    expect(history).toEqual([
      {
        action: 'create',
        actor_id: 'user-1',
        actor_name: 'xa.18073',
        actor_unit_code: '18073',
        before: null,
        after: 'open',
      },
      {
        action: 'update',
        actor_id: 'user-1',
        actor_name: 'xa.18073',
        actor_unit_code: '18073',
        before: 'open',
        after: 'closed',
      },
      {
        action: 'delete',
        actor_id: 'user-1',
        actor_name: 'xa.18073',
        actor_unit_code: '18073',
        before: 'closed',
        after: null,
      },
    ]);
    const events = await sql(
      `select event_type, payload, unit_id, published_at from ${schema}.outbox where aggregate_id = $1 order by id`,
      [id],
    );
    expect(events).toEqual([
      {
        event_type: 'case.created',
        payload: { before: null, after: { status: 'open' } },
        unit_id: UNIT_18073,
        published_at: null,
      },
      {
        event_type: 'case.updated',
        payload: { before: { status: 'open' }, after: { status: 'closed' } },
        unit_id: UNIT_18073,
        published_at: null,
      },
      {
        event_type: 'case.status-changed',
        payload: { before: { status: 'open' }, after: { status: 'closed' } },
        unit_id: UNIT_18073,
        published_at: null,
      },
      {
        event_type: 'case.deleted',
        payload: { before: { status: 'closed' }, after: null },
        unit_id: UNIT_18073,
        published_at: null,
      },
    ]);
  });

  it("lets the schema's role read the history in its scope only, and write neither history nor events", async () => {
    const loader = createHistoryLoader(requestEm(), schema, 'person_id');
    const [personId] = (
      await sql(`select person_id from ${schema}.change_history where unit_id = '${UNIT_18073}' limit 1`)
    ).map((row) => row.person_id as string);
    const [own, other] = await Promise.all([
      loader.load(personId!),
      createHistoryLoader(requestEm('42.436.18229'), schema, 'person_id').load(personId!),
    ]);
    // Both cases of the person, newest change first.
    expect(own.map((record) => record.action)).toEqual(['delete', 'update', 'create', 'create']);
    expect(own[0]).toMatchObject({
      tableName: 'cases',
      actorName: 'xa.18073',
      before: { status: 'closed' },
      after: null,
    });
    expect(other).toEqual([]);
    const em = requestEm();
    await expect(
      em.execute(
        `insert into ${schema}.change_history (table_name, row_id, action, actor_id, actor_name) values ('cases', gen_random_uuid(), 'create', 'x', 'x')`,
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(em.execute(`select count(*) from ${schema}.outbox`)).rejects.toThrow(/permission denied/);
  });
});
