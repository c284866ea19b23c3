import { Migration } from '@mikro-orm/migrations';
import { indexScopePathsSql } from '@ansinh/common';

/**
 * The scope checks of the payments schema's policies, views and functions compare a unit's path with the
 * scope unit's paths by the path index (`path <@ any(scope_paths)`) instead of scanning every unit of
 * both eras in each statement (services/common/src/scope/row-level-security.ts, READABLE_UNIT_IDS).
 * The same rows are readable; only the plan changes, so there is nothing to revert.
 */
export class Migration20261205090000 extends Migration {

  override name = 'Migration20261205090000';

  override up(): void | Promise<void> {
    this.addSql(indexScopePathsSql('payments'));
  }

}
