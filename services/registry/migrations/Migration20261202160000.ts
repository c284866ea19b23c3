import { Migration } from '@mikro-orm/migrations';
import { personInScopeSql } from '@ansinh/common';

/**
 * Three published views for the payments subgraph (registry README, contract v1 additions), filtered to
 * the persons the reader reads now:
 * - `v_payment_accounts`: where a person's money goes (the default account chooses a payment line's
 *   channel; a disbursement file names the account and its holder);
 * - `v_open_duplicate_warnings`: the persons with an undecided duplicate warning, both ways, so that
 *   a payment list holds their lines until an official decides;
 * - `v_person_names`: the full name of a person, for the postal service's disbursement file (cash
 *   handed over at home: the name is who receives it).
 */
export class Migration20261202160000 extends Migration {

  override name = 'Migration20261202160000';

  override up(): void | Promise<void> {
    this.addSql(`create view "registry"."v_payment_accounts" as
      select a.id as account_id, a.person_id, a.kind, a.provider_code, a.account_number, a.holder_name, a.holder_name_matches, a.is_default
        from "registry"."payment_accounts" a
       where ${personInScopeSql('a.person_id')};`);
    this.addSql(`create view "registry"."v_open_duplicate_warnings" as
      select w.id as warning_id, w.person_id, w.matched_person_id as other_person_id, w.reason, w.created_at
        from "registry"."duplicate_warnings" w where w.status = 'open' and ${personInScopeSql('w.person_id')}
      union all
      select w.id, w.matched_person_id, w.person_id, w.reason, w.created_at
        from "registry"."duplicate_warnings" w where w.status = 'open' and ${personInScopeSql('w.matched_person_id')};`);
    this.addSql(`create view "registry"."v_person_names" as
      select p.id as person_id, p.full_name from "registry"."persons" p where ${personInScopeSql('p.id')};`);
    this.addSql(`grant select on "registry"."v_payment_accounts", "registry"."v_open_duplicate_warnings", "registry"."v_person_names" to ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop view if exists "registry"."v_person_names";`);
    this.addSql(`drop view if exists "registry"."v_open_duplicate_warnings";`);
    this.addSql(`drop view if exists "registry"."v_payment_accounts";`);
  }

}
