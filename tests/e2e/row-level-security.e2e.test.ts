import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { seedDemoData } from '@ansinh/infra';
import pg from 'pg';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 15 });
});

afterAll(async () => {
  await database?.drop();
});

/** Runs `sql` the way a subgraph request does: as the subgraph's role, with a scope path (or none). */
async function asSubgraph(role: string, scopePath: string | null, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`set local role ${role}`);
    if (scopePath !== null)
      await client.query(`select set_config('ansinh.scope_path', $1, true)`, [scopePath]);
    return (await client.query(sql, params)).rows;
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}

const countOf = async (role: string, scope: string | null, sql: string) =>
  Number((await asSubgraph(role, scope, sql))[0]!.count);

describe('row-level security: the database enforces the unit scope even when a query forgets it', () => {
  it('shows each subgraph role only the rows of the scope subtree, and nothing without a scope', async () => {
    expect(await countOf('ansinh_registry', '42.436.18073', 'select count(*) from registry.persons')).toBe(
      15,
    );
    expect(await countOf('ansinh_registry', '42.436', 'select count(*) from registry.persons')).toBe(30);
    expect(await countOf('ansinh_registry', '42', 'select count(*) from registry.persons')).toBe(60);
    expect(await countOf('ansinh_registry', null, 'select count(*) from registry.persons')).toBe(0);

    const entitlements = await asSubgraph(
      'ansinh_approvals',
      '42.440.18229',
      'select distinct unit_code from approvals.entitlements',
    );
    expect(entitlements).toEqual([{ unit_code: '18229' }]);
    const lines = await asSubgraph(
      'ansinh_payments',
      '42.440',
      'select distinct unit_code from payments.payment_lines order by 1',
    );
    expect(lines).toEqual([{ unit_code: '18229' }, { unit_code: '18235' }]);
  });

  it('scopes the published views for their readers', async () => {
    expect(
      await countOf('ansinh_reporting', '42.436.18077', 'select count(*) from registry.v_person_units'),
    ).toBe(15);
    const units = await asSubgraph(
      'ansinh_reporting',
      '42.436.18077',
      'select distinct unit_code from approvals.v_active_entitlements',
    );
    expect(units).toEqual([{ unit_code: '18077' }]);
    expect(await countOf('ansinh_reporting', null, 'select count(*) from payments.v_payment_lines')).toBe(0);
    // Administrative units are public reference data.
    expect(await countOf('ansinh_reporting', null, 'select count(*) from registry.v_units')).toBeGreaterThan(
      10,
    );
  });

  it('refuses to write a row outside the scope', async () => {
    await expect(
      asSubgraph(
        'ansinh_registry',
        '42.436.18073',
        `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_code, status, created_at, updated_at)
         values (gen_random_uuid(), 'Lê Văn Tám', 'le van tam', 1950, 'male', '18229', 'living', now(), now())`,
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("keeps other subgraphs out of a subgraph's tables: they read its published views only", async () => {
    await expect(
      asSubgraph('ansinh_approvals', '42', 'select count(*) from registry.persons'),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asSubgraph('ansinh_reporting', '42', 'select count(*) from payments.payment_lines'),
    ).rejects.toThrow(/permission denied/);
    await expect(
      asSubgraph('ansinh_payments', '42', `update approvals.entitlements set status = 'stopped'`),
    ).rejects.toThrow(/permission denied/);
  });
});
