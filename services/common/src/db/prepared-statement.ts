import { createHash } from 'node:crypto';
import { wrap, type EntityDictionary, type EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';

/**
 * A statement PostgreSQL prepares once per connection and then runs on its kept plan. The ORM writes
 * each statement's values into its text, so PostgreSQL plans it again every time; under row-level
 * security that planning (the policies' subqueries over units and persons) costs 1.5–5 ms, several
 * times the lookup itself. The request path's hot lookups are declared with this instead.
 */
export type PreparedStatement<Row> = {
  readonly name: string;
  readonly text: string;
  /** Only for the row type (never set). */
  readonly row?: Row;
};

/** Texts of the declared statements, by text: a connection names only these (a bounded set, in code). */
const NAMES = new Map<string, string>();

/** Declares a statement with `$n` parameters, to be run by `preparedRows`. */
export function preparedStatement<Row>(text: string): PreparedStatement<Row> {
  const name = `ansinh_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
  NAMES.set(text, name);
  return { name, text };
}

/**
 * Names the declared statements on every connection of `pool`: pg then parses each once per
 * connection and binds it afterwards. PostgreSQL keeps the generic plan only where it is asked to
 * (the request transaction sets `plan_cache_mode`); left to choose, it kept planning per call. Other
 * statements go as they came.
 */
export function prepareDeclaredStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((text: unknown, values: unknown, callback: unknown) => {
      const name = typeof text === 'string' && Array.isArray(values) ? NAMES.get(text) : undefined;
      return name ? query({ name, text, values }, callback) : query(text, values, callback);
    }) as pg.PoolClient['query'];
  });
}

/**
 * Runs a declared statement in the entity manager's transaction (the request's, with its role and
 * scope), or in one of its own when there is none; rows as PostgreSQL returns them (`entitiesOf`
 * makes entities of them).
 */
export async function preparedRows<Row>(
  em: EntityManager,
  statement: PreparedStatement<Row>,
  values: readonly unknown[],
): Promise<Row[]> {
  const run = async (transaction: Kysely<unknown>) => {
    const started = Date.now();
    const { rows } = await transaction.executeQuery<Row>(CompiledQuery.raw(statement.text, [...values]));
    em.config.getLogger().logQuery({ query: statement.text, took: Date.now() - started, level: 'info' });
    return rows;
  };
  const transaction = em.getTransactionContext<Kysely<unknown>>();
  if (transaction) return run(transaction);
  return em.transactional((inner) => run(inner.getTransactionContext<Kysely<unknown>>()!));
}

/**
 * The entities of rows (with an `id` key), as `em.find` gives them: an entity the request already
 * holds is kept as it is, with any change not yet flushed, where `em.map` would overwrite it with the row.
 */
export function entitiesOf<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  rows: readonly Record<string, unknown>[],
): T[] {
  const unitOfWork = em.getUnitOfWork();
  return rows.map((row) => {
    const held = unitOfWork.getById<T>(entity, row['id'] as never);
    return held && wrap(held).isInitialized() ? held : em.map(entity, row as EntityDictionary<T>);
  });
}
