import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Kind, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { PERMISSIONS, type Action } from '../auth/permissions.ts';
import type { Session } from '../auth/session.ts';

export const CHANGE_ACTION_VALUES = ['create', 'update', 'delete'] as const;
export type ChangeActionValue = (typeof CHANGE_ACTION_VALUES)[number];

/** A row of a `<schema>.change_history` table (see history-triggers.ts), as the resolvers read it. */
export type ChangeRecordRow = {
  id: string | number | bigint;
  tableName: string;
  rowId: string;
  unitCode?: string | null;
  action: ChangeActionValue;
  changedAt: Date | string;
  actorId: string;
  actorName: string;
  actorUnitCode?: string | null;
  /** Why, when the change said (`reform 2025-07-01`). */
  reason?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

/** The most changes `history` answers per record, newest first. */
export const MAX_HISTORY_PER_RECORD = 500;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * The history of records by one entity column of `<schema>.change_history` (`entitlement_id`),
 * newest first, batched per request: one statement for every record of an answer. Row-level
 * security of the request's session decides which rows come back.
 */
export function createHistoryLoader(
  em: EntityManager,
  schema: string,
  entityColumn: string,
  limit = MAX_HISTORY_PER_RECORD,
) {
  if (!IDENTIFIER.test(schema) || !IDENTIFIER.test(entityColumn)) {
    throw new Error(`history: "${schema}.${entityColumn}" is not a plain column name`);
  }
  return new DataLoader<string, ChangeRecordRow[]>(
    async (ids) => {
      const rows = await em.execute<(ChangeRecordRow & { key: string })[]>(
        `select "key", id, "tableName", "rowId", "unitCode", action, "changedAt", "actorId", "actorName", "actorUnitCode", reason, before, after
         from (select h."${entityColumn}"::text as "key", h.id, h.table_name as "tableName", h.row_id::text as "rowId",
                      (select u.code from registry.v_units u where u.id = h.unit_id) as "unitCode", h.action, h.changed_at as "changedAt", h.actor_id as "actorId",
                      h.actor_name as "actorName", h.actor_unit_code as "actorUnitCode", h.reason, h.before, h.after,
                      row_number() over (partition by h."${entityColumn}" order by h.id desc) as position
                 from "${schema}".change_history h
                where h."${entityColumn}" in (?)) newest
        where position <= ?
        order by "key", id desc`,
        [[...ids], limit],
      );
      const byKey = new Map<string, ChangeRecordRow[]>();
      for (const { key, ...row } of rows) {
        const list = byKey.get(key);
        if (list) list.push(row);
        else byKey.set(key, [row]);
      }
      return ids.map((id) => byKey.get(id) ?? []);
    },
    // A list answers up to 20,000 records: batches keep each statement far under PostgreSQL's 65,535 parameters.
    { maxBatchSize: 5000 },
  );
}

/** Which GraphQL type shows the columns of each recorded table, and which columns derive from which field. */
export type HistoryFieldMap = {
  /** Table → the type whose `@sensitive` fields classify its columns (`persons` → `Person`). */
  typeOfTable: Readonly<Record<string, string>>;
  /** Columns kept beside a field and derived from it, which reveal what the field does (`name_folded` → `fullName`). */
  derivedFrom?: Readonly<Record<string, string>>;
};

const camel = (column: string) =>
  column.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

/** The action of the `@sensitive` directive on `Type.field` in the subgraph's schema, if any. */
function sensitiveActionOf(schema: GraphQLSchema, typeName: string, fieldName: string): Action | undefined {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) return undefined;
  const field = type.getFields()[fieldName];
  const directive = field?.astNode?.directives?.find((candidate) => candidate.name.value === 'sensitive');
  const value = directive?.arguments?.find((argument) => argument.name.value === 'action')?.value;
  return value?.kind === Kind.STRING && Object.hasOwn(PERMISSIONS, value.value)
    ? (value.value as Action)
    : undefined;
}

/**
 * A recorded row as the caller may see it: each column shown on a `@sensitive` field of the
 * table's type (or derived from one) is left out unless a role of the caller grants its action,
 * so that the history never shows what the live record hides. Driven by the SDL: a field marked
 * sensitive tomorrow is hidden here too. Tables the map does not name show no values at all
 * rather than columns nobody classified.
 */
export function visibleValues(
  row: Record<string, unknown> | null | undefined,
  table: string,
  session: Session,
  schema: GraphQLSchema,
  fields: HistoryFieldMap,
): string | null {
  if (!row) return null;
  const typeName = fields.typeOfTable[table];
  if (!typeName) return null;
  const visible: Record<string, unknown> = Object.create(null);
  for (const [column, value] of Object.entries(row)) {
    const action = sensitiveActionOf(schema, typeName, fields.derivedFrom?.[column] ?? camel(column));
    if (action === undefined || session.allows(action)) visible[column] = value;
  }
  return JSON.stringify(visible);
}

const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);

/**
 * Resolvers of the `ChangeRecord` type that every subgraph with history shares (`@shareable`,
 * the same fields in every subgraph, see docs/history.md).
 */
export function changeRecordResolvers(fields: HistoryFieldMap) {
  const values =
    (side: 'before' | 'after') =>
    (record: ChangeRecordRow, _args: unknown, context: { session: Session }, info: GraphQLResolveInfo) =>
      visibleValues(record[side], record.tableName, context.session, info.schema, fields);
  return {
    id: (record: ChangeRecordRow) => String(record.id),
    entity: (record: ChangeRecordRow) => record.tableName,
    entityId: (record: ChangeRecordRow) => String(record.rowId),
    action: (record: ChangeRecordRow) => record.action.toUpperCase() as Uppercase<ChangeActionValue>,
    changedAt: (record: ChangeRecordRow) => iso(record.changedAt),
    changedBy: (record: ChangeRecordRow) => record.actorName,
    changedByUnitCode: (record: ChangeRecordRow) => record.actorUnitCode ?? null,
    before: values('before'),
    after: values('after'),
  };
}
