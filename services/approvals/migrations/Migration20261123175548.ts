import { Migration } from '@mikro-orm/migrations';

export class Migration20261123175548 extends Migration {

  override name = 'Migration20261123175548';

  override up(): void | Promise<void> {
    this.addSql(`alter table "approvals"."entitlements" enable row level security;`);
    this.addSql(`create policy "unit_scope" on "approvals"."entitlements" using (unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree)) with check (unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree));`);

    // Requests run as this role (set local role) with the caller's unit path in ansinh.scope_path.
    // Roles are cluster-wide and shared by every database of the cluster, so they are created once and never dropped here.
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_view_reader') then create role ansinh_view_reader nologin; end if; if not exists (select from pg_roles where rolname = 'ansinh_approvals') then create role ansinh_approvals nologin; end if; end $$;`);
    this.addSql(`grant ansinh_approvals to current_user;`);
    this.addSql(`grant ansinh_view_reader to ansinh_approvals;`);
    this.addSql(`grant usage on schema "approvals" to ansinh_approvals, ansinh_view_reader;`);
    this.addSql(`grant select, insert, update, delete on "approvals"."entitlements", "approvals"."standard_levels" to ansinh_approvals;`);
    this.addSql(`grant usage, select on all sequences in schema "approvals" to ansinh_approvals;`);
    this.addSql(`alter default privileges in schema "approvals" grant select, insert, update, delete on tables to ansinh_approvals;`);
    this.addSql(`alter default privileges in schema "approvals" grant usage, select on sequences to ansinh_approvals;`);

    // The published view runs with its owner's rights, which row-level security does not restrict: it applies the scope
    // itself. It also takes a province's own standard level only when higher than the national one.
    this.addSql(`create or replace view "approvals"."v_active_entitlements" as
      with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current)
      select e.id as entitlement_id, e.person_id, e.unit_code, e.policy_group, e.coefficient_hundredths,
             e.start_month, e.end_month, e.decision_number, e.decision_date,
             round(level.amount * e.coefficient_hundredths / 100.0)::bigint as monthly_amount
      from "approvals"."entitlements" e
      cross join month
      left join registry.v_units u on u.code = e.unit_code and u.valid_to is null
      cross join lateral (
        -- the national level in force, or the province's own when higher (never less than national)
        select greatest(
          (select sl.amount from "approvals"."standard_levels" sl
            where sl.province_code is null and sl.valid_from_month <= month.current
            order by sl.valid_from_month desc limit 1),
          (select sl.amount from "approvals"."standard_levels" sl
            where sl.province_code = ltree2text(subpath(u.path, 0, 1)) and sl.valid_from_month <= month.current
            order by sl.valid_from_month desc limit 1)
        ) as amount
      ) level
      where e.status = 'active' and e.start_month <= month.current
        and (e.end_month is null or e.end_month >= month.current)
        and e.unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree);`);
    this.addSql(`grant select on "approvals"."v_active_entitlements" to ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`revoke select on "approvals"."v_active_entitlements" from ansinh_view_reader;`);
    this.addSql(`create or replace view "approvals"."v_active_entitlements" as
      with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current)
      select e.id as entitlement_id, e.person_id, e.unit_code, e.policy_group, e.coefficient_hundredths,
             e.start_month, e.end_month, e.decision_number, e.decision_date,
             round(level.amount * e.coefficient_hundredths / 100.0)::bigint as monthly_amount
      from "approvals"."entitlements" e
      cross join month
      left join registry.v_units u on u.code = e.unit_code and u.valid_to is null
      cross join lateral (
        select sl.amount from "approvals"."standard_levels" sl
        where sl.valid_from_month <= month.current
          and (sl.province_code is null or sl.province_code = ltree2text(subpath(u.path, 0, 1)))
        order by sl.valid_from_month desc, sl.province_code is null
        limit 1
      ) level
      where e.status = 'active' and e.start_month <= month.current
        and (e.end_month is null or e.end_month >= month.current);`);
    this.addSql(`alter default privileges in schema "approvals" revoke all on tables from ansinh_approvals;`);
    this.addSql(`alter default privileges in schema "approvals" revoke all on sequences from ansinh_approvals;`);
    this.addSql(`revoke all on all tables in schema "approvals" from ansinh_approvals;`);
    this.addSql(`revoke all on all sequences in schema "approvals" from ansinh_approvals;`);
    this.addSql(`revoke usage on schema "approvals" from ansinh_approvals, ansinh_view_reader;`);

    this.addSql(`drop policy "unit_scope" on "approvals"."entitlements";`);

    this.addSql(`alter table "approvals"."entitlements" disable row level security;`);
  }

}
