import { Migration } from '@mikro-orm/migrations';

export class Migration20261123164744 extends Migration {

  override name = 'Migration20261123164744';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "payments";`);
    this.addSql(`create table "payments"."payment_lines" ("id" uuid not null, "person_id" uuid not null, "entitlement_id" uuid null, "unit_code" varchar(5) not null, "month" varchar(7) not null, "amount" bigint not null, "arrears" bigint not null default '0', "channel" text not null, "status" text not null default 'pending', "paid_on" date null, "reference" varchar(255) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "payment_lines_unit_code_month_index" on "payments"."payment_lines" ("unit_code", "month");`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_person_id_month_unit_code_unique" unique ("person_id", "month", "unit_code");`);

    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_channel_check" check ("channel" in ('cash', 'bank', 'e_wallet', 'mobile_money'));`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_status_check" check ("status" in ('pending', 'paid', 'unpaid'));`);

    // Published view (contract v1, see services/payments/README.md).
    this.addSql(`create view "payments"."v_payment_lines" as select id as line_id, person_id, entitlement_id, unit_code, month, amount, arrears, channel, status, paid_on from "payments"."payment_lines";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop view if exists "payments"."v_payment_lines";`);
    this.addSql(`drop table if exists "payments"."payment_lines" cascade;`);

    this.addSql(`drop schema if exists "payments";`);
  }

}
