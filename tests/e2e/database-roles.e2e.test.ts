import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registrySubgraph } from '@ansinh/registry';
import { openSubgraphOrm } from '@ansinh/common';
import { scramVerifier, withDatabase } from '@ansinh/infra';
import pg from 'pg';
import { graphql, sqlRows, startSeededSubgraph, tokenFor, type SeededSubgraph } from '../support/stack.ts';

let seeded: SeededSubgraph;
/** The login the running registry subgraph connects with. */
let serviceLogin: string;

beforeAll(async () => {
  seeded = await startSeededSubgraph(registrySubgraph);
  serviceLogin = seeded.subgraph.orm.config.get('clientUrl')!;
});

afterAll(async () => {
  await seeded?.stop();
});

/** Runs statements one after another on one fresh connection with `url`'s login; the last one's rows. */
async function onConnection(url: string, statements: (string | [string, unknown[]])[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let rows: Record<string, any>[] = [];
    for (const statement of statements) {
      const [text, params] = typeof statement === 'string' ? [statement, []] : statement;
      rows = (await client.query(text, params)).rows;
    }
    return rows;
  } finally {
    await client.end();
  }
}

const SCOPE = (path: string): [string, unknown[]] => [
  `select set_config('ansinh.scope_path', $1, false)`,
  [path],
];

describe('database roles: each subgraph logs in as its own role, which row-level security binds', () => {
  it('connects the registry as ansinh_registry, a role that is neither superuser nor owner', async () => {
    expect(new URL(serviceLogin).username).toBe('ansinh_registry');
    const [who] = await seeded.subgraph.orm.em
      .getConnection()
      .execute<{ session_user: string; rolsuper: boolean; rolbypassrls: boolean }[]>(
        'select session_user, r.rolsuper, r.rolbypassrls from pg_roles r where r.rolname = session_user',
      );
    expect(who).toEqual({ session_user: 'ansinh_registry', rolsuper: false, rolbypassrls: false });

    // A real request runs on that login too: its rows are limited to the caller's commune.
    const answer = await graphql(seeded.subgraph.url, '{ persons(first: 100) { totalCount } }', {
      token: await tokenFor('xa.18073'),
    });
    expect(answer.errors).toBeUndefined();
    // Phường Thành Sen: the demo persons of the old 18073 Nam Hà and 18077 Bắc Hà, carried to it.
    expect(answer.data!.persons.totalCount).toBe(30);
    const sessions = await sqlRows(
      seeded.database.url,
      `select distinct usename from pg_stat_activity where datname = current_database() and usename like 'ansinh_%'`,
    );
    expect(sessions.map((row) => row.usename)).toEqual(['ansinh_registry']);
  });

  it('keeps row-level security after `reset role`, and refuses `set role` to any wider role', async () => {
    // The whole register holds 105 demo persons; the service's login sees only its scope, whatever it resets.
    expect(await sqlRows(seeded.database.url, 'select count(*)::int as n from registry.persons')).toEqual([
      { n: 105 },
    ]);
    expect(
      await onConnection(serviceLogin, ['reset role', 'select count(*)::int as n from registry.persons']),
    ).toEqual([{ n: 0 }]);
    expect(
      await onConnection(serviceLogin, [
        SCOPE('42_20250701.18073_20250701'),
        'reset role',
        'select count(*)::int as n from registry.persons',
      ]),
    ).toEqual([{ n: 45 }]); // 30 carried to Phường Thành Sen + the 15 of the split 18082 it may assign
    for (const wider of ['ansinh', 'postgres', 'ansinh_approvals', 'ansinh_reporting', 'pg_read_all_data']) {
      await expect(onConnection(serviceLogin, [`set role ${wider}`])).rejects.toThrow(
        /permission denied to set role|does not exist/,
      );
    }
    await expect(onConnection(serviceLogin, ['set session authorization ansinh'])).rejects.toThrow(
      /permission denied/,
    );
    // The one role it may become, the published views' reader, sees less, not more.
    await expect(
      onConnection(serviceLogin, ['set role ansinh_view_reader', 'select count(*) from registry.persons']),
    ).rejects.toThrow(/permission denied/);
  });

  it("cannot read other subgraphs' tables, nor switch row-level security off", async () => {
    await expect(
      onConnection(serviceLogin, [SCOPE('42'), 'select count(*) from approvals.entitlements']),
    ).rejects.toThrow(/permission denied/);
    await expect(
      onConnection(serviceLogin, [SCOPE('42'), 'select count(*) from payments.payment_lines']),
    ).rejects.toThrow(/permission denied/);
    await expect(
      onConnection(serviceLogin, ['alter table registry.persons disable row level security']),
    ).rejects.toThrow(/must be owner/);
    await expect(onConnection(serviceLogin, ['drop policy unit_scope on registry.persons'])).rejects.toThrow(
      /must be owner/,
    );
    await expect(onConnection(serviceLogin, ['create role ansinh_escape superuser'])).rejects.toThrow(
      /permission denied/,
    );
  });
});

describe('a subgraph refuses to start on a login that row-level security does not bind', () => {
  // Each case gets a throwaway subgraph name, hence its own cluster-wide role `ansinh_<name>`.
  const created: string[] = [];
  const password = randomBytes(12).toString('hex');
  async function roleFor(attributes: string): Promise<string> {
    const name = `rolecheck_${randomBytes(4).toString('hex')}`;
    created.push(name);
    await sqlRows(
      seeded.database.url,
      `create role ansinh_${name} login ${attributes} password '${scramVerifier(password)}'`,
    );
    return name;
  }
  const open = (name: string, databasePassword = password) =>
    openSubgraphOrm({
      schema: name,
      databaseUrl: seeded.database.url,
      databasePassword,
      entities: [],
      migrationsPath: '/nonexistent',
    });

  afterAll(async () => {
    for (const name of created) {
      await sqlRows(seeded.database.url, `drop schema if exists ${name} cascade`);
      await sqlRows(seeded.database.url, `drop role if exists ansinh_${name}`);
    }
  });

  it('refuses a superuser, a role that bypasses row-level security, and a member of the owner', async () => {
    await expect(open(await roleFor('superuser'))).rejects.toThrow(/refusing to serve.*is a superuser/);
    await expect(open(await roleFor('bypassrls'))).rejects.toThrow(/bypasses row-level security/);
    await expect(open(await roleFor('in role ansinh'))).rejects.toThrow(/is a member of ansinh/);
  });

  it('refuses a role that owns its tables', async () => {
    const name = await roleFor('');
    await sqlRows(seeded.database.url, `create schema ${name}`);
    await sqlRows(seeded.database.url, `create table ${name}.things (id int)`);
    await sqlRows(seeded.database.url, `alter table ${name}.things owner to ansinh_${name}`);
    await expect(open(name)).rejects.toThrow(new RegExp(`owns ${name}\\.things`));
  });

  it('starts on a plain role, and says what to do when the password is wrong', async () => {
    const name = await roleFor('');
    const orm = await open(name);
    try {
      const [row] = await orm.em.getConnection().execute('select session_user');
      expect(row).toEqual({ session_user: `ansinh_${name}` });
    } finally {
      await orm.close(true);
    }
    await expect(open(name, 'wrong')).rejects.toThrow(
      new RegExp(`cannot log in to PostgreSQL as ansinh_${name}.*${name.toUpperCase()}_DATABASE_PASSWORD`),
    );
  });

  it('logs in with a password set through its SCRAM verifier only', async () => {
    const name = await roleFor('');
    const rows = await onConnection(
      withDatabase(serviceLogin.replace(/\/\/[^@]+@/, `//ansinh_${name}:${password}@`), 'postgres'),
      ['select session_user'],
    );
    expect(rows).toEqual([{ session_user: `ansinh_${name}` }]);
  });
});
