import { Migration } from '@mikro-orm/migrations';

export class Migration20261123164738 extends Migration {

  override name = 'Migration20261123164738';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "approvals";`);
    this.addSql(`create table "approvals"."entitlements" ("id" uuid not null, "person_id" uuid not null, "unit_code" varchar(5) not null, "policy_group" varchar(10) not null, "coefficient_hundredths" smallint not null, "start_month" varchar(7) not null, "end_month" varchar(7) null, "decision_number" varchar(255) not null, "decision_date" date not null, "status" text not null default 'active', "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "entitlements_person_id_index" on "approvals"."entitlements" ("person_id");`);
    this.addSql(`create index "entitlements_unit_code_status_index" on "approvals"."entitlements" ("unit_code", "status");`);

    this.addSql(`create table "approvals"."standard_levels" ("id" serial primary key, "valid_from_month" varchar(7) not null, "province_code" varchar(2) null, "amount" bigint not null, "legal_basis" text not null);`);
    this.addSql(`alter table "approvals"."standard_levels" add constraint "standard_levels_valid_from_month_province_code_unique" unique ("valid_from_month", "province_code");`);

    this.addSql(`alter table "approvals"."entitlements" add constraint "entitlements_status_check" check ("status" in ('active', 'suspended', 'stopped'));`);

    // Mức chuẩn trợ giúp xã hội in force nationally; provinces may add their own higher levels as rows.
    this.addSql(`insert into "approvals"."standard_levels" ("valid_from_month", "province_code", "amount", "legal_basis") values ('2021-07', null, 360000, 'Nghị định 20/2021/NĐ-CP'), ('2024-07', null, 500000, 'Nghị định 76/2024/NĐ-CP');`);

    // Published view (contract v1, see services/approvals/README.md): entitlements active in the
    // current month (Asia/Ho_Chi_Minh) with the monthly amount at the standard level then in force.
    this.addSql(`create view "approvals"."v_active_entitlements" as
      with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current)
      select e.id as entitlement_id, e.person_id, e.unit_code, e.policy_group, e.coefficient_hundredths,
             e.start_month, e.end_month, e.decision_number, e.decision_date,
             round(level.amount * e.coefficient_hundredths / 100.0)::bigint as monthly_amount
      from "approvals"."entitlements" e
      cross join month
      left join registry.v_units u on u.code = e.unit_code and u.valid_to is null
      cross join lateral (
        select sl.amount from "approvals"."standard_levels" sl
        where sl.valid_from_month <= month.current
          and (sl.province_code is null or sl.province_code = ltree2text(subpath(u.path, 0, 1)))
        order by sl.valid_from_month desc, sl.province_code is null
        limit 1
      ) level
      where e.status = 'active' and e.start_month <= month.current
        and (e.end_month is null or e.end_month >= month.current);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop view if exists "approvals"."v_active_entitlements";`);
    this.addSql(`drop table if exists "approvals"."entitlements" cascade;`);
    this.addSql(`drop table if exists "approvals"."standard_levels" cascade;`);

    this.addSql(`drop schema if exists "approvals";`);
  }

}
