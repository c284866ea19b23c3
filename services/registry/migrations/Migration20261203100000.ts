import { Migration } from '@mikro-orm/migrations';
import { personInScopeSql } from '@ansinh/common';

/**
 * Published view `v_person_profile` (registry README, contract v1 addition) for reporting's statistics,
 * completeness and regulation reports: the facts of a person that figures are broken down by (gender,
 * ethnicity, birth) and whether the identity and account fields are filled, without the values (no
 * name, no ID number, no account number), for the persons the reader reads now.
 */
export class Migration20261203100000 extends Migration {

  override name = 'Migration20261203100000';

  override up(): void | Promise<void> {
    this.addSql(`create view "registry"."v_person_profile" as
      select p.id as person_id, p.residence_unit_id as unit_id, p.status, p.gender, p.ethnicity_code,
             p.birth_year, p.birth_date,
             p.citizen_id is not null as has_citizen_id,
             p.old_id_number is not null as has_old_id,
             exists (select 1 from "registry"."payment_accounts" a where a.person_id = p.id) as has_payment_account,
             exists (select 1 from "registry"."payment_accounts" a where a.person_id = p.id and a.kind = 'bank') as has_bank_account
        from "registry"."persons" p
       where ${personInScopeSql('p.id')};`);
    this.addSql(`grant select on "registry"."v_person_profile" to ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop view if exists "registry"."v_person_profile";`);
  }

}
