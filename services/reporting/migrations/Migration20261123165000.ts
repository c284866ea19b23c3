import { Migration } from '@mikro-orm/migrations';

/** Reporting owns no tables yet; its schema exists so that its own objects have a home. */
export class Migration20261123165000 extends Migration {

  override name = 'Migration20261123165000';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "reporting";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop schema if exists "reporting";`);
  }

}
