import { Migration } from '@mikro-orm/migrations';
import { READS_CONFIDENTIAL_SQL, unitReadableSql } from '@ansinh/common';

/**
 * Published view `approvals.v_r42_rows` (services/approvals/README.md, "Published views"): the rows of
 * Resolution 42 lists without who the person is (no name, no CCCD, no birth date), for the reporting
 * subgraph's Resolution 42 summary. A person is `person_key`, a keyed hash of the row's human key (the
 * match of `r42_settle`: `id:<CCCD>` or the folded name, birth and commune): equal for the rows of one
 * human, and not reversible without the key, which only the owner reads (a plain hash of a 12-digit
 * CCCD would be guessed in seconds). Rows the reader reads: the row's commune under its scope, as the
 * table's row-level security says.
 */

const SALT_TABLE = `create table "approvals"."r42_person_key_salt" (
  "salt" text not null check (length("salt") >= 64));`;

// gen_random_uuid() draws from the server's strong random source: 244 random bits.
const SALT = `insert into "approvals"."r42_person_key_salt" ("salt")
  select replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', '');`;

const CATEGORY_SHOWN = (column: string) =>
  `case when not c.confidential or ${READS_CONFIDENTIAL_SQL} then c.${column} end`;

const R42_ROWS_VIEW = `create view "approvals"."v_r42_rows" as
  select r.id as row_id, r.list_id, l.unit_id as list_unit_id, l.decision_number, l.decision_date,
         ${CATEGORY_SHOWN('id')} as category_id, ${CATEGORY_SHOWN('code')} as category_code, c.confidential,
         r.unit_id, u.code as unit_code, r.months, r.amount, r.outcome, r.flagged_reason, r.paid_list_id, r.paid_row_id,
         encode(sha256(convert_to(s.salt || r.human_key, 'UTF8')), 'hex') as person_key
    from "approvals"."r42_list_rows" r
    join "approvals"."r42_lists" l on l.id = r.list_id
    join "approvals"."categories" c on c.id = l.category_id
    join registry.v_units u on u.id = r.unit_id
    cross join (select salt from "approvals"."r42_person_key_salt" limit 1) s
   where ${unitReadableSql('r.unit_id')};`;

export class Migration20261203130000 extends Migration {

  override name = 'Migration20261203130000';

  override up(): void | Promise<void> {
    this.addSql(SALT_TABLE);
    this.addSql(SALT);
    // The key is the owner's alone: the view reads it as its owner, no subgraph role may.
    this.addSql(`revoke all on "approvals"."r42_person_key_salt" from public, ansinh_approvals, ansinh_view_reader;`);
    this.addSql(R42_ROWS_VIEW);
    this.addSql(`grant select on "approvals"."v_r42_rows" to ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop view if exists "approvals"."v_r42_rows";`);
    this.addSql(`drop table if exists "approvals"."r42_person_key_salt";`);
  }

}
