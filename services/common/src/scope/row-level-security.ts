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

/** SQL: the unit code in `column` lies in the subtree of the current scope (nothing when none is set). */
export function unitInScopeSql(column: string): string {
  return `${column} in (select code from registry.v_units where path <@ nullif(current_setting('${SCOPE_SETTING}', true), '')::ltree)`;
}

/** Row-level security policy of a table whose rows belong to the unit in `property`. */
export function unitScopePolicy<T>(property: keyof T & string): PolicyDef<T> {
  return {
    name: 'unit_scope',
    using: (columns) => unitInScopeSql((columns as Record<string, string>)[property]!),
    check: (columns) => unitInScopeSql((columns as Record<string, string>)[property]!),
  };
}

export function scopeSessionContext(schema: string, scopePath: string | undefined) {
  return { role: subgraphRole(schema), variables: { [SCOPE_SETTING]: scopePath ?? '' } };
}
