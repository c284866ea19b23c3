import { Migration } from '@mikro-orm/migrations';
import { unitReadableSql } from '@ansinh/common';

/**
 * The statistics' fact tables (services/reporting/README.md, "Statistics"): figures of one paying unit
 * (a unit version) and month, by programme, category, gender, ethnicity and age band, and for payments
 * by channel and status, computed from the owners' published views and functions:
 * - `beneficiary_cells`: the approvals ledger (persons with an amount due in the month, counted once
 *   under their highest entitlement; amounts due; increases and decreases that take effect in the month);
 * - `payment_cells`: the month's payment lines (planned, paid, unpaid, late; persons counted once under
 *   their largest line);
 * - `stale_partitions`: the (unit, month) partitions that the owners' marks say changed and that are to
 *   be computed again before a figure is read; `computed_partitions`: those computed so far, and when
 *   (bookkeeping without figures, read by the refresh whatever its scope).
 * Rows are readable (and written by the refresh) only within the unit scope, as every unit-owned row.
 */
export class Migration20261203100000 extends Migration {

  override name = 'Migration20261203100000';

  override up(): void | Promise<void> {
    const dimensions = `"unit_id" uuid not null, "month" varchar(7) not null, "program_id" text not null,
      "category_id" uuid not null, "confidential" boolean not null, "gender" text not null,
      "ethnicity_code" varchar(2) not null, "age_band" text not null`;
    this.addSql(`create table "reporting"."stale_partitions" ("unit_id" uuid not null, "month" varchar(7) not null, "marked_at" timestamptz not null default now(), constraint "stale_partitions_pkey" primary key ("unit_id", "month"));`);
    this.addSql(`create table "reporting"."computed_partitions" ("unit_id" uuid not null, "month" varchar(7) not null, "computed_at" timestamptz not null default now(), constraint "computed_partitions_pkey" primary key ("unit_id", "month"));`);
    this.addSql(`create table "reporting"."beneficiary_cells" (${dimensions},
      "beneficiaries" integer not null, "entitlements" integer not null, "amount_due" bigint not null,
      "increases" integer not null, "decreases" integer not null);`);
    this.addSql(`create table "reporting"."payment_cells" (${dimensions}, "channel" text not null, "status" text not null,
      "lines" integer not null, "persons" integer not null, "planned" bigint not null, "paid" bigint not null,
      "unpaid" bigint not null, "paid_late" integer not null);`);
    for (const table of ['beneficiary_cells', 'payment_cells']) {
      this.addSql(`create index "${table}_month_unit_index" on "reporting"."${table}" ("month", "unit_id");`);
      this.addSql(`alter table "reporting"."${table}" enable row level security;`);
      this.addSql(`create policy "unit_scope" on "reporting"."${table}" using (${unitReadableSql('unit_id')}) with check (${unitReadableSql('unit_id')});`);
    }
    this.addSql(`grant select, insert, update, delete on "reporting"."stale_partitions", "reporting"."computed_partitions", "reporting"."beneficiary_cells", "reporting"."payment_cells" to ansinh_reporting;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "reporting"."payment_cells";`);
    this.addSql(`drop table if exists "reporting"."beneficiary_cells";`);
    this.addSql(`drop table if exists "reporting"."computed_partitions";`);
    this.addSql(`drop table if exists "reporting"."stale_partitions";`);
  }

}
