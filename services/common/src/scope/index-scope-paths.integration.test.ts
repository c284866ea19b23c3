import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { indexScopePathsSql, SCOPE_SETTING, subgraphRole } from './row-level-security.ts';

/**
 * The upgrade of a database whose migrations ran before READABLE_UNIT_IDS compared paths by the index:
 * a schema of its own holds a policy, a view and a function in the form those migrations wrote, and
 * indexScopePathsSql must rewrite every one of them without changing what any scope reads.
 */
const schema = `scope_${randomBytes(4).toString('hex')}`;
const role = subgraphRole(schema);
const LEGACY_READABLE = `select u.id from registry.v_units u, (select s.path, s.scope_paths, s.valid_to from registry.v_units s where s.path = nullif(current_setting('${SCOPE_SETTING}', true), '')::ltree) s where u.path <@ s.scope_paths`;

let database: TestDatabase;
let owner: pg.Client;
const sql = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await owner.query(text, values)).rows as T[];

/** What a scope reads through the table's policy, the view and the function, as the schema's role. */
async function readAs(scopePath: string) {
  // One client: each scope's transaction in turn.
  await sql('begin');
  try {
    await sql(`set local role ${role}`);
    await sql(`select set_config('${SCOPE_SETTING}', $1, true)`, [scopePath]);
    const ids = async (text: string) => (await sql<{ id: string }>(text)).map((row) => row.id).sort();
    return {
      table: await ids(`select id::text from ${schema}.cases`),
      view: await ids(`select id::text from ${schema}.v_cases`),
      func: await ids(`select id::text from ${schema}.readable_cases() as id`),
    };
  } finally {
    await sql('rollback');
  }
}

const legacyObjects = async () =>
  Number(
    (
      await sql<{ count: string }>(
        `select (select count(*) from pg_policies where schemaname = $1 and qual ~ '\\.path <@ [a-z_0-9]+\\.scope_paths')
              + (select count(*) from pg_views where schemaname = $1 and definition ~ '\\.path <@ [a-z_0-9]+\\.scope_paths')
              + (select count(*) from pg_proc where pronamespace = $1::regnamespace and prosrc ~ '\\.path <@ [a-z_0-9]+\\.scope_paths') as count`,
        [schema],
      )
    )[0]!.count,
  );

beforeAll(async () => {
  database = await createTestDatabase();
  owner = new pg.Client({ connectionString: database.url });
  owner.on('error', () => undefined);
  await owner.connect();
  await sql(`create schema ${schema}`);
  await sql(`create role ${role} nologin`);
  await sql(`grant ansinh_view_reader to ${role}`);
  await sql(`grant ${role} to current_user`);
  await sql(`grant usage on schema ${schema} to ${role}`);
  await sql(
    `create table ${schema}.cases (id uuid primary key default gen_random_uuid(), unit_id uuid not null)`,
  );
  await sql(`alter table ${schema}.cases enable row level security`);
  await sql(`create policy unit_scope on ${schema}.cases using (unit_id in (${LEGACY_READABLE}))`);
  await sql(`grant select on ${schema}.cases to ${role}`);
  await sql(
    `create view ${schema}.v_cases with (security_barrier = true) as select c.id from ${schema}.cases c where c.unit_id in (${LEGACY_READABLE})`,
  );
  await sql(`grant select on ${schema}.v_cases to ${role}`);
  await sql(
    `create function ${schema}.readable_cases() returns setof uuid language sql stable security definer as $$ select c.id from ${schema}.cases c where c.unit_id in (${LEGACY_READABLE}) $$`,
  );
  await sql(`grant execute on function ${schema}.readable_cases() to ${role}`);
  // Hà Tĩnh and a commune of it in each era (today's 18073 took the old 18073 over), and Hà Nội today.
  await sql(
    `insert into registry.administrative_units (id, code, name, full_name, level, kind, parent_code, path, valid_from, valid_to, scope_paths)
     values (gen_random_uuid(), '42', 'Hà Tĩnh', 'Tỉnh Hà Tĩnh', 'province', 'Tỉnh', null, '42', null, '2025-06-30', '{42}'),
            (gen_random_uuid(), '18073', 'Nam Hà', 'Phường Nam Hà', 'commune', 'Phường', '436', '42.436.18073', null, '2025-06-30', '{42.436.18073}'),
            (gen_random_uuid(), '42', 'Hà Tĩnh', 'Tỉnh Hà Tĩnh', 'province', 'Tỉnh', null, '42_20250701', '2025-07-01', null, '{42_20250701,42}'),
            (gen_random_uuid(), '18073', 'Thành Sen', 'Phường Thành Sen', 'commune', 'Phường', '42', '42_20250701.18073_20250701', '2025-07-01', null, '{42_20250701.18073_20250701,42.436.18073}'),
            (gen_random_uuid(), '01', 'Hà Nội', 'Thành phố Hà Nội', 'province', 'Thành phố', null, '01_20250701', '2025-07-01', null, '{01_20250701}')`,
  );
  await sql(`insert into ${schema}.cases (unit_id) select id from registry.administrative_units`);
}, 120_000);

afterAll(async () => {
  await owner?.end();
  await database?.drop();
});

describe('indexScopePathsSql', () => {
  it('rewrites the policy, the view and the function, reading the same rows in every scope', async () => {
    const scopes = ['42_20250701', '42', '42_20250701.18073_20250701', '01_20250701', ''];
    const before = [];
    for (const scope of scopes) before.push(await readAs(scope));
    expect(await legacyObjects()).toBe(3);
    expect(before.map((read) => read.table.length)).toEqual([4, 2, 2, 1, 0]);
    expect(
      before.every(
        (read) => read.view.join() === read.table.join() && read.func.join() === read.table.join(),
      ),
    ).toBe(true);

    await sql(indexScopePathsSql(schema));
    await sql(indexScopePathsSql(schema));

    expect(await legacyObjects()).toBe(0);
    const [policy] = await sql<{ qual: string }>(
      'select qual from pg_policies where schemaname = $1 and policyname = $2',
      [schema, 'unit_scope'],
    );
    expect(policy!.qual).toContain('<@ ANY (s.scope_paths)');
    const [view] = await sql<{ reloptions: string[] }>(
      `select reloptions from pg_class where relnamespace = $1::regnamespace and relname = 'v_cases'`,
      [schema],
    );
    expect(view!.reloptions).toEqual(['security_barrier=true']);
    const [func] = await sql<{ prosecdef: boolean }>(
      `select prosecdef from pg_proc where pronamespace = $1::regnamespace and proname = 'readable_cases'`,
      [schema],
    );
    expect(func!.prosecdef).toBe(true);
    for (const [index, scope] of scopes.entries()) expect(await readAs(scope)).toEqual(before[index]);
  });

  it('takes only a schema name', () => {
    expect(() => indexScopePathsSql("registry'; drop table x; --")).toThrow(/not a schema name/);
  });
});
