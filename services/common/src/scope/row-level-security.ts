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
 * `<@ any(...)` rather than ltree's `<@ ltree[]`, which no index serves: the policies that hold this
 * compute it once per statement, by the path index in under a millisecond instead of a 6–11 ms scan of
 * every unit of both eras.
 */
export const READABLE_UNIT_IDS = `select u.id from registry.v_units u, (${SCOPE_UNIT_SQL}) s where u.path <@ any(s.scope_paths)`;

/**
 * SQL (a DO block): rewrites, in one schema, the policies, views and functions that compare a unit's
 * path with `scope_paths` by ltree's unindexed `path <@ scope_paths` into the indexed
 * `path <@ any(scope_paths)` (see READABLE_UNIT_IDS): what the schema's migrations created before the
 * change holds the old form. Same meaning, NULL and empty arrays included; running it twice changes
 * nothing.
 */
export function indexScopePathsSql(schema: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(schema)) throw new Error(`indexScopePathsSql: not a schema name: ${schema}`);
  return `do $upgrade$
declare
  pattern constant text := '(\\m[a-z_0-9]+\\.path) <@ ([a-z_0-9]+\\.scope_paths)\\M';
  replacement constant text := '\\1 <@ ANY (\\2)';
  item record;
begin
  for item in select tablename, policyname, qual, with_check from pg_policies where schemaname = '${schema}' loop
    if item.qual ~ pattern then
      execute format('alter policy %I on %I.%I using (%s)', item.policyname, '${schema}', item.tablename,
                     regexp_replace(item.qual, pattern, replacement, 'g'));
    end if;
    if item.with_check ~ pattern then
      execute format('alter policy %I on %I.%I with check (%s)', item.policyname, '${schema}', item.tablename,
                     regexp_replace(item.with_check, pattern, replacement, 'g'));
    end if;
  end loop;
  for item in select c.relname, pg_get_viewdef(c.oid) as definition, c.reloptions
                from pg_class c where c.relnamespace = '${schema}'::regnamespace and c.relkind = 'v' loop
    if item.definition ~ pattern then
      execute format('create or replace view %I.%I%s as %s', '${schema}', item.relname,
                     case when item.reloptions is null then ''
                          else ' with (' || array_to_string(item.reloptions, ', ') || ')' end,
                     rtrim(regexp_replace(item.definition, pattern, replacement, 'g'), ';'));
    end if;
  end loop;
  for item in select p.oid from pg_proc p
               where p.pronamespace = '${schema}'::regnamespace and p.prokind = 'f' and p.prosrc ~ pattern loop
    execute regexp_replace(pg_get_functiondef(item.oid), pattern, replacement, 'g');
  end loop;
end
$upgrade$;`;
}

/**
 * SQL subquery: the ids of the units writable in the current scope: units in force today under the
 * scope path, when the scope unit itself is in force (a unit that has ended only reads).
 */
export const WRITABLE_UNIT_IDS = `select u.id from registry.v_units u, (${SCOPE_UNIT_SQL}) s where u.path <@ s.path and (s.valid_to is null or s.valid_to >= ${TODAY_IN_VIETNAM_SQL}) and (u.valid_to is null or u.valid_to >= ${TODAY_IN_VIETNAM_SQL})`;

/** SQL subquery with one ltree[] parameter: the ids of the units under any of those paths. */
export const UNIT_IDS_UNDER = 'select id from registry.v_units where path <@ any(?::ltree[])';

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
