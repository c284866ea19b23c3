import { Migration } from '@mikro-orm/migrations';

export class Migration20261123175550 extends Migration {

  override name = 'Migration20261123175550';

  override up(): void | Promise<void> {
    this.addSql(`alter table "payments"."payment_lines" enable row level security;`);
    this.addSql(`create policy "unit_scope" on "payments"."payment_lines" using (unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree)) with check (unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree));`);

    // Requests run as this role (set local role) with the caller's unit path in ansinh.scope_path.
    // Roles are cluster-wide and shared by every database of the cluster, so they are created once and never dropped here.
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_view_reader') then create role ansinh_view_reader nologin; end if; if not exists (select from pg_roles where rolname = 'ansinh_payments') then create role ansinh_payments nologin; end if; end $$;`);
    this.addSql(`grant ansinh_payments to current_user;`);
    this.addSql(`grant ansinh_view_reader to ansinh_payments;`);
    this.addSql(`grant usage on schema "payments" to ansinh_payments, ansinh_view_reader;`);
    this.addSql(`grant select, insert, update, delete on "payments"."payment_lines" to ansinh_payments;`);
    this.addSql(`alter default privileges in schema "payments" grant select, insert, update, delete on tables to ansinh_payments;`);
    this.addSql(`alter default privileges in schema "payments" grant usage, select on sequences to ansinh_payments;`);

    // The published view runs with its owner's rights, which row-level security does not restrict: it applies the scope itself.
    this.addSql(`create or replace view "payments"."v_payment_lines" as select id as line_id, person_id, entitlement_id, unit_code, month, amount, arrears, channel, status, paid_on from "payments"."payment_lines" where unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree);`);
    this.addSql(`grant select on "payments"."v_payment_lines" to ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`revoke select on "payments"."v_payment_lines" from ansinh_view_reader;`);
    this.addSql(`create or replace view "payments"."v_payment_lines" as select id as line_id, person_id, entitlement_id, unit_code, month, amount, arrears, channel, status, paid_on from "payments"."payment_lines";`);
    this.addSql(`alter default privileges in schema "payments" revoke all on tables from ansinh_payments;`);
    this.addSql(`alter default privileges in schema "payments" revoke all on sequences from ansinh_payments;`);
    this.addSql(`revoke all on all tables in schema "payments" from ansinh_payments;`);
    this.addSql(`revoke usage on schema "payments" from ansinh_payments, ansinh_view_reader;`);

    this.addSql(`drop policy "unit_scope" on "payments"."payment_lines";`);

    this.addSql(`alter table "payments"."payment_lines" disable row level security;`);
  }

}
