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

/** The ltree path of the unit `code`: the one in force today, or the one that ended on 30 June 2025. */
async function pathOf(code: string, era: 'current' | 'former'): Promise<string> {
  const [row] = await sql(
    `select path::text from registry.administrative_units where code = $1 and ${era === 'current' ? 'valid_to is null' : "valid_to = '2025-06-30'"}`,
    [code],
  );
  return row!.path as string;
}

async function idOf(code: string, era: 'current' | 'former'): Promise<string> {
  const [row] = await sql(
    `select id from registry.administrative_units where code = $1 and ${era === 'current' ? 'valid_to is null' : "valid_to = '2025-06-30'"}`,
    [code],
  );
  return row!.id as string;
}

async function sql(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

describe('row-level security: the database enforces the unit scope even when a query forgets it', () => {
  it('shows each subgraph role only the rows of the scope, across eras, and nothing without a scope', async () => {
    // Phường Thành Sen: the demo persons of the old 18073 Nam Hà and 18077 Bắc Hà, carried to it (30),
    // and the 15 of the split 18082 Đại Nài that wait for assignment, one of its candidates being this commune.
    expect(
      await countOf(
        'ansinh_registry',
        await pathOf('18073', 'current'),
        'select count(*) from registry.persons',
      ),
    ).toBe(45);
    // The former district 436: only those still on its old communes (the split 18082 Đại Nài, not yet assigned).
    expect(
      await countOf(
        'ansinh_registry',
        await pathOf('436', 'former'),
        'select count(*) from registry.persons',
      ),
    ).toBe(15);
    // The province today reads every era: seven old communes of 15.
    expect(
      await countOf(
        'ansinh_registry',
        await pathOf('42', 'current'),
        'select count(*) from registry.persons',
      ),
    ).toBe(105);
    expect(await countOf('ansinh_registry', null, 'select count(*) from registry.persons')).toBe(0);

    const newDucTho = await idOf('18229', 'current');
    const oldDucTho = await idOf('18229', 'former');
    const entitlements = await asSubgraph(
      'ansinh_approvals',
      await pathOf('18229', 'current'),
      'select distinct unit_id from approvals.entitlements',
    );
    expect(entitlements).toEqual([{ unit_id: newDucTho }]);
    // Xã Đức Thọ reads the lines its predecessor (old 18229, the same code) paid before the reform, and its own since.
    const lines = await asSubgraph(
      'ansinh_payments',
      await pathOf('18229', 'current'),
      'select distinct unit_id from payments.payment_lines',
    );
    expect(lines.map((row) => row.unit_id).sort()).toEqual([newDucTho, oldDucTho].sort());
    // The former district 440 reads the lines of its old communes only, none of the new units that reuse their codes.
    const former = await asSubgraph(
      'ansinh_payments',
      await pathOf('440', 'former'),
      'select distinct unit_id from payments.payment_lines',
    );
    expect(former.map((row) => row.unit_id).sort()).toEqual(
      [oldDucTho, await idOf('18235', 'former')].sort(),
    );
  });

  it('scopes the published views for their readers', async () => {
    const ducQuang = await pathOf('18262', 'current');
    // The 15 demo persons of old 18235 Quang Vĩnh, and one who moved in from Xã Đức Thọ (the demo's relocation).
    expect(await countOf('ansinh_reporting', ducQuang, 'select count(*) from registry.v_person_units')).toBe(
      16,
    );
    const units = await asSubgraph(
      'ansinh_reporting',
      ducQuang,
      'select distinct unit_code from approvals.v_active_entitlements',
    );
    expect(units).toEqual([{ unit_code: '18262' }]);
    expect(await countOf('ansinh_reporting', null, 'select count(*) from payments.v_payment_lines')).toBe(0);
    // Administrative units are public reference data.
    expect(await countOf('ansinh_reporting', null, 'select count(*) from registry.v_units')).toBeGreaterThan(
      10,
    );
  });

  it('refuses to write a row outside the scope, and any row for a unit that has ended', async () => {
    await expect(
      asSubgraph(
        'ansinh_registry',
        await pathOf('18073', 'current'),
        `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, status, created_at, updated_at)
         values (gen_random_uuid(), 'Lê Văn Tám', 'le van tam', 1950, 'male', $1, 'living', now(), now())`,
        [await idOf('18229', 'current')],
      ),
    ).rejects.toThrow(/row-level security/);
    // The old 18073 Nam Hà lies under Phường Thành Sen's read paths, but it has ended: nothing is written to it.
    await expect(
      asSubgraph(
        'ansinh_registry',
        await pathOf('18073', 'current'),
        `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, status, created_at, updated_at)
         values (gen_random_uuid(), 'Lê Văn Tám', 'le van tam', 1950, 'male', $1, 'living', now(), now())`,
        [await idOf('18073', 'former')],
      ),
    ).rejects.toThrow(/row-level security/);
    // Nor by the former district, to its own old commune.
    await expect(
      asSubgraph(
        'ansinh_registry',
        await pathOf('436', 'former'),
        `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, status, created_at, updated_at)
         values (gen_random_uuid(), 'Lê Văn Tám', 'le van tam', 1950, 'male', $1, 'living', now(), now())`,
        [await idOf('18082', 'former')],
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
