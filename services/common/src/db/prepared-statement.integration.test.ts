import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EntitySchema, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import {
  entitiesOf,
  prepareDeclaredStatements,
  preparedRows,
  preparedStatement,
} from './prepared-statement.ts';

let database: TestDatabase;
let orm: MikroORM;

const ECHO = preparedStatement<{ value: string; scope: string }>(
  `select $1::text as value, current_setting('ansinh.scope_path', true) as scope`,
);

type PreparedRow = { name: string; statement: string; generic_plans: string; custom_plans: string };
const PREPARED = preparedStatement<PreparedRow>(
  'select name, statement, generic_plans, custom_plans from pg_prepared_statements where name = any($1::text[])',
);

type Note = { id: string; text: string };
const Note = new EntitySchema<Note>({
  name: 'Note',
  tableName: 'notes',
  properties: { id: { type: 'uuid', primary: true }, text: { type: 'string' } },
});
const NOTES = preparedStatement<Record<string, unknown>>(
  'select * from notes where id = any($1::uuid[]) order by id',
);
const FIRST = '00000000-0000-4000-8000-000000000001';
const SECOND = '00000000-0000-4000-8000-000000000002';

beforeAll(async () => {
  database = await createTestDatabase();
  orm = await MikroORM.init({
    clientUrl: database.url,
    entities: [Note],
    discovery: { warnWhenNoEntities: false },
    // One connection: every statement of the tests meets the statements prepared before it.
    pool: { min: 0, max: 1 },
    driverOptions: { onPoolCreated: (pool: pg.Pool) => prepareDeclaredStatements(pool) },
  });
  await orm.em.getConnection().execute(
    `create table notes (id uuid primary key, text text not null);
     insert into notes values ('${FIRST}', 'một'), ('${SECOND}', 'hai')`,
  );
});

afterAll(async () => {
  await orm?.close(true);
  await database?.drop();
});

const scoped = (scope: string): EntityManager => {
  const em = orm.em.fork() as EntityManager;
  em.setSessionContext({ variables: { 'ansinh.scope_path': scope } });
  return em;
};

describe('preparedRows', () => {
  it('binds its values, never writes them into the text', async () => {
    const hostile = `'); drop table if exists x; select ('`;
    const em = scoped('42');
    await em.begin();
    expect(await preparedRows(em, ECHO, [hostile])).toEqual([{ value: hostile, scope: '42' }]);
    await em.commit();
  });

  it('runs in a transaction of its own, with the entity manager’s settings, when there is none', async () => {
    expect(await preparedRows(scoped('42_20250701.18073'), ECHO, ['a'])).toEqual([
      { value: 'a', scope: '42_20250701.18073' },
    ]);
    // The setting was the transaction's only.
    const after = await orm.em
      .getConnection()
      .execute<{ scope: string | null }[]>(`select current_setting('ansinh.scope_path', true) as scope`);
    expect(after[0]?.scope ?? '').toBe('');
  });

  it('prepares a declared statement once per connection and runs it on its plan afterwards', async () => {
    const em = scoped('42');
    await em.begin();
    await em.execute(`select set_config('plan_cache_mode', 'force_generic_plan', true)`);
    for (const value of ['x', 'y', 'z']) await preparedRows(em, ECHO, [value]);
    const prepared = await preparedRows(em, PREPARED, [[ECHO.name]]);
    await em.commit();
    expect(prepared).toEqual([
      {
        name: ECHO.name,
        statement: ECHO.text,
        generic_plans: expect.any(String),
        custom_plans: expect.any(String),
      },
    ]);
    // Planned once (by the first test), then run on the kept generic plan.
    expect(Number(prepared[0]!.generic_plans)).toBeGreaterThanOrEqual(3);
  });

  it('leaves other statements unnamed', async () => {
    await orm.em.getConnection().execute('select ? as undeclared', ['a']);
    const em = scoped('42');
    const names = await preparedRows(
      em,
      preparedStatement<{ statement: string }>('select statement from pg_prepared_statements'),
      [],
    );
    expect(names.map((row) => row.statement).filter((text) => /undeclared/.test(text))).toEqual([]);
  });

  it('makes entities of the rows as em.find does: one the request holds keeps its unflushed change', async () => {
    const em = orm.em.fork() as EntityManager;
    const [held] = entitiesOf(em, Note, await preparedRows(em, NOTES, [[FIRST]]));
    expect(held).toMatchObject({ id: FIRST, text: 'một' });
    held!.text = 'đã sửa';
    const again = entitiesOf(em, Note, await preparedRows(em, NOTES, [[FIRST, SECOND]]));
    expect(again[0]).toBe(held);
    expect(again.map((note) => note.text)).toEqual(['đã sửa', 'hai']);
    expect(em.getUnitOfWork().getById<Note>(Note, SECOND)).toBe(again[1]);
  });
});
