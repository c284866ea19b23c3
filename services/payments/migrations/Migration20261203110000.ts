import { Migration } from '@mikro-orm/migrations';

/**
 * What reporting's statistics need to stay current (payments README, contract v2 additions): every
 * statement that writes payment lines marks the (paying unit, month) of the rows it wrote in
 * `report_marks`, in its own transaction, so a change is never missed and is seen only once committed;
 * reporting takes the marks with `take_report_marks()` (which empties them) and recomputes those
 * months, maps persons whose registry facts changed to the months they were paid in with
 * `report_partitions_of_persons(persons)`, and reads the lines of the (unit, month) pairs it computes
 * with `lines_for_reports(units, months)` (the columns of `v_payment_lines` it needs, for units the caller
 * reads, checked once per unit rather than per line as the view does). All run as the owner and are
 * executable by reporting's role only.
 */
export class Migration20261203110000 extends Migration {

  override name = 'Migration20261203110000';

  override up(): void | Promise<void> {
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_reporting') then create role ansinh_reporting nologin; end if; end $$;`);
    this.addSql(`create table "payments"."report_marks" ("unit_id" uuid not null, "month" varchar(7) not null, constraint "report_marks_pkey" primary key ("unit_id", "month"));`);
    this.addSql(`create function "payments"."mark_lines_for_reports"() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'DELETE' then
          insert into payments.report_marks (unit_id, month) select distinct unit_id, month from new_rows on conflict do nothing;
        end if;
        if tg_op <> 'INSERT' then
          insert into payments.report_marks (unit_id, month) select distinct unit_id, month from old_rows on conflict do nothing;
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger "payment_lines_report_marks_insert" after insert on "payments"."payment_lines" referencing new table as new_rows for each statement execute function "payments"."mark_lines_for_reports"();`);
    this.addSql(`create trigger "payment_lines_report_marks_update" after update on "payments"."payment_lines" referencing old table as old_rows new table as new_rows for each statement execute function "payments"."mark_lines_for_reports"();`);
    this.addSql(`create trigger "payment_lines_report_marks_delete" after delete on "payments"."payment_lines" referencing old table as old_rows for each statement execute function "payments"."mark_lines_for_reports"();`);
    this.addSql(`create function "payments"."take_report_marks"() returns table (unit_id uuid, month text)
      language sql security definer set search_path = pg_catalog, payments as $$
        delete from payments.report_marks returning unit_id, month::text;
      $$;`);
    this.addSql(`create function "payments"."report_partitions_of_persons"(person_ids uuid[]) returns table (unit_id uuid, month text)
      language sql stable security definer set search_path = pg_catalog, payments as $$
        select distinct l.unit_id, l.month::text from payments.payment_lines l where l.person_id = any(person_ids);
      $$;`);
    this.addSql(`create function "payments"."lines_for_reports"(unit_ids uuid[], months text[])
      returns table (line_id uuid, person_id uuid, entitlement_id uuid, unit_id uuid, month text, channel text, status text, total bigint, late boolean)
      language sql stable security definer set search_path = pg_catalog, payments, public as $$
        with wanted as (
          select p.unit_id, p.month from unnest(unit_ids, months) p(unit_id, month)
           where p.unit_id in (select u.id from registry.v_units u, (select s.scope_paths from registry.v_units s where s.path = nullif(current_setting('ansinh.scope_path', true), '')::ltree) s where u.path <@ s.scope_paths)
        )
        select l.id, l.person_id, l.entitlement_id, l.unit_id, l.month::text, l.channel, l.status, l.total, l.late
          from wanted w join payments.payment_lines l on l.unit_id = w.unit_id and l.month = w.month;
      $$;`);
    for (const fn of ['take_report_marks()', 'report_partitions_of_persons(uuid[])', 'lines_for_reports(uuid[], text[])']) {
      this.addSql(`revoke all on function "payments".${fn} from public;`);
      this.addSql(`grant execute on function "payments".${fn} to ansinh_reporting;`);
    }
    // Every month of every list written so far, for the first computation.
    this.addSql(`insert into "payments"."report_marks" (unit_id, month) select distinct unit_id, month from "payments"."payment_lines" on conflict do nothing;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "payments"."lines_for_reports"(uuid[], text[]);`);
    this.addSql(`drop function if exists "payments"."report_partitions_of_persons"(uuid[]);`);
    this.addSql(`drop function if exists "payments"."take_report_marks"();`);
    this.addSql(`drop trigger if exists "payment_lines_report_marks_delete" on "payments"."payment_lines";`);
    this.addSql(`drop trigger if exists "payment_lines_report_marks_update" on "payments"."payment_lines";`);
    this.addSql(`drop trigger if exists "payment_lines_report_marks_insert" on "payments"."payment_lines";`);
    this.addSql(`drop function if exists "payments"."mark_lines_for_reports"();`);
    this.addSql(`drop table if exists "payments"."report_marks";`);
  }

}
