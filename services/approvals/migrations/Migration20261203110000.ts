import { Migration } from '@mikro-orm/migrations';

/** The nil uuid in `report_marks.unit_id`: every unit (a standard level changes every amount of a province). */
const EVERY_UNIT = '00000000-0000-0000-0000-000000000000';

/**
 * What reporting's statistics need (approvals README, contract v4):
 * - `report_marks (unit_id, from_month)`: every statement that changes an entitlement, a decision or a
 *   standard level marks the paying unit and the first month whose figures it may change, in its own
 *   transaction (a category's change: every unit); `take_report_marks()` hands them to reporting and empties them (unit `${EVERY_UNIT}`:
 *   every unit, after a standard level change);
 * - `report_partitions_of_persons(persons)`: the paying units of those persons' entitlements and their
 *   first month (a person's registry facts, such as a corrected birth year, change their figures there);
 * - `entitlements_due(unit_ids, at_month)`: every entitlement of those units with an amount due in the
 *   month by its ledger (`entitlements_terms`), with its category, programme and person; only units the
 *   caller reads;
 * - `categories_of_entitlements(ids)`: the category and programme of each entitlement (a payment line's
 *   figures are broken down by them), whatever its state; executable by reporting's role only.
 * The functions run as the owner; the two that hand over marks are executable by reporting's role only.
 */
export class Migration20261203110000 extends Migration {

  override name = 'Migration20261203110000';

  override up(): void | Promise<void> {
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_reporting') then create role ansinh_reporting nologin; end if; end $$;`);
    this.addSql(`create table "approvals"."report_marks" ("unit_id" uuid not null, "from_month" varchar(7) not null, constraint "report_marks_pkey" primary key ("unit_id"));`);
    this.addSql(`create function "approvals"."mark_for_reports"(marks_unit uuid[], marks_month text[]) returns void language sql as $$
        insert into approvals.report_marks (unit_id, from_month)
        select unit_id, min(from_month) from unnest(marks_unit, marks_month) m(unit_id, from_month)
         where unit_id is not null and from_month is not null group by unit_id
        on conflict (unit_id) do update set from_month = least(report_marks.from_month, excluded.from_month)
         where excluded.from_month < report_marks.from_month;
      $$;`);
    // An entitlement's terms (unit, person, category, members, start) change its figures from its start;
    // its end (a stop, a relocation) from the earlier of the two ends; its status changes come with a decision.
    this.addSql(`create function "approvals"."mark_entitlements_for_reports"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          perform approvals.mark_for_reports(array_agg(unit_id), array_agg(start_month::text)) from new_rows;
        elsif tg_op = 'DELETE' then
          perform approvals.mark_for_reports(array_agg(unit_id), array_agg(start_month::text)) from old_rows;
        else
          perform approvals.mark_for_reports(array_agg(m.unit_id), array_agg(m.from_month))
             from old_rows o join new_rows n on n.id = o.id,
             lateral (values (o.unit_id, case when (o.unit_id, o.person_id, o.category_id, o.member_count, o.coefficient_hundredths, o.start_month)
                                                    is distinct from (n.unit_id, n.person_id, n.category_id, n.member_count, n.coefficient_hundredths, n.start_month)
                                               then least(o.start_month, n.start_month)
                                               when o.end_month is distinct from n.end_month
                                               then least(coalesce(o.end_month, '9999-12'), coalesce(n.end_month, '9999-12')) end::text),
                             (n.unit_id, case when o.unit_id is distinct from n.unit_id then n.start_month::text end)) m(unit_id, from_month);
        end if;
        return null;
      end $$;`);
    this.addSql(`create function "approvals"."mark_decisions_for_reports"() returns trigger language plpgsql as $$
      begin
        perform approvals.mark_for_reports(array_agg(e.unit_id), array_agg(d.effective_month::text))
           from new_rows d join approvals.entitlements e on e.id = d.entitlement_id;
        return null;
      end $$;`);
    this.addSql(`create function "approvals"."mark_standard_levels_for_reports"() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'DELETE' then
          perform approvals.mark_for_reports(array_agg('${EVERY_UNIT}'::uuid), array_agg(valid_from_month::text)) from new_rows;
        end if;
        if tg_op <> 'INSERT' then
          perform approvals.mark_for_reports(array_agg('${EVERY_UNIT}'::uuid), array_agg(valid_from_month::text)) from old_rows;
        end if;
        return null;
      end $$;`);
    // A category's rules (confidential, programme) are in every cell of it: every unit, every month kept.
    this.addSql(`create function "approvals"."mark_categories_for_reports"() returns trigger language plpgsql as $$
      begin
        perform approvals.mark_for_reports(array['${EVERY_UNIT}'::uuid], array['0000-01']);
        return null;
      end $$;`);
    this.addSql(`create trigger "categories_report_marks_update" after update on "approvals"."categories" for each statement execute function "approvals"."mark_categories_for_reports"();`);
    this.addSql(`create trigger "entitlements_report_marks_insert" after insert on "approvals"."entitlements" referencing new table as new_rows for each statement execute function "approvals"."mark_entitlements_for_reports"();`);
    this.addSql(`create trigger "entitlements_report_marks_update" after update on "approvals"."entitlements" referencing old table as old_rows new table as new_rows for each statement execute function "approvals"."mark_entitlements_for_reports"();`);
    this.addSql(`create trigger "entitlements_report_marks_delete" after delete on "approvals"."entitlements" referencing old table as old_rows for each statement execute function "approvals"."mark_entitlements_for_reports"();`);
    this.addSql(`create trigger "decisions_report_marks_insert" after insert on "approvals"."decisions" referencing new table as new_rows for each statement execute function "approvals"."mark_decisions_for_reports"();`);
    this.addSql(`create trigger "standard_levels_report_marks_insert" after insert on "approvals"."standard_levels" referencing new table as new_rows for each statement execute function "approvals"."mark_standard_levels_for_reports"();`);
    this.addSql(`create trigger "standard_levels_report_marks_update" after update on "approvals"."standard_levels" referencing old table as old_rows new table as new_rows for each statement execute function "approvals"."mark_standard_levels_for_reports"();`);
    this.addSql(`create trigger "standard_levels_report_marks_delete" after delete on "approvals"."standard_levels" referencing old table as old_rows for each statement execute function "approvals"."mark_standard_levels_for_reports"();`);
    this.addSql(`create function "approvals"."take_report_marks"() returns table (unit_id uuid, from_month text)
      language sql security definer set search_path = pg_catalog, approvals as $$
        delete from approvals.report_marks returning unit_id, from_month::text;
      $$;`);
    this.addSql(`create function "approvals"."report_partitions_of_persons"(person_ids uuid[]) returns table (unit_id uuid, from_month text)
      language sql stable security definer set search_path = pg_catalog, approvals as $$
        select e.unit_id, min(e.start_month)::text from approvals.entitlements e where e.person_id = any(person_ids) group by e.unit_id;
      $$;`);
    this.addSql(`create function "approvals"."categories_of_entitlements"(entitlement_ids uuid[]) returns table (entitlement_id uuid, category_id uuid, program_id text, confidential boolean)
      language sql stable security definer set search_path = pg_catalog, approvals as $$
        select e.id, c.id, c.program_id, c.confidential
          from approvals.entitlements e join approvals.categories c on c.id = e.category_id
         where e.id = any(entitlement_ids);
      $$;`);
    for (const fn of ['take_report_marks()', 'report_partitions_of_persons(uuid[])', 'categories_of_entitlements(uuid[])']) {
      this.addSql(`revoke all on function "approvals".${fn} from public;`);
      this.addSql(`grant execute on function "approvals".${fn} to ansinh_reporting;`);
    }
    this.addSql(`create function "approvals"."entitlements_due"(unit_ids uuid[], at_month text)
      returns table (entitlement_id uuid, person_id uuid, unit_id uuid, category_id uuid, program_id text, confidential boolean, amount bigint)
      language sql stable security definer set search_path = pg_catalog, approvals, public as $$
        with wanted as (
          select e.id, e.person_id, e.unit_id, e.category_id
            from approvals.entitlements e
           where e.unit_id = any(unit_ids) and e.start_month <= at_month
             and (e.end_month is null or e.end_month >= at_month)
             and e.unit_id in (select u.id from registry.v_units u, (select s.path, s.scope_paths from registry.v_units s where s.path = nullif(current_setting('ansinh.scope_path', true), '')::ltree) s where u.path <@ s.scope_paths)
        )
        select w.id, w.person_id, w.unit_id, w.category_id, c.program_id, c.confidential, t.amount
          from wanted w
          join approvals.entitlements_terms(array(select id from wanted), at_month) t on t.entitlement_id = w.id
          join approvals.categories c on c.id = w.category_id
         where t.amount is not null;
      $$;`);
    this.addSql(`grant execute on function "approvals"."entitlements_due"(uuid[], text) to ansinh_view_reader;`);
    // Every unit from the first month of any entitlement, for the first computation.
    this.addSql(`select approvals.mark_for_reports(array_agg(unit_id), array_agg(start_month::text)) from approvals.entitlements;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "approvals"."entitlements_due"(uuid[], text);`);
    this.addSql(`drop function if exists "approvals"."categories_of_entitlements"(uuid[]);`);
    this.addSql(`drop function if exists "approvals"."report_partitions_of_persons"(uuid[]);`);
    this.addSql(`drop function if exists "approvals"."take_report_marks"();`);
    for (const [table, kinds] of [['entitlements', ['insert', 'update', 'delete']], ['decisions', ['insert']], ['standard_levels', ['insert', 'update', 'delete']]] as const)
      for (const kind of kinds) this.addSql(`drop trigger if exists "${table}_report_marks_${kind}" on "approvals"."${table}";`);
    this.addSql(`drop trigger if exists "categories_report_marks_update" on "approvals"."categories";`);
    this.addSql(`drop function if exists "approvals"."mark_categories_for_reports"();`);
    this.addSql(`drop function if exists "approvals"."mark_standard_levels_for_reports"();`);
    this.addSql(`drop function if exists "approvals"."mark_decisions_for_reports"();`);
    this.addSql(`drop function if exists "approvals"."mark_entitlements_for_reports"();`);
    this.addSql(`drop function if exists "approvals"."mark_for_reports"(uuid[], text[]);`);
    this.addSql(`drop table if exists "approvals"."report_marks";`);
  }

}
