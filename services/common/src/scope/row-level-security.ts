import type { PolicyDef } from '@mikro-orm/core';
import { TODAY_IN_VIETNAM_SQL } from '../time/today.ts';

/**
 * The second line of the scope rule, in the database: each request runs as its subgraph's role
 * with the caller's unit path in this setting, and row-level security policies (plus the filters in
 * the published views) hide every row of a unit outside that subtree, so that a forgotten filter in
 * code cannot leak. Owners (migrations, seeds) are not subject to it.
 */
export const SCOPE_SETTING = 'ansinh.scope_path';

/** Why the change is made (`reform 2025-07-01`), recorded with it by the change-history triggers. */
export const CHANGE_REASON_SETTING = 'ansinh.change_reason';

/** The database role a subgraph's requests run as (created by its migrations). */
export const subgraphRole = (schema: string) => `ansinh_${schema}`;

/** SQL: the unit at the request's scope path (none when no scope is set). */
const SCOPE_UNIT_SQL = `select s.path, s.scope_paths, s.valid_to from registry.v_units s where s.path = nullif(current_setting('${SCOPE_SETTING}', true), '')::ltree`;

/**
 * SQL subquery: the ids of the units readable in the current scope: every unit under the scope
 * unit's `scope_paths` (its own path and those of the units merged whole into it, across eras).
 */
export const READABLE_UNIT_IDS = `select u.id from registry.v_units u, (${SCOPE_UNIT_SQL}) s where u.path <@ s.scope_paths`;

/**
 * SQL subquery: the ids of the units writable in the current scope: units in force today under the
 * scope path, when the scope unit itself is in force (a unit that has ended only reads).
 */
export const WRITABLE_UNIT_IDS = `select u.id from registry.v_units u, (${SCOPE_UNIT_SQL}) s where u.path <@ s.path and (s.valid_to is null or s.valid_to >= ${TODAY_IN_VIETNAM_SQL}) and (u.valid_to is null or u.valid_to >= ${TODAY_IN_VIETNAM_SQL})`;

/** SQL subquery with one ltree[] parameter: the ids of the units under any of those paths. */
export const UNIT_IDS_UNDER = 'select id from registry.v_units where path <@ ?::ltree[]';

/** SQL: the unit id in `column` is readable in the current scope (nothing when none is set). */
export function unitReadableSql(column: string): string {
  return `${column} in (${READABLE_UNIT_IDS})`;
}

/** SQL: the unit id in `column` is writable in the current scope. */
export function unitWritableSql(column: string): string {
  return `${column} in (${WRITABLE_UNIT_IDS})`;
}

/**
 * SQL: the person in `column` is readable in the current scope now (the registry's published
 * `v_person_units` is filtered by it). Records tied to a person follow the person: the unit that
 * holds the person today reads the records its predecessors made. Correlated on the person's key, so
 * that a policy checks the rows a query reads rather than listing every person in a province.
 */
export function personInScopeSql(column: string): string {
  // The view's column is renamed so that a bare `person_id` given here names the outer row's, never the view's.
  return `exists (select 1 from registry.v_person_units as v(person_in_scope) where v.person_in_scope = ${column})`;
}

/** Row-level security policy of a table whose rows belong to the unit (id) in `property`. */
export function unitScopePolicy<T>(property: keyof T & string): PolicyDef<T> {
  return {
    name: 'unit_scope',
    using: (columns) => unitReadableSql((columns as Record<string, string>)[property]!),
    check: (columns) => unitWritableSql((columns as Record<string, string>)[property]!),
  };
}

/**
 * Row-level security policy of a table whose rows belong to a unit (id) and a person: readable by
 * whoever reads the unit or the person now, written only within the writable scope.
 */
export function personRecordPolicy<T>(
  unitProperty: keyof T & string,
  personProperty: keyof T & string,
): PolicyDef<T> {
  return {
    name: 'unit_scope',
    using: (columns) => {
      const names = columns as Record<string, string>;
      return `${unitReadableSql(names[unitProperty]!)} or ${personInScopeSql(names[personProperty]!)}`;
    },
    check: (columns) => unitWritableSql((columns as Record<string, string>)[unitProperty]!),
  };
}

/** Who is making the change, read by the change-history triggers (`historyTriggers`, services/common/src/history). */
export const ACTOR_SETTINGS = {
  id: 'ansinh.actor_id',
  name: 'ansinh.actor_name',
  unit: 'ansinh.actor_unit',
} as const;

export type Actor = { id: string; name: string; unitCode: string };

/**
 * `on` when the caller may read confidential categories (HIV groups): published views show a
 * confidential category to such a caller only, and mask it for every other reader.
 */
export const READ_CONFIDENTIAL_SETTING = 'ansinh.read_confidential';

/** SQL: whether the session may read confidential categories (see READ_CONFIDENTIAL_SETTING). */
export const READS_CONFIDENTIAL_SQL = `coalesce(current_setting('${READ_CONFIDENTIAL_SETTING}', true), '') = 'on'`;

export function scopeSessionContext(
  schema: string,
  scopePath: string | undefined,
  actor?: Actor,
  options: { readConfidential?: boolean } = {},
) {
  return {
    role: subgraphRole(schema),
    variables: {
      [SCOPE_SETTING]: scopePath ?? '',
      [ACTOR_SETTINGS.id]: actor?.id ?? '',
      [ACTOR_SETTINGS.name]: actor?.name ?? '',
      [ACTOR_SETTINGS.unit]: actor?.unitCode ?? '',
      [READ_CONFIDENTIAL_SETTING]: options.readConfidential ? 'on' : 'off',
    },
  };
}
