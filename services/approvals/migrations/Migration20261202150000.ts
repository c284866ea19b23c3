import { Migration } from '@mikro-orm/migrations';
import {
  dropFileStoreTablesSql,
  fileStoreTablesSql,
  historyTriggers,
  unitReadableSql,
  unitWritableSql,
  WRITABLE_UNIT_IDS,
} from '@ansinh/common';

/**
 * Resolution 42/NQ-CP lists (services/approvals/src/resolution-42): the approved list of a group
 * (category of program `resolution-42`) that a commune imports, one row per person with the amount
 * its category gives, matched across the six groups' lists so that each human receives one support
 * (`r42_settle`); the priority of groups as data (`r42_priority`); and the approvals subgraph's file
 * store, which holds the uploaded lists.
 */

const LISTS = `create table "approvals"."r42_lists" (
  "id" uuid not null,
  "category_id" uuid not null,
  "unit_id" uuid not null,
  "decision_number" varchar(60) not null check (length("decision_number") between 1 and 60),
  "decision_date" date not null,
  "file_id" uuid null,
  "file_name" varchar(255) null,
  "imported_by_id" text not null,
  "imported_by_name" text not null,
  "imported_at" timestamptz not null default now(),
  primary key ("id"));`;

/**
 * `name_key`: folded name, birth (the date, or the year alone) and the commune's unit id, joined by
 * `|`: how a row without CCCD is matched. `human_key`: the human the row belongs to, `id:<CCCD>` or,
 * without one, the CCCD of the one holder with the same name key, else `nb:<name_key>`.
 */
const ROWS = `create table "approvals"."r42_list_rows" (
  "id" uuid not null,
  "list_id" uuid not null,
  "row_number" integer not null check ("row_number" > 0),
  "full_name" varchar(100) not null check (length("full_name") between 1 and 100),
  "name_folded" varchar(100) not null,
  "citizen_id" varchar(12) null check ("citizen_id" ~ '^[0-9]{12}$'),
  "birth_date" date null,
  "birth_year" smallint not null check ("birth_year" between 1900 and 2100),
  "unit_id" uuid not null,
  "months" smallint null check ("months" between 1 and 12),
  "amount" bigint not null check ("amount" >= 0),
  "name_key" text not null,
  "human_key" text not null,
  "outcome" text not null default 'paid' check ("outcome" in ('paid', 'flagged')),
  "flagged_reason" text null,
  "paid_list_id" uuid null,
  "paid_row_id" uuid null,
  primary key ("id"),
  check ("birth_date" is null or extract(year from "birth_date") = "birth_year"),
  check (("outcome" = 'flagged') = ("flagged_reason" is not null)));`;

const PRIORITY = `create table "approvals"."r42_priority" (
  "category_id" uuid not null,
  "rank" smallint not null check ("rank" between 1 and 100),
  primary key ("category_id"));`;

/**
 * One support per human, recomputed for the humans an import of `list` touches: its rows, and the
 * former keys of rows it replaced. First the rows without CCCD whose name key is touched join the one
 * CCCD holder of the same name, birth and commune (or fall back to their own key when there is none,
 * or several); then, for each touched human, the first row in the order of
 * src/resolution-42/one-support.rule.ts is paid and the others are flagged with the reason naming
 * the group paid. Rows whose result is unchanged are not written (no history). Runs as the owner, so
 * that a person's rows in other communes' lists are matched too; only a caller who may write `list`
 * may run it. One settlement at a time (two imports touching one human would race). Answers how many
 * rows of other lists changed outcome (paid to flagged or back).
 */
const SETTLE_FUNCTION = `create function "approvals"."r42_settle"(list uuid, former_keys text[], former_name_keys text[])
  returns integer
  language plpgsql security definer set search_path = pg_catalog, public as $$
declare
  touched_names text[];
  moved_keys text[];
  humans text[];
  elsewhere integer;
begin
  if not exists (select 1 from approvals.r42_lists l where l.id = list and l.unit_id in (${WRITABLE_UNIT_IDS})) then
    raise exception 'r42_settle: list % is not writable in this scope', list using errcode = '42501';
  end if;
  perform pg_advisory_xact_lock(hashtext('approvals.r42_settle'));

  select array(select distinct r.name_key from approvals.r42_list_rows r where r.list_id = list)
         || coalesce(former_name_keys, '{}') into touched_names;

  with holders as (
    select r.name_key, min(r.citizen_id) as citizen_id, count(distinct r.citizen_id) as count
      from approvals.r42_list_rows r
     where r.name_key = any(touched_names) and r.citizen_id is not null
     group by r.name_key
  ), plan as (
    select r.id, r.human_key as old_key,
           case when h.count = 1 then 'id:' || h.citizen_id else 'nb:' || r.name_key end as new_key
      from approvals.r42_list_rows r
      left join holders h on h.name_key = r.name_key
     where r.citizen_id is null and r.name_key = any(touched_names)
  ), moved as (
    update approvals.r42_list_rows r set human_key = p.new_key
      from plan p
     where r.id = p.id and p.new_key <> p.old_key
    returning p.old_key, p.new_key
  )
  select array(select old_key from moved union select new_key from moved) into moved_keys;

  select array(select distinct r.human_key from approvals.r42_list_rows r where r.list_id = list)
         || coalesce(former_keys, '{}') || moved_keys into humans;

  with ranked as (
    select r.id, r.list_id, r.outcome as former_outcome,
           first_value(r.id) over human as paid_row_id,
           row_number() over human as place
      from approvals.r42_list_rows r
      join approvals.r42_lists l on l.id = r.list_id
      left join approvals.r42_priority p on p.category_id = l.category_id
     where r.human_key = any(humans)
    window human as (partition by r.human_key
                     order by p.rank nulls last, r.amount desc, l.decision_date, l.id, r.row_number)
  ), target as (
    select k.id, k.list_id, k.former_outcome,
           case when k.place = 1 then 'paid' else 'flagged' end as outcome,
           case when k.place = 1 then null
                else format('Đã được hỗ trợ theo nhóm "%s" (quyết định số %s, dòng %s): mỗi người chỉ được nhận một khoản hỗ trợ.',
                            c.name, pl.decision_number, w.row_number) end as reason,
           case when k.place = 1 then null else w.list_id end as paid_list_id,
           case when k.place = 1 then null else k.paid_row_id end as paid_row_id
      from ranked k
      join approvals.r42_list_rows w on w.id = k.paid_row_id
      join approvals.r42_lists pl on pl.id = w.list_id
      join approvals.categories c on c.id = pl.category_id
  ), changed as (
    update approvals.r42_list_rows r
       set outcome = t.outcome, flagged_reason = t.reason, paid_list_id = t.paid_list_id, paid_row_id = t.paid_row_id
      from target t
     where r.id = t.id
       and (r.outcome, r.flagged_reason, r.paid_list_id, r.paid_row_id)
           is distinct from (t.outcome, t.reason, t.paid_list_id, t.paid_row_id)
    returning t.list_id, t.former_outcome <> t.outcome as flipped
  )
  select count(*) filter (where changed.list_id <> list and changed.flipped) into elsewhere from changed;
  return elsewhere;
end
$$;`;

export class Migration20261202150000 extends Migration {

  override name = 'Migration20261202150000';

  override up(): void | Promise<void> {
    this.addSql(LISTS);
    this.addSql(`alter table "approvals"."r42_lists" add constraint "r42_lists_category_id_foreign" foreign key ("category_id") references "approvals"."categories" ("id");`);
    // The same decision of one unit for one group is one list: importing it again replaces it (or changes nothing).
    this.addSql(`alter table "approvals"."r42_lists" add constraint "r42_lists_category_id_unit_id_decision_number_unique" unique ("category_id", "unit_id", "decision_number");`);
    this.addSql(`create index "r42_lists_unit_id_index" on "approvals"."r42_lists" ("unit_id");`);

    this.addSql(ROWS);
    this.addSql(`alter table "approvals"."r42_list_rows" add constraint "r42_list_rows_list_id_foreign" foreign key ("list_id") references "approvals"."r42_lists" ("id") on delete cascade;`);
    this.addSql(`alter table "approvals"."r42_list_rows" add constraint "r42_list_rows_paid_list_id_foreign" foreign key ("paid_list_id") references "approvals"."r42_lists" ("id") on delete set null;`);
    this.addSql(`alter table "approvals"."r42_list_rows" add constraint "r42_list_rows_paid_row_id_foreign" foreign key ("paid_row_id") references "approvals"."r42_list_rows" ("id") on delete set null;`);
    this.addSql(`alter table "approvals"."r42_list_rows" add constraint "r42_list_rows_list_id_row_number_unique" unique ("list_id", "row_number");`);
    this.addSql(`create index "r42_list_rows_human_key_index" on "approvals"."r42_list_rows" ("human_key");`);
    this.addSql(`create index "r42_list_rows_name_key_index" on "approvals"."r42_list_rows" ("name_key");`);
    this.addSql(`create index "r42_list_rows_unit_id_index" on "approvals"."r42_list_rows" ("unit_id");`);
    this.addSql(`create index "r42_list_rows_paid_row_id_index" on "approvals"."r42_list_rows" ("paid_row_id");`);

    this.addSql(PRIORITY);
    this.addSql(`alter table "approvals"."r42_priority" add constraint "r42_priority_category_id_foreign" foreign key ("category_id") references "approvals"."categories" ("id") on delete cascade;`);

    // A list belongs to the unit that approved it, a row to the person's commune: read in the unit's
    // scope across eras, written only by a unit in force under the caller's.
    for (const table of ['r42_lists', 'r42_list_rows']) {
      this.addSql(`alter table "approvals"."${table}" enable row level security;`);
      this.addSql(`create policy "unit_scope" on "approvals"."${table}" using (${unitReadableSql('unit_id')}) with check (${unitWritableSql('unit_id')});`);
      this.addSql(`grant select, insert, update, delete on "approvals"."${table}" to ansinh_approvals;`);
    }
    // The priority is configuration (data, set by the province's administrator in SQL): read by all.
    this.addSql(`revoke all on "approvals"."r42_priority" from ansinh_approvals;`);
    this.addSql(`grant select on "approvals"."r42_priority" to ansinh_approvals, ansinh_view_reader;`);

    for (const statement of [
      ...historyTriggers({ schema: 'approvals', table: 'r42_lists', unitColumn: 'unit_id' }).up,
      ...historyTriggers({ schema: 'approvals', table: 'r42_list_rows', unitColumn: 'unit_id' }).up,
      ...historyTriggers({ schema: 'approvals', table: 'r42_priority', rowKey: 'category_id' }).up,
    ])
      this.addSql(statement);

    this.addSql(SETTLE_FUNCTION);
    this.addSql(`revoke all on function "approvals"."r42_settle"(uuid, text[], text[]) from public;`);
    this.addSql(`grant execute on function "approvals"."r42_settle"(uuid, text[], text[]) to ansinh_approvals;`);

    // The approvals subgraph's file store (uploaded lists), as the registry's.
    for (const statement of fileStoreTablesSql('approvals')) this.addSql(statement);
  }

  override down(): void | Promise<void> {
    for (const statement of dropFileStoreTablesSql('approvals')) this.addSql(statement);
    this.addSql(`drop function if exists "approvals"."r42_settle"(uuid, text[], text[]);`);
    for (const table of ['r42_priority', 'r42_list_rows', 'r42_lists']) {
      for (const statement of historyTriggers({ schema: 'approvals', table }).down) this.addSql(statement);
      this.addSql(`drop table if exists "approvals"."${table}" cascade;`);
    }
  }

}
