import { Migration } from '@mikro-orm/migrations';

export class Migration20261123175546 extends Migration {

  override name = 'Migration20261123175546';

  override up(): void | Promise<void> {
    this.addSql(`alter table "registry"."persons" enable row level security;`);
    this.addSql(`create policy "unit_scope" on "registry"."persons" using (residence_unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree)) with check (residence_unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree));`);

    // Requests run as this role (set local role) with the caller's unit path in ansinh.scope_path.
    // Roles are cluster-wide and shared by every database of the cluster, so they are created once and never dropped here.
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_view_reader') then create role ansinh_view_reader nologin; end if; if not exists (select from pg_roles where rolname = 'ansinh_registry') then create role ansinh_registry nologin; end if; end $$;`);
    this.addSql(`grant ansinh_registry to current_user;`);
    this.addSql(`grant ansinh_view_reader to ansinh_registry;`);
    this.addSql(`grant usage on schema "registry" to ansinh_registry, ansinh_view_reader;`);
    this.addSql(`grant select, insert, update, delete on "registry"."administrative_units", "registry"."persons" to ansinh_registry;`);
    this.addSql(`alter default privileges in schema "registry" grant select, insert, update, delete on tables to ansinh_registry;`);
    this.addSql(`alter default privileges in schema "registry" grant usage, select on sequences to ansinh_registry;`);

    // One CCCD cannot belong to two living persons anywhere, but row-level security hides the persons
    // of other units: this answers only whether the number is taken, never by whom.
    this.addSql(`create function "registry"."living_citizen_id_taken"(candidate text) returns boolean language sql stable security definer set search_path = pg_catalog, registry as $$ select exists (select 1 from registry.persons where citizen_id = candidate and status = 'living') $$;`);
    this.addSql(`revoke all on function "registry"."living_citizen_id_taken"(text) from public;`);
    this.addSql(`grant execute on function "registry"."living_citizen_id_taken"(text) to ansinh_registry;`);

    // Published views run with their owner's rights, which row-level security does not restrict, so the
    // views that carry personal rows apply the scope themselves (contract v1 columns unchanged).
    this.addSql(`create or replace view "registry"."v_person_units" as select p.id as person_id, p.residence_unit_code as unit_code, u.path as unit_path, p.status from "registry"."persons" p left join "registry"."administrative_units" u on u.code = p.residence_unit_code and u.valid_to is null where p.residence_unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree);`);
    this.addSql(`grant select on "registry"."v_units", "registry"."v_person_units" to ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`revoke select on "registry"."v_units", "registry"."v_person_units" from ansinh_view_reader;`);
    this.addSql(`create or replace view "registry"."v_person_units" as select p.id as person_id, p.residence_unit_code as unit_code, u.path as unit_path, p.status from "registry"."persons" p left join "registry"."administrative_units" u on u.code = p.residence_unit_code and u.valid_to is null;`);
    this.addSql(`drop function if exists "registry"."living_citizen_id_taken"(text);`);
    this.addSql(`alter default privileges in schema "registry" revoke all on tables from ansinh_registry;`);
    this.addSql(`alter default privileges in schema "registry" revoke all on sequences from ansinh_registry;`);
    this.addSql(`revoke all on all tables in schema "registry" from ansinh_registry;`);
    this.addSql(`revoke usage on schema "registry" from ansinh_registry, ansinh_view_reader;`);

    this.addSql(`drop policy "unit_scope" on "registry"."persons";`);

    this.addSql(`alter table "registry"."persons" disable row level security;`);
  }

}
