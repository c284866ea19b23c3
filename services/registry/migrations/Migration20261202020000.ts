import { Migration } from '@mikro-orm/migrations';

export class Migration20261202020000 extends Migration {

  override name = 'Migration20261202020000';

  override up(): void | Promise<void> {
    // Duplicate warnings (registry.raise_duplicate_warnings) look for living persons of the same folded name
    // and birth year. With only (name_folded, id), a common name holds hundreds of persons, so for the
    // 1,000 persons of an official's list the planner hashed all million living persons (1.3 s of the
    // import); with the birth year in the key each lookup finds a handful, and it looks them up instead.
    this.addSql(`create index "persons_living_name_birth_year_index" on "registry"."persons" ("name_folded", "birth_year") where status = 'living';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "registry"."persons_living_name_birth_year_index";`);
  }

}
