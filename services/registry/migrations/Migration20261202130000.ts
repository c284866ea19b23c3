import { Migration } from '@mikro-orm/migrations';

/**
 * Two unfiltered published views for the approvals' set-based rules, readable by no subgraph role
 * (only by functions that run as the owner and filter what they answer), as `v_person_residence`:
 * - `v_person_facts`: what the money rule and the stop proposals need of a person (where they live,
 *   alive or not and since when, the birth month that switches an age band);
 * - `v_same_human`: pairs of records that a duplicate warning links as possibly one human (open, or
 *   merged by an official), both ways, for the one-person-one-policy check.
 */
export class Migration20261202130000 extends Migration {

  override name = 'Migration20261202130000';

  override up(): void | Promise<void> {
    this.addSql(`create view "registry"."v_person_facts" as
      select id as person_id, residence_unit_id as unit_id, status, status_date,
             birth_year, extract(month from birth_date)::int as birth_month
        from "registry"."persons";`);
    this.addSql(`create view "registry"."v_same_human" as
      select person_id, matched_person_id as other_person_id, status from "registry"."duplicate_warnings" where status in ('open', 'merged')
      union all
      select matched_person_id, person_id, status from "registry"."duplicate_warnings" where status in ('open', 'merged');`);
    this.addSql(`revoke all on "registry"."v_person_facts", "registry"."v_same_human" from ansinh_registry, ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop view if exists "registry"."v_same_human";`);
    this.addSql(`drop view if exists "registry"."v_person_facts";`);
  }

}
