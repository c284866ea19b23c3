import { Migration } from '@mikro-orm/migrations';
import { dropFileStoreTablesSql, fileStoreTablesSql } from '@ansinh/common';

/**
 * Reporting's file store (docs/file-store.md): the exported reports and lists, `files` and
 * `file_chunks` under row-level security on the owner's unit path, granted to `ansinh_reporting`, with
 * the expiry sweep's functions. The right to run jobs (pg-boss's queue, `jobs.jobs`) is given to the
 * role by `npm run migrate` (grantJobRunner), now that the subgraph has job kinds.
 */
export class Migration20261203090000 extends Migration {

  override name = 'Migration20261203090000';

  override up(): void | Promise<void> {
    for (const statement of fileStoreTablesSql('reporting')) this.addSql(statement);
  }

  override down(): void | Promise<void> {
    for (const statement of dropFileStoreTablesSql('reporting')) this.addSql(statement);
  }

}
