import { Migration } from '@mikro-orm/migrations';

/**
 * What reporting's statistics need of persons (registry README, contract v1 additions):
 * - `v_person_facts` gains `gender` and `ethnicity_code` at its end, and reporting's role may read it
 *   (unfiltered, no name, no ID number): figures of months paid before a person moved, or before the
 *   reform, are broken down by the person's facts wherever the person lives now;
 * - `report_marks (person_id)`: a change of the facts figures are broken down by (gender, ethnicity,
 *   birth, status) marks the person in its own transaction; `take_report_marks()` hands the persons to
 *   reporting and empties them (executable by reporting's role only).
 */
export class Migration20261203110000 extends Migration {

  override name = 'Migration20261203110000';

  override up(): void | Promise<void> {
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_reporting') then create role ansinh_reporting nologin; end if; end $$;`);
    this.addSql(`create or replace view "registry"."v_person_facts" as
      select id as person_id, residence_unit_id as unit_id, status, status_date, birth_year,
             extract(month from birth_date)::int as birth_month, gender, ethnicity_code
        from "registry"."persons";`);
    this.addSql(`grant select on "registry"."v_person_facts" to ansinh_reporting;`);
    this.addSql(`create table "registry"."report_marks" ("person_id" uuid not null, constraint "report_marks_pkey" primary key ("person_id"));`);
    this.addSql(`create function "registry"."mark_persons_for_reports"() returns trigger language plpgsql as $$
      begin
        insert into registry.report_marks (person_id)
        select n.id from old_rows o join new_rows n on n.id = o.id
         where (o.gender, o.ethnicity_code, o.birth_year, o.birth_date, o.status)
               is distinct from (n.gender, n.ethnicity_code, n.birth_year, n.birth_date, n.status)
        on conflict do nothing;
        return null;
      end $$;`);
    this.addSql(`create trigger "persons_report_marks_update" after update on "registry"."persons" referencing old table as old_rows new table as new_rows for each statement execute function "registry"."mark_persons_for_reports"();`);
    this.addSql(`create function "registry"."take_report_marks"() returns table (person_id uuid)
      language sql security definer set search_path = pg_catalog, registry as $$
        delete from registry.report_marks returning person_id;
      $$;`);
    this.addSql(`revoke all on function "registry"."take_report_marks"() from public;`);
    this.addSql(`grant execute on function "registry"."take_report_marks"() to ansinh_reporting;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "registry"."take_report_marks"();`);
    this.addSql(`drop trigger if exists "persons_report_marks_update" on "registry"."persons";`);
    this.addSql(`drop function if exists "registry"."mark_persons_for_reports"();`);
    this.addSql(`drop table if exists "registry"."report_marks";`);
    this.addSql(`drop view "registry"."v_person_facts";`);
    this.addSql(`create view "registry"."v_person_facts" as
      select id as person_id, residence_unit_id as unit_id, status, status_date, birth_year,
             extract(month from birth_date)::int as birth_month
        from "registry"."persons";`);
    this.addSql(`revoke all on "registry"."v_person_facts" from ansinh_registry, ansinh_view_reader;`);
  }

}
