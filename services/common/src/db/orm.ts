import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Logger } from 'pino';
import { databasePasswordOf, databasePasswordVariable, roleLoginUrl } from '../config/env.ts';
import { subgraphRole } from '../scope/row-level-security.ts';
import { prepareDeclaredStatements } from './prepared-statement.ts';
import { releaseDeadClients } from './release-dead-clients.ts';

export const SUBGRAPH_SCHEMAS = ['registry', 'approvals', 'payments', 'reporting'] as const;

export type SubgraphOrmOptions = {
  /** PostgreSQL schema the subgraph owns (`registry`, `approvals`, ...). */
  schema: string;
  /** The database; a subgraph's server logs in to it as its own role, migrations as the URL's user (the owner). */
  databaseUrl: string;
  /** Password of the subgraph's role (its `<SCHEMA>_DATABASE_PASSWORD`, see databasePasswordOf). */
  databasePassword?: string;
  entities: EntitySchema[];
  migrationsPath: string;
  logger?: Logger;
  /** Called with every SQL statement (tests count statements with it). */
  onQuery?: (sql: string) => void;
  poolMax?: number;
};

export function subgraphOrmConfig(options: SubgraphOrmOptions): Options {
  return {
    clientUrl: options.databaseUrl,
    schema: options.schema,
    entities: options.entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    timezone: '+07:00',
    pool: { min: 0, max: options.poolMax ?? 10 },
    // A database that does not answer is an error after 10 s, not a request that waits forever.
    driverOptions: {
      connectionTimeoutMillis: 10_000,
      onPoolCreated: (pool: pg.Pool) => {
        releaseDeadClients(pool);
        prepareDeclaredStatements(pool);
      },
    },
    migrations: {
      path: options.migrationsPath,
      tableName: 'mikro_orm_migrations',
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      snapshotOnMigrate: false,
      snapshotName: `.snapshot-${options.schema}`,
      emit: 'ts',
      silent: true,
    },
    // A subgraph's migrations describe its own schema only; the others belong to their owners.
    // Published views (v_*) are contracts written by hand in migrations; the diff leaves them alone.
    schemaGenerator: {
      ignoreSchema: [...SUBGRAPH_SCHEMAS, 'public'].filter((schema) => schema !== options.schema),
      skipViews: [/(^|\.)v_/],
    },
    debug: options.onQuery ? ['query'] : false,
    loggerFactory: (loggerOptions) => {
      const log = options.logger?.child({ module: 'orm' });
      return {
        log: (namespace: string, message: string) => {
          if (namespace === 'query' && options.onQuery) options.onQuery(message);
          else log?.debug({ namespace }, message);
        },
        error: (namespace: string, message: string) => log?.error({ namespace }, message),
        warn: (namespace: string, message: string) => log?.warn({ namespace }, message),
        logQuery: (context: { query: string }) => options.onQuery?.(context.query),
        setDebugMode: () => undefined,
        isEnabled: (namespace: string) => namespace === 'query' && Boolean(options.onQuery),
        options: loggerOptions,
      } as never;
    },
  };
}

/**
 * The ORM of a subgraph's server. It logs in as the subgraph's own role (`ansinh_<schema>`), never as
 * the owner of the tables: row-level security then binds every query, and neither `reset role` nor
 * `set role` can widen it. Refuses to start when that role could bypass it.
 */
export async function openSubgraphOrm(options: SubgraphOrmOptions): Promise<MikroORM> {
  const role = subgraphRole(options.schema);
  const login = roleLoginUrl(
    options.databaseUrl,
    options.schema,
    options.databasePassword ??
      databasePasswordOf(options.schema, { DATABASE_URL: options.databaseUrl }, options.schema),
  );
  const orm = await MikroORM.init(subgraphOrmConfig({ ...options, databaseUrl: login }));
  try {
    await assertLeastPrivilege(orm, options.schema, role);
  } catch (error) {
    await orm.close(true).catch(() => undefined);
    throw error;
  }
  return orm;
}

/** Raised when a subgraph's database login could read or write beyond what row-level security allows. */
export class DatabaseLoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseLoginError';
  }
}

type LoginPrivileges = {
  login: string;
  rolsuper: boolean;
  rolbypassrls: boolean;
  rolcreaterole: boolean;
  privileged_membership: string | null;
  owned: string | null;
};

async function assertLeastPrivilege(orm: MikroORM, schema: string, role: string): Promise<void> {
  let rows: LoginPrivileges[];
  try {
    rows = await orm.em.getConnection().execute<LoginPrivileges[]>(
      `select r.rolname as login, r.rolsuper, r.rolbypassrls, r.rolcreaterole,
              (select min(p.rolname) from pg_roles p
                where p.oid <> r.oid and (p.rolsuper or p.rolbypassrls or p.rolcreaterole)
                  and pg_has_role(r.oid, p.oid, 'MEMBER')) as privileged_membership,
              (select min(n.nspname || coalesce('.' || c.relname, '')) from pg_namespace n
                 left join pg_class c on c.relnamespace = n.oid and pg_has_role(r.oid, c.relowner, 'MEMBER')
                where n.nspname = ? and (c.oid is not null or pg_has_role(r.oid, n.nspowner, 'MEMBER'))) as owned
         from pg_roles r where r.rolname = current_user`,
      [schema],
    );
  } catch (error) {
    throw new DatabaseLoginError(
      `${schema}: cannot log in to PostgreSQL as ${role} (${(error as Error).message}); ` +
        `run \`npm run migrate\` with ${databasePasswordVariable(schema)} set to let the role log in`,
    );
  }
  const found = rows[0];
  const problem = !found
    ? 'is not a role'
    : found.login !== role
      ? `is ${found.login}, not ${role}`
      : found.rolsuper
        ? 'is a superuser'
        : found.rolbypassrls
          ? 'bypasses row-level security'
          : found.rolcreaterole
            ? 'may create roles'
            : found.privileged_membership
              ? `is a member of ${found.privileged_membership}, which bypasses row-level security`
              : found.owned
                ? `owns ${found.owned}, so row-level security does not bind it`
                : undefined;
  if (problem) {
    throw new DatabaseLoginError(
      `${schema}: refusing to serve: the database login ${problem}; a subgraph logs in as its own role ${role}, ` +
        'without SUPERUSER, BYPASSRLS or CREATEROLE, and owning none of its tables (the migrations run as the owner)',
    );
  }
}

/** An ORM logged in as `databaseUrl`'s user, the owner of the tables: for migrations and their tooling only. */
export async function openOwnerOrm(options: SubgraphOrmOptions): Promise<MikroORM> {
  return MikroORM.init(subgraphOrmConfig(options));
}

/** Applies the subgraph's pending migrations, in order, as DATABASE_URL's user (the owner); running it again changes nothing. */
export async function migrateSubgraph(options: Omit<SubgraphOrmOptions, 'onQuery'>): Promise<string[]> {
  const orm = await openOwnerOrm({ ...options, poolMax: 2 });
  try {
    await orm.em.getConnection().execute(`create schema if not exists "${options.schema}"`);
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}
