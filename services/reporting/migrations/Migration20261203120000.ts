import { Migration } from '@mikro-orm/migrations';

/**
 * The citizens' payment check's rate limit (services/reporting/src/public-figures/): one row per check
 * admitted, under each key it counts against (the client's address, the CCCD asked for), so that every
 * reporting instance counts the same checks. Keys are keyed hashes (HMAC), never the address or the
 * number; rows older than the window are removed by the checks themselves.
 */
export class Migration20261203120000 extends Migration {

  override name = 'Migration20261203120000';

  override up(): void | Promise<void> {
    this.addSql(`create table "reporting"."citizen_check_attempts" (
      "key_hash" bytea not null,
      "attempted_at" timestamptz not null default now());`);
    this.addSql(`create index "citizen_check_attempts_key_index" on "reporting"."citizen_check_attempts" ("key_hash", "attempted_at");`);
    this.addSql(`create index "citizen_check_attempts_expiry_index" on "reporting"."citizen_check_attempts" ("attempted_at");`);
    this.addSql(`grant select, insert, delete on "reporting"."citizen_check_attempts" to ansinh_reporting;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "reporting"."citizen_check_attempts";`);
  }

}
