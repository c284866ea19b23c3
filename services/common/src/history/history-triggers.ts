import { ACTOR_SETTINGS, CHANGE_REASON_SETTING, subgraphRole } from '../scope/row-level-security.ts';

/**
 * Change history and domain events, declared per table and written by the database.
 *
 * Statement-level triggers with transition tables write `<schema>.change_history` (who, unit, when,
 * before and after) and, for a table that opts in, `<schema>.outbox` events, in the transaction of
 * the change. They see every write alike: an ORM flush, a set-based `insert ... select`, a COPY. One
 * insert per statement, not per row, so a bulk import of a million rows costs two statements more.
 * Who made the change comes from the session settings `ACTOR_SETTINGS` (set per request by
 * `scopeSessionContext`); migrations and seeds are "system".
 *
 * Migrations call these functions and run the SQL they return (`up`, `down`). A landed migration
 * runs this generator again on every fresh database, so a change to the generated SQL must keep
 * what older declarations produce valid; new behaviour comes as a new option, installed by a new
 * migration. docs/history.md says how to declare a new table.
 */

/** A table, column or schema name: plain lower-case identifiers only, so the generated SQL is safe to quote. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name))
    throw new Error(`history: ${what} "${name}" is not a lower-case SQL identifier`);
  return `"${name}"`;
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * A value of the changed row: a column name (`unit_code`), or a SQL expression over the row, which
 * is named `r` (`(select p.residence_unit_code from registry.persons p where p.id = r.person_id)`).
 */
function rowValue(columnOrSql: string, row: string): string {
  return IDENTIFIER.test(columnOrSql) ? `${row}."${columnOrSql}"` : columnOrSql;
}

export type HistoryEvents = {
  /** The aggregate the table holds, e.g. `person`: events are `person.created`, `person.updated`, `person.deleted`. */
  aggregateType: string;
  /** The aggregate's id in the row (default: the row key). */
  aggregateId?: string;
  /** A column whose change is also announced as `<aggregate>.status-changed` (besides `<aggregate>.updated`). */
  statusColumn?: string;
  /**
   * Columns copied into the payload, `{ "before": {...}, "after": {...} }` (null for the side that
   * does not exist). Events say what happened; a consumer that needs more reads the record.
   */
  payloadColumns?: readonly string[];
};

export type HistoryDeclaration = {
  /** The subgraph's schema, which holds the table, `change_history` and `outbox`. */
  schema: string;
  table: string;
  /** The key that pairs old and new rows of an update, recorded as `row_id` (default `id`). */
  rowKey?: string;
  /**
   * `change_history` columns naming the entities the row concerns → the row's column or a SQL
   * expression over the row `r`: `{ person_id: 'id' }` for persons, `{ person_id: 'person_id' }`
   * for their accounts. The history table's other entity columns stay null.
   */
  entityColumns?: Readonly<Record<string, string>>;
  /** The unit the row belongs to: its column, or a SQL expression over the row `r` (none: null). */
  unitColumn?: string;
  /** Columns whose change alone is no change worth recording (`updated_at`). They stay in before/after. */
  ignoreColumns?: readonly string[];
  /** Opt in to domain events in `<schema>.outbox`, written in the same statement's transaction. */
  events?: HistoryEvents;
};

export type MigrationSql = { up: string[]; down: string[] };

const ACTOR_SQL = [
  `coalesce(nullif(current_setting('${ACTOR_SETTINGS.id}', true), ''), 'system')`,
  `coalesce(nullif(current_setting('${ACTOR_SETTINGS.name}', true), ''), 'system')`,
  `nullif(current_setting('${ACTOR_SETTINGS.unit}', true), '')`,
].join(', ');

const REASON_SQL = `nullif(current_setting('${CHANGE_REASON_SETTING}', true), '')`;

const TRIGGER_EVENTS = [
  ['insert', 'referencing new table as new_rows'],
  ['update', 'referencing old table as old_rows new table as new_rows'],
  ['delete', 'referencing old table as old_rows'],
] as const;

export const historyFunctionName = (schema: string, table: string) =>
  `${identifier(schema, 'schema')}.${identifier(`record_${table}_changes`, 'table')}`;

/**
 * SQL that installs (up) or removes (down) the history triggers of one table. `up` replaces a
 * function and triggers of the same names, so a later migration can change a declaration in place.
 */
export function historyTriggers(declaration: HistoryDeclaration): MigrationSql {
  const schema = identifier(declaration.schema, 'schema');
  const table = identifier(declaration.table, 'table');
  const qualified = `${schema}.${table}`;
  const rowKey = identifier(declaration.rowKey ?? 'id', 'row key');
  const entityColumns = Object.entries(declaration.entityColumns ?? {});
  entityColumns.forEach(([column]) => identifier(column, 'entity column'));
  const ignored = (declaration.ignoreColumns ?? []).map((column) => {
    identifier(column, 'ignored column');
    return column;
  });
  const unit = (row: string) => (declaration.unitColumn ? rowValue(declaration.unitColumn, row) : 'null');
  const functionName = historyFunctionName(declaration.schema, declaration.table);

  const historyColumns = [
    'table_name',
    'row_id',
    ...entityColumns.map(([column]) => column),
    'unit_id',
    'action',
    'actor_id',
    'actor_name',
    'actor_unit_code',
    'reason',
    'before',
    'after',
  ].join(', ');
  const recorded = (row: string, action: string, before: string, after: string) =>
    [
      literal(declaration.table),
      `${row}.${rowKey}`,
      ...entityColumns.map(([, value]) => rowValue(value, row)),
      unit(row),
      literal(action),
      ACTOR_SQL,
      REASON_SQL,
      before,
      after,
    ].join(', ');
  const intoHistory = `insert into ${schema}."change_history" (${historyColumns})`;
  // Transition tables carry no statistics, and a nested loop over the old and new rows of a bulk
  // update is quadratic: the function turns nested loops off (see `set enable_nestloop` below).
  const updatedRows = `new_rows r join old_rows o on o.${rowKey} = r.${rowKey}`;
  const jsonOf = (row: string) =>
    ignored.length ? `to_jsonb(${row}) - ${literal(`{${ignored.join(',')}}`)}::text[]` : `to_jsonb(${row})`;
  const reallyChanged = `${jsonOf('o')} is distinct from ${jsonOf('r')}`;

  const branches = {
    insert: [`${intoHistory}\n    select ${recorded('r', 'create', 'null', 'to_json(r)')} from new_rows r;`],
    update: [
      `${intoHistory}\n    select ${recorded('r', 'update', 'to_json(o)', 'to_json(r)')}\n      from ${updatedRows}\n     where ${reallyChanged};`,
    ],
    delete: [`${intoHistory}\n    select ${recorded('r', 'delete', 'to_json(r)', 'null')} from old_rows r;`],
  };

  const events = declaration.events;
  if (events) {
    const aggregateType = events.aggregateType;
    if (!/^[a-z][a-z0-9_-]*$/.test(aggregateType)) {
      throw new Error(`history: aggregate type "${aggregateType}" must be lower-case words`);
    }
    const aggregateId = (row: string) =>
      `(${rowValue(events.aggregateId ?? declaration.rowKey ?? 'id', row)})::text`;
    const payloadOf = (row: string) =>
      `jsonb_build_object(${(events.payloadColumns ?? [])
        .map((column) => `${literal(column)}, ${row}.${identifier(column, 'payload column')}`)
        .join(', ')})`;
    const payload = (before: string | null, after: string | null) =>
      `jsonb_build_object('before', ${before ? payloadOf(before) : 'null'}, 'after', ${after ? payloadOf(after) : 'null'})`;
    const intoOutbox = `insert into ${schema}."outbox" (aggregate_type, aggregate_id, event_type, payload, unit_id)`;
    const event = (name: string) => literal(`${aggregateType}.${name}`);
    branches.insert.push(
      `${intoOutbox}\n    select ${literal(aggregateType)}, ${aggregateId('r')}, ${event('created')}, ${payload(null, 'r')}, ${unit('r')} from new_rows r;`,
    );
    // An update is announced as `updated`, and also as `status-changed` when the status moved.
    const statusChanged = events.statusColumn
      ? ` union all select ${event('status-changed')} where o.${identifier(events.statusColumn, 'status column')} is distinct from r.${identifier(events.statusColumn, 'status column')}`
      : '';
    branches.update.push(
      `${intoOutbox}\n    select ${literal(aggregateType)}, ${aggregateId('r')}, e.event_type, ${payload('o', 'r')}, ${unit('r')}\n      from ${updatedRows}\n      cross join lateral (select ${event('updated')}${statusChanged}) e(event_type)\n     where ${reallyChanged};`,
    );
    branches.delete.push(
      `${intoOutbox}\n    select ${literal(aggregateType)}, ${aggregateId('r')}, ${event('deleted')}, ${payload('r', null)}, ${unit('r')} from old_rows r;`,
    );
  }

  // Static SQL per event: a transition table exists only for its own event, and PL/pgSQL plans a
  // statement only when it first runs. Runs as the owner (security definer), so that the subgraph's
  // role can read the history but never write it.
  const body = `begin
  if tg_op = 'INSERT' then
    ${branches.insert.join('\n    ')}
  elsif tg_op = 'UPDATE' then
    ${branches.update.join('\n    ')}
  else
    ${branches.delete.join('\n    ')}
  end if;
  return null;
end`;
  const up = [
    `create or replace function ${functionName}() returns trigger language plpgsql security definer set search_path = pg_catalog, ${schema} set enable_nestloop = off as $$\n${body}\n$$;`,
  ];
  const down: string[] = [];
  for (const [event, transition] of TRIGGER_EVENTS) {
    const trigger = identifier(`${declaration.table}_history_${event}`, 'table');
    up.push(`drop trigger if exists ${trigger} on ${qualified};`);
    up.push(
      `create trigger ${trigger} after ${event} on ${qualified} ${transition} for each statement execute function ${functionName}();`,
    );
    down.push(`drop trigger if exists ${trigger} on ${qualified};`);
  }
  down.push(`drop function if exists ${functionName}();`);
  return { up, down };
}

export type ChangeHistoryTableDeclaration = {
  schema: string;
  /**
   * The entity id columns (uuid) that the triggers fill in from each table's `entityColumns`; each
   * gets an index with the record id, for "the history of this entitlement, newest first".
   */
  entityColumns: readonly string[];
  /** SQL type of `row_id`: uuid, or text when some recorded table's key is not a uuid. */
  rowIdType?: 'uuid' | 'text';
  /** Row-level security: SQL over a history row saying whether the caller reads it (the rows in scope). */
  readableWhen: string;
};

/**
 * SQL that turns the `unit_code` of `<schema>.change_history` and `<schema>.outbox` (as the first
 * `changeHistoryTable` and `outboxTable` made them) into `unit_id`, the unit version (a code names
 * other territory after the 2025 reform), and adds the change's `reason`. Rows recorded before get the
 * unit that had the code when they were written (the one still in force). Regenerate the triggers
 * (`historyTriggers`) in the same migration.
 */
export function historyUnitIdentitySql(
  schemaName: string,
  options: {
    outbox: boolean;
    /** The history's row-level security (see `changeHistoryTable`), over `unit_id` now. */
    readableWhen: string;
    /** The one it replaces, over `unit_code` (for `down`). */
    formerReadableWhen: string;
  },
): MigrationSql {
  const schema = identifier(schemaName, 'schema');
  const history = `${schema}."change_history"`;
  const tables = [history, ...(options.outbox ? [`${schema}."outbox"`] : [])];
  const policy = (readableWhen: string) => [
    `drop policy if exists "history_scope" on ${history};`,
    `create policy "history_scope" on ${history} for select using (${readableWhen});`,
  ];
  const up = [`drop policy if exists "history_scope" on ${history};`];
  up.push(
    ...tables.flatMap((table) => [
      `alter table ${table} add column "unit_id" uuid null;`,
      `update ${table} t set "unit_id" = u.id from registry.v_units u where u.code = t.unit_code and u.valid_to is null;`,
      `alter table ${table} drop column "unit_code";`,
    ]),
  );
  up.push(`alter table ${history} add column "reason" text null;`, ...policy(options.readableWhen));
  const down = [
    `drop policy if exists "history_scope" on ${history};`,
    `alter table ${history} drop column "reason";`,
    ...tables.flatMap((table) => [
      `alter table ${table} add column "unit_code" varchar(5) null;`,
      `update ${table} t set "unit_code" = u.code from registry.v_units u where u.id = t.unit_id;`,
      `alter table ${table} drop column "unit_id";`,
    ]),
    ...policy(options.formerReadableWhen),
  ];
  return { up, down };
}

/**
 * SQL that creates `<schema>.change_history` (in its first shape: `historyUnitIdentitySql` follows
 * in a later migration; what this returns is part of landed migrations): readable by the subgraph's role under row-level
 * security, written only by the history triggers (they run as the owner).
 */
export function changeHistoryTable(declaration: ChangeHistoryTableDeclaration): MigrationSql {
  const schema = identifier(declaration.schema, 'schema');
  const table = `${schema}."change_history"`;
  const role = identifier(subgraphRole(declaration.schema), 'role');
  const entityColumns = declaration.entityColumns.map((column) => identifier(column, 'entity column'));
  const columns = [
    '"id" bigserial primary key',
    '"table_name" varchar(40) not null',
    `"row_id" ${declaration.rowIdType ?? 'uuid'} not null`,
    ...entityColumns.map((column) => `${column} uuid null`),
    '"unit_code" varchar(5) null',
    `"action" text not null check ("action" in ('create', 'update', 'delete'))`,
    '"changed_at" timestamptz not null default now()',
    '"actor_id" text not null',
    '"actor_name" text not null',
    '"actor_unit_code" varchar(5) null',
    // json, not jsonb: written on every change, read whole, and it keeps the columns in table order.
    '"before" json null',
    '"after" json null',
  ];
  return {
    up: [
      `create table ${table} (${columns.join(', ')});`,
      ...declaration.entityColumns.map(
        (column) =>
          `create index ${identifier(`change_history_${column}_id_index`, 'index')} on ${table} ("${column}", "id") where "${column}" is not null;`,
      ),
      `alter table ${table} enable row level security;`,
      `create policy "history_scope" on ${table} for select using (${declaration.readableWhen});`,
      // The schema's default privileges give the role every table; history is read, never written.
      `revoke all on ${table} from ${role};`,
      `grant select on ${table} to ${role};`,
      `revoke all on sequence ${schema}."change_history_id_seq" from ${role};`,
    ],
    down: [`drop table if exists ${table};`],
  };
}

/**
 * SQL that creates `<schema>.outbox` (in its first shape, see `historyUnitIdentitySql`): domain events written by the history triggers in the
 * transaction of the change, for a relay to publish (`published_at` null until then) in `id` order.
 * No grant to the subgraph's role: requests neither read nor write events; the relay runs as the owner.
 */
export function outboxTable(schemaName: string): MigrationSql {
  const schema = identifier(schemaName, 'schema');
  const table = `${schema}."outbox"`;
  const role = identifier(subgraphRole(schemaName), 'role');
  return {
    up: [
      `create table ${table} ("id" bigserial primary key, "aggregate_type" text not null, "aggregate_id" text not null, "event_type" text not null, "payload" jsonb not null, "unit_code" varchar(5) null, "occurred_at" timestamptz not null default now(), "published_at" timestamptz null);`,
      `create index "outbox_unpublished_index" on ${table} ("id") where "published_at" is null;`,
      `alter table ${table} enable row level security;`,
      `revoke all on ${table} from ${role};`,
      `revoke all on sequence ${schema}."outbox_id_seq" from ${role};`,
    ],
    down: [`drop table if exists ${table};`],
  };
}
