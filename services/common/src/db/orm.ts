import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';

export const SUBGRAPH_SCHEMAS = ['registry', 'approvals', 'payments', 'reporting'] as const;

export type SubgraphOrmOptions = {
  /** PostgreSQL schema the subgraph owns (`registry`, `approvals`, ...). */
  schema: string;
  databaseUrl: string;
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

export async function openSubgraphOrm(options: SubgraphOrmOptions): Promise<MikroORM> {
  return MikroORM.init(subgraphOrmConfig(options));
}

/** Applies the subgraph's pending migrations, in order; running it again changes nothing. */
export async function migrateSubgraph(options: Omit<SubgraphOrmOptions, 'onQuery'>): Promise<string[]> {
  const orm = await openSubgraphOrm({ ...options, poolMax: 2 });
  try {
    await orm.em.getConnection().execute(`create schema if not exists "${options.schema}"`);
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}
