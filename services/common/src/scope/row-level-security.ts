import type { PolicyDef } from '@mikro-orm/core';

/**
 * The second line of the scope rule, in the database: each request runs as its subgraph's role
 * with the caller's unit path in this setting, and row-level security policies (plus the filters in
 * the published views) hide every row of a unit outside that subtree, so that a forgotten filter in
 * code cannot leak. Owners (migrations, seeds) are not subject to it.
 */
export const SCOPE_SETTING = 'ansinh.scope_path';

/** The database role a subgraph's requests run as (created by its migrations). */
export const subgraphRole = (schema: string) => `ansinh_${schema}`;

/**
 * SQL subquery: the codes of the current units under the ltree path given as its one parameter.
 * Only current units: codes were reused after the 2025 reform for other territory.
 */
export const SUBTREE_UNIT_CODES =
  'select code from registry.v_units where valid_to is null and path <@ ?::ltree';

/**
 * SQL: the unit code in `column` is a current unit in the subtree of the current scope (nothing when
 * none is set). Only current units: codes were reused after the 2025 reform for other territory.
 */
export function unitInScopeSql(column: string): string {
  return `${column} in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('${SCOPE_SETTING}', true), '')::ltree)`;
}

/** Row-level security policy of a table whose rows belong to the unit in `property`. */
export function unitScopePolicy<T>(property: keyof T & string): PolicyDef<T> {
  return {
    name: 'unit_scope',
    using: (columns) => unitInScopeSql((columns as Record<string, string>)[property]!),
    check: (columns) => unitInScopeSql((columns as Record<string, string>)[property]!),
  };
}

/** Who is making the change, read by the change-history triggers (`historyTriggers`, services/common/src/history). */
export const ACTOR_SETTINGS = {
  id: 'ansinh.actor_id',
  name: 'ansinh.actor_name',
  unit: 'ansinh.actor_unit',
} as const;

export type Actor = { id: string; name: string; unitCode: string };

export function scopeSessionContext(schema: string, scopePath: string | undefined, actor?: Actor) {
  return {
    role: subgraphRole(schema),
    variables: {
      [SCOPE_SETTING]: scopePath ?? '',
      [ACTOR_SETTINGS.id]: actor?.id ?? '',
      [ACTOR_SETTINGS.name]: actor?.name ?? '',
      [ACTOR_SETTINGS.unit]: actor?.unitCode ?? '',
    },
  };
}
