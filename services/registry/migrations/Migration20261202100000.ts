import { Migration } from '@mikro-orm/migrations';

/**
 * Units as identities with lineage (issue 10). Every row of registry.administrative_units is one unit
 * version (code + validity); its lineage columns are derived from codes and dates by one set-based SQL
 * function, registry.refresh_unit_lineage(), run here and by the units import in its transaction:
 * - path: version-qualified labels, `<code>` when valid_from is null, else `<code>_<yyyymmdd>`
 *   (`42_20250701.18073_20250701` beside the old `42.436.18073`), down the parents' chain;
 * - parent_id: the version of parent_code whose period covers the unit's;
 * - successor_ids: the versions of successor_codes that start the day after the unit ends;
 * - scope_paths: the unit's own path, then the paths of every unit merged whole into it, recursively;
 * - former_district_ids (communes): the districts the commune and all its predecessors lay in.
 */
const REFRESH_UNIT_LINEAGE = `
create or replace function registry.refresh_unit_lineage() returns integer
language plpgsql as $function$
declare
  changed integer;
begin
  with recursive
  units as (
    select id, code, level, parent_code, valid_from, valid_to, successor_codes,
      daterange(valid_from, valid_to, '[]') as period,
      text2ltree(case when valid_from is null then code else code || '_' || to_char(valid_from, 'YYYYMMDD') end) as label
    from registry.administrative_units
  ),
  parents as (
    select distinct on (child.id) child.id, parent.id as parent_id
    from units child
    join units parent on parent.code = child.parent_code and parent.id <> child.id and parent.period @> child.period
    order by child.id, parent.valid_from desc nulls last
  ),
  linked as (
    select units.*, parents.parent_id from units left join parents using (id)
  ),
  -- Down from the roots; units in a cycle of parents are never reached and keep the path they have.
  paths as (
    select id, label as path, 1 as depth from linked where parent_id is null
    union all
    select child.id, paths.path || child.label, paths.depth + 1
    from paths join linked child on child.parent_id = paths.id
    where paths.depth < 16
  ),
  successors as (
    select unit.id, array_agg(successor.id order by successor.code, successor.id) as successor_ids
    from units unit
    cross join lateral unnest(unit.successor_codes) as named(code)
    join units successor on successor.code = named.code and successor.valid_from = unit.valid_to + 1
    group by unit.id
  ),
  edges as (
    select id as predecessor, unnest(successor_ids) as successor, cardinality(successor_ids) = 1 as whole
    from successors
  ),
  -- UNION (not UNION ALL): a cycle across periods ends once every pair is known.
  absorbed as (
    select successor as id, predecessor from edges where whole
    union
    select absorbed.id, edges.predecessor from absorbed join edges on edges.successor = absorbed.predecessor and edges.whole
  ),
  predecessors as (
    select successor as id, predecessor from edges
    union
    select predecessors.id, edges.predecessor from predecessors join edges on edges.successor = predecessors.predecessor
  ),
  districts as (
    select linked.id, parent.id as district_id
    from linked join units parent on parent.id = linked.parent_id and parent.level = 'district'
    where linked.level = 'commune'
  ),
  resolved as (
    select linked.id, linked.level, linked.parent_id, coalesce(paths.path, stored.path) as path
    from linked
    join registry.administrative_units stored on stored.id = linked.id
    left join paths on paths.id = linked.id
  ),
  scopes as (
    select absorbed.id, array_agg(whole.path order by whole.path) as paths
    from absorbed join resolved whole on whole.id = absorbed.predecessor
    where absorbed.predecessor <> absorbed.id
    group by absorbed.id
  ),
  former_districts as (
    select members.id, array_agg(distinct districts.district_id order by districts.district_id) as district_ids
    from (
      select id, id as member from linked where level = 'commune'
      union
      select predecessors.id, predecessors.predecessor from predecessors
    ) members
    join districts on districts.id = members.member
    group by members.id
  ),
  computed as (
    select resolved.id, resolved.path, resolved.parent_id,
      coalesce(successors.successor_ids, '{}') as successor_ids,
      array[resolved.path] || coalesce(scopes.paths, '{}') as scope_paths,
      case when resolved.level = 'commune' then coalesce(former_districts.district_ids, '{}') else '{}' end
        as former_district_ids
    from resolved
    left join successors on successors.id = resolved.id
    left join scopes on scopes.id = resolved.id
    left join former_districts on former_districts.id = resolved.id
  )
  update registry.administrative_units unit
  set path = computed.path, parent_id = computed.parent_id, successor_ids = computed.successor_ids,
    scope_paths = computed.scope_paths, former_district_ids = computed.former_district_ids
  from computed
  where computed.id = unit.id
    and (unit.path, unit.parent_id, unit.successor_ids, unit.scope_paths, unit.former_district_ids)
      is distinct from (computed.path, computed.parent_id, computed.successor_ids, computed.scope_paths, computed.former_district_ids);
  get diagnostics changed = row_count;
  return changed;
end
$function$;`;

export class Migration20261202100000 extends Migration {

  override name = 'Migration20261202100000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "registry"."administrative_units" add "parent_id" uuid null, add "successor_ids" uuid[] not null default '{}', add "scope_paths" ltree[] not null default '{}', add "former_district_ids" uuid[] not null default '{}';`);
    this.addSql(`create index "administrative_units_parent_id_index" on "registry"."administrative_units" ("parent_id");`);
    this.addSql(`create index "administrative_units_successor_ids_gin" on "registry"."administrative_units" using gin ("successor_ids");`);
    this.addSql(`create index "administrative_units_scope_paths_gist" on "registry"."administrative_units" using gist ("scope_paths");`);
    this.addSql(`create index "administrative_units_former_district_ids_gin" on "registry"."administrative_units" using gin ("former_district_ids");`);
    this.addSql(REFRESH_UNIT_LINEAGE);
    // Only the schema owner (migrations, the units import) recomputes lineage.
    this.addSql(`revoke all on function registry.refresh_unit_lineage() from public;`);
    // Re-labels the stored units: version-qualified paths, parents, successors, scopes.
    this.addSql(`select registry.refresh_unit_lineage();`);
    // Published view (contract v2): the columns of v1 in their order (policies and views of every
    // subgraph select from it), then the identity and the lineage. Grants stay with the view.
    this.addSql(`create or replace view "registry"."v_units" as select code, name, full_name, level, kind, parent_code, path, valid_from, valid_to, id, parent_id, successor_codes, successor_ids, scope_paths, former_district_ids from "registry"."administrative_units";`);
  }

  override down(): void | Promise<void> {
    // The view keeps its columns (dependants may use them), no longer reading the dropped ones.
    this.addSql(`create or replace view "registry"."v_units" as select code, name, full_name, level, kind, parent_code, path, valid_from, valid_to, id, null::uuid as parent_id, '{}'::text[] as successor_codes, '{}'::uuid[] as successor_ids, array[path] as scope_paths, '{}'::uuid[] as former_district_ids from "registry"."administrative_units";`);
    this.addSql(`drop function if exists registry.refresh_unit_lineage();`);
    this.addSql(`update "registry"."administrative_units" set path = text2ltree(regexp_replace(path::text, '_[0-9]{8}', '', 'g')) where path::text ~ '_[0-9]{8}';`);
    this.addSql(`drop index if exists "registry"."administrative_units_parent_id_index";`);
    this.addSql(`drop index if exists "registry"."administrative_units_successor_ids_gin";`);
    this.addSql(`drop index if exists "registry"."administrative_units_scope_paths_gist";`);
    this.addSql(`drop index if exists "registry"."administrative_units_former_district_ids_gin";`);
    this.addSql(`alter table "registry"."administrative_units" drop column "parent_id", drop column "successor_ids", drop column "scope_paths", drop column "former_district_ids";`);
  }

}
