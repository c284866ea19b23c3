import { Migration } from '@mikro-orm/migrations';
import {
  dropFileStoreTablesSql,
  fileStoreTablesSql,
  historyTriggers,
  personInScopeSql,
  unitReadableSql,
  unitWritableSql,
} from '@ansinh/common';

/**
 * Payment lists (services/payments/README.md):
 * - `payment_lists`: one per paying commune (version) and month, draft → approved → paying → closed,
 *   with control totals stored when made and checked again at approval and at closing;
 * - `payment_lines`: one per list and entitlement, with the month's amount, arrears (truy lĩnh),
 *   unpaid months carried over, one-offs and the amount recovered (thu hồi); the channel and account;
 *   the payment's state with a version for the lost-update check;
 * - `line_months`: the months of an entitlement's lineage (its chain of relocations) that a line
 *   covers. A unique index over the months still covered is what makes paying a month twice
 *   impossible, whatever writes the lines; an unpaid line releases its months when its list closes,
 *   so that the next list carries them over;
 * - `recoveries`, `list_adjustments`, `payment_updates`, `idempotency_keys`, `reconciliations`:
 *   months paid after a stop, the recorded changes of a locked list, each daily update, the answers of
 *   retried mutations, the provider result files read;
 * - a trigger that refuses any change to the lines of a locked list but through a recorded
 *   adjustment, and one that lets a list's state only move forward.
 */

const LISTS = `create table "payments"."payment_lists" (
  "id" uuid not null default gen_random_uuid(),
  "unit_id" uuid not null,
  "month" varchar(7) not null check ("month" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  "state" text not null default 'draft' check ("state" in ('draft', 'approved', 'paying', 'closed')),
  "line_count" integer not null default 0,
  "person_count" integer not null default 0,
  "total_amount" bigint not null default 0,
  "held_count" integer not null default 0,
  "held_amount" bigint not null default 0,
  "channel_totals" jsonb not null default '{}',
  "generated_at" timestamptz null,
  "generated_by_id" text null,
  "generated_by_name" text null,
  "approved_at" timestamptz null,
  "approved_by_id" text null,
  "approved_by_name" text null,
  "paying_at" timestamptz null,
  "closed_at" timestamptz null,
  "closed_by_id" text null,
  "closed_by_name" text null,
  "created_at" timestamptz not null default now(),
  primary key ("id"),
  constraint "payment_lists_unit_id_month_unique" unique ("unit_id", "month"));`;

const LINE_COLUMNS = `alter table "payments"."payment_lines"
  add column "list_id" uuid null,
  add column "line_code" varchar(32) null,
  add column "carried_over" bigint not null default 0,
  add column "one_off" bigint not null default 0,
  add column "recovery" bigint not null default 0,
  add column "account_id" uuid null,
  add column "channel_reason" text null check (length("channel_reason") <= 500),
  add column "hold_reason" text null check (length("hold_reason") <= 1000),
  add column "paid_at" timestamptz null,
  add column "receiver" text null check ("receiver" in ('person', 'authorised')),
  add column "receiver_name" varchar(100) null,
  add column "status_note" text null check (length("status_note") <= 500),
  add column "late" boolean not null default false,
  add column "version" integer not null default 1,
  add column "updated_at" timestamptz null,
  add column "updated_by_id" text null,
  add column "updated_by_name" text null;`;

const LINE_MONTHS = `create table "payments"."line_months" (
  "line_id" uuid not null references "payments"."payment_lines" ("id") on delete cascade,
  "list_id" uuid not null,
  "entitlement_root_id" uuid not null,
  "entitlement_id" uuid not null,
  "person_id" uuid not null,
  "month" varchar(7) not null,
  "amount" bigint not null check ("amount" >= 0),
  "kind" text not null check ("kind" in ('regular', 'arrears', 'carried_over', 'one_off')),
  "released" boolean not null default false,
  primary key ("line_id", "month"));`;

const RECOVERIES = `create table "payments"."recoveries" (
  "id" uuid not null default gen_random_uuid(),
  "person_id" uuid not null,
  "entitlement_id" uuid not null,
  "entitlement_root_id" uuid not null,
  "unit_id" uuid not null,
  "month" varchar(7) not null,
  "amount" bigint not null check ("amount" > 0),
  "paid_line_id" uuid not null references "payments"."payment_lines" ("id"),
  "reason" text not null,
  "deducted_line_id" uuid null references "payments"."payment_lines" ("id") on delete set null,
  "created_at" timestamptz not null default now(),
  primary key ("id"),
  constraint "recoveries_paid_line_id_month_unique" unique ("paid_line_id", "month"));`;

const ADJUSTMENTS = `create table "payments"."list_adjustments" (
  "id" uuid not null default gen_random_uuid(),
  "list_id" uuid not null references "payments"."payment_lists" ("id") on delete cascade,
  "line_id" uuid null references "payments"."payment_lines" ("id") on delete cascade,
  "unit_id" uuid not null,
  "kind" text not null check ("kind" in ('amount', 'channel', 'hold', 'release')),
  "reason" text not null check (length("reason") between 1 and 500),
  "before" jsonb null,
  "after" jsonb null,
  "recorded_at" timestamptz not null default now(),
  "recorded_by_id" text not null,
  "recorded_by_name" text not null,
  primary key ("id"));`;

const UPDATES = `create table "payments"."payment_updates" (
  "id" uuid not null default gen_random_uuid(),
  "line_id" uuid not null references "payments"."payment_lines" ("id") on delete cascade,
  "list_id" uuid not null,
  "unit_id" uuid not null,
  "for_date" date not null,
  "status" text not null check ("status" in ('paid', 'unpaid', 'unreachable', 'returned')),
  "paid_at" timestamptz null,
  "receiver" text null,
  "receiver_name" varchar(100) null,
  "reference" varchar(100) null,
  "note" text null,
  "source" text not null default 'officer' check ("source" in ('officer', 'result-file')),
  "late" boolean not null,
  "recorded_at" timestamptz not null default now(),
  "recorded_by_id" text not null,
  "recorded_by_name" text not null,
  primary key ("id"));`;

const IDEMPOTENCY = `create table "payments"."idempotency_keys" (
  "actor_id" text not null,
  "key" varchar(100) not null check (length("key") >= 8),
  "operation" text not null,
  "request_hash" text not null,
  "answer" jsonb not null,
  "created_at" timestamptz not null default now(),
  primary key ("actor_id", "key"));`;

const RECONCILIATIONS = `create table "payments"."reconciliations" (
  "id" uuid not null default gen_random_uuid(),
  "list_id" uuid not null references "payments"."payment_lists" ("id") on delete cascade,
  "unit_id" uuid not null,
  "provider" text not null,
  "file_id" uuid null,
  "file_name" varchar(255) null,
  "rows" integer not null,
  "matched_paid" integer not null,
  "matched_failed" integer not null,
  "mismatches" jsonb not null default '[]',
  "recorded_at" timestamptz not null default now(),
  "recorded_by_id" text not null,
  "recorded_by_name" text not null,
  primary key ("id"));`;

/**
 * Control totals of lists, from their lines: lines, persons, the amount, the held lines and their
 * amount, and lines and amount per channel. Stored when a list is made and compared again at its
 * approval and closing.
 */
const CONTROL_TOTALS = `create function "payments"."control_totals"(list_ids uuid[])
  returns table (list_id uuid, line_count integer, person_count integer, total_amount bigint, held_count integer, held_amount bigint, channel_totals jsonb)
  language sql stable set search_path = pg_catalog, payments as $$
  select p.id, count(l.id)::int, count(distinct l.person_id)::int, coalesce(sum(l.total), 0)::bigint,
         (count(l.id) filter (where l.status = 'held'))::int, coalesce(sum(l.total) filter (where l.status = 'held'), 0)::bigint,
         coalesce((select jsonb_object_agg(c.channel, jsonb_build_object('lines', c.lines, 'amount', c.amount))
                     from (select x.channel, count(*) as lines, sum(x.total) as amount from payments.payment_lines x
                            where x.list_id = p.id group by x.channel) c), '{}'::jsonb)
    from payments.payment_lists p
    left join payments.payment_lines l on l.list_id = p.id
   where p.id = any(list_ids)
   group by p.id;
$$;`;

const SETTING_ADJUSTMENT = `nullif(current_setting('payments.adjustment', true), '')::uuid`;

/**
 * What may change in the lines of a list, by its state: a draft is rebuilt at will; an approved list
 * (locked) changes only its payments (status and how it was paid), and anything else only through an
 * adjustment recorded in the same transaction (its id in `payments.adjustment`); a closed list never.
 * Statement-level with transition tables: a bulk write costs one check (hash joins: transition tables
 * carry no statistics, and a nested loop over the old and new rows of a bulk update is quadratic).
 */
const GUARD_LINES = `create function "payments"."guard_locked_lines"() returns trigger
  language plpgsql security definer set search_path = pg_catalog, payments set enable_nestloop = off as $$
declare
  refused text;
begin
  if tg_op = 'INSERT' then
    select l.state into refused from new_rows n join payments.payment_lists l on l.id = n.list_id
     where l.state <> 'draft'
       and not exists (select 1 from payments.list_adjustments a where a.id = ${SETTING_ADJUSTMENT} and a.list_id = l.id) limit 1;
  elsif tg_op = 'DELETE' then
    select l.state into refused from old_rows o join payments.payment_lists l on l.id = o.list_id
     where l.state <> 'draft' limit 1;
  else
    select l.state into refused from new_rows n join old_rows o on o.id = n.id join payments.payment_lists l on l.id = n.list_id
     where (
             (row(n.list_id, n.person_id, n.entitlement_id, n.unit_id, n.month, n.amount, n.arrears, n.carried_over, n.one_off, n.recovery, n.channel, n.account_id, n.line_code)
               is distinct from row(o.list_id, o.person_id, o.entitlement_id, o.unit_id, o.month, o.amount, o.arrears, o.carried_over, o.one_off, o.recovery, o.channel, o.account_id, o.line_code)
              or n.status = 'held' or o.status = 'held')
             and l.state <> 'draft'
             and not exists (select 1 from payments.list_adjustments a where a.id = ${SETTING_ADJUSTMENT} and a.list_id = l.id and (a.line_id is null or a.line_id = n.id))
           )
        or (n.status is distinct from o.status and n.status in ('paid', 'unpaid', 'unreachable', 'returned') and l.state not in ('approved', 'paying')
            and not (l.state = 'closed' and n.status = 'unpaid' and o.status = 'pending'))
        or (l.state = 'closed' and row(n.*) is distinct from row(o.*) and not (n.status = 'unpaid' and o.status = 'pending'))
     limit 1;
  end if;
  if refused is not null then
    raise exception 'payments: danh sách chi trả đang ở trạng thái % — chỉ thay đổi được bằng một điều chỉnh có ghi lý do', refused
      using errcode = '55000';
  end if;
  return null;
end
$$;`;

/** A list's state moves forward only: draft → approved → paying → closed (approved may go straight to closed). */
const GUARD_LIST_STATE = `create function "payments"."guard_list_state"() returns trigger
  language plpgsql set search_path = pg_catalog, payments as $$
begin
  if new.state is distinct from old.state and not (
       (old.state = 'draft' and new.state = 'approved')
    or (old.state = 'approved' and new.state in ('paying', 'closed'))
    or (old.state = 'paying' and new.state = 'closed')) then
    raise exception 'payments: danh sách chi trả không chuyển được từ % sang %', old.state, new.state using errcode = '55000';
  end if;
  if old.state = 'closed' then
    raise exception 'payments: danh sách chi trả đã đóng' using errcode = '55000';
  end if;
  return new;
end
$$;`;

/** Contract v2: v1 columns kept with their meaning, then the list, the line's parts and its payment. */
const LINES_VIEW = `create view "payments"."v_payment_lines" as
  select l.id as line_id, l.person_id, l.entitlement_id, l.unit_id, u.code as unit_code, l.month, l.amount, l.arrears, l.channel, l.status, l.paid_on,
         l.list_id, l.line_code, l.carried_over, l.one_off, l.recovery, l.total, l.paid_at, l.late, l.hold_reason is not null as held
    from "payments"."payment_lines" l
    join registry.v_units u on u.id = l.unit_id
   where ${unitReadableSql('l.unit_id')} or ${personInScopeSql('l.person_id')};`;

const LISTS_VIEW = `create view "payments"."v_payment_lists" as
  select p.id as list_id, p.unit_id, u.code as unit_code, p.month, p.state, p.line_count, p.person_count, p.total_amount,
         p.held_count, p.held_amount, p.channel_totals, p.generated_at, p.approved_at, p.paying_at, p.closed_at
    from "payments"."payment_lists" p
    join registry.v_units u on u.id = p.unit_id
   where ${unitReadableSql('p.unit_id')};`;

/** A day's updates per paying commune, for the compliance check (who has not updated today). */
const UPDATES_VIEW = `create view "payments"."v_daily_updates" as
  select d.unit_id, u.code as unit_code, d.for_date, count(*) as updates, count(*) filter (where d.late) as late_updates,
         min(d.recorded_at) as first_recorded_at, max(d.recorded_at) as last_recorded_at
    from "payments"."payment_updates" d
    join registry.v_units u on u.id = d.unit_id
   where ${unitReadableSql('d.unit_id')}
   group by d.unit_id, u.code, d.for_date;`;

const FORMER_LINES_VIEW = `create view "payments"."v_payment_lines" as
  select l.id as line_id, l.person_id, l.entitlement_id, l.unit_id, u.code as unit_code, l.month, l.amount, l.arrears, l.channel, l.status, l.paid_on
    from "payments"."payment_lines" l
    join registry.v_units u on u.id = l.unit_id
   where ${unitReadableSql('l.unit_id')} or ${personInScopeSql('l.person_id')};`;

const LINE_HISTORY = {
  schema: 'payments',
  table: 'payment_lines',
  entityColumns: { payment_line_id: 'id', person_id: 'person_id', payment_list_id: 'list_id' },
  unitColumn: 'unit_id',
};

export class Migration20261202160000 extends Migration {

  override name = 'Migration20261202160000';

  override up(): void | Promise<void> {
    this.addSql(`drop view if exists "payments"."v_payment_lines";`);
    this.addSql(LISTS);
    this.addSql(`create index "payment_lists_month_state_index" on "payments"."payment_lists" ("month", "state");`);
    this.addSql(`alter table "payments"."payment_lists" enable row level security;`);
    this.addSql(`create policy "unit_scope" on "payments"."payment_lists" using (${unitReadableSql('unit_id')}) with check (${unitWritableSql('unit_id')});`);

    this.addSql(LINE_COLUMNS);
    this.addSql(`create sequence "payments"."line_code_seq";`);
    // Lines written before lists existed (the demo's, the first imports) get a list of their unit and
    // month: closed for a past month, paying for this one.
    this.addSql(`insert into "payments"."payment_lists" (unit_id, month, state, generated_at, approved_at, closed_at)
      select unit_id, month,
             case when month < to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') then 'closed' else 'paying' end,
             min(created_at), min(created_at), case when month < to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') then now() end
        from "payments"."payment_lines" group by unit_id, month;`);
    this.addSql(`alter table "payments"."payment_lines" disable trigger "payment_lines_history_update";`);
    this.addSql(`update "payments"."payment_lines" l set list_id = p.id,
        line_code = 'CT' || replace(l.month, '-', '') || '-' || substr(l.id::text, 1, 8),
        paid_at = case when l.paid_on is not null then (l.paid_on + time '09:00') at time zone 'Asia/Ho_Chi_Minh' end
      from "payments"."payment_lists" p where p.unit_id = l.unit_id and p.month = l.month;`);
    this.addSql(`alter table "payments"."payment_lines" enable trigger "payment_lines_history_update";`);
    this.addSql(`alter table "payments"."payment_lines" alter column "list_id" set not null, alter column "line_code" set not null;`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_list_id_foreign" foreign key ("list_id") references "payments"."payment_lists" ("id") on delete cascade;`);
    this.addSql(`alter table "payments"."payment_lines" drop constraint "payment_lines_person_id_month_unit_id_unique";`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_list_id_entitlement_id_unique" unique ("list_id", "entitlement_id");`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_line_code_unique" unique ("line_code");`);
    this.addSql(`create index "payment_lines_person_id_index" on "payments"."payment_lines" ("person_id");`);
    this.addSql(`alter table "payments"."payment_lines" drop constraint "payment_lines_channel_check";`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_channel_check" check ("channel" in ('cash', 'post', 'bank', 'e_wallet', 'mobile_money', 'vneid'));`);
    this.addSql(`alter table "payments"."payment_lines" drop constraint "payment_lines_status_check";`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_status_check" check ("status" in ('pending', 'paid', 'unpaid', 'unreachable', 'returned', 'held'));`);
    this.addSql(`alter table "payments"."payment_lines" add column "total" bigint generated always as ("amount" + "arrears" + "carried_over" + "one_off" - "recovery") stored;`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_amounts_check" check ("amount" >= 0 and "arrears" >= 0 and "carried_over" >= 0 and "one_off" >= 0 and "recovery" >= 0 and "total" >= 0);`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_paid_check" check ("status" <> 'paid' or ("paid_on" is not null and "paid_at" is not null));`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_held_check" check (("status" = 'held') = ("hold_reason" is not null));`);

    this.addSql(LINE_MONTHS);
    // The rule itself: a month of an entitlement's lineage is covered by one line at most, anywhere.
    this.addSql(`create unique index "line_months_one_line_per_month" on "payments"."line_months" ("entitlement_root_id", "month") include ("list_id") where not "released";`);
    this.addSql(`create index "line_months_released_index" on "payments"."line_months" ("entitlement_root_id", "month") where "released";`);
    this.addSql(`create index "line_months_list_id_index" on "payments"."line_months" ("list_id");`);
    // Lines already paid or listed cover their months (an entitlement without relocations is its own lineage).
    this.addSql(`insert into "payments"."line_months" (line_id, list_id, entitlement_root_id, entitlement_id, person_id, month, amount, kind, released)
      select id, list_id, entitlement_id, entitlement_id, person_id, month, amount, 'regular', status = 'unpaid' from "payments"."payment_lines" where entitlement_id is not null;`);

    for (const table of [RECOVERIES, ADJUSTMENTS, UPDATES, IDEMPOTENCY, RECONCILIATIONS]) this.addSql(table);
    this.addSql(`create index "recoveries_person_id_index" on "payments"."recoveries" ("person_id");`);
    this.addSql(`create index "payment_updates_unit_id_for_date_index" on "payments"."payment_updates" ("unit_id", "for_date");`);
    this.addSql(`create index "payment_updates_line_id_index" on "payments"."payment_updates" ("line_id");`);
    this.addSql(`create index "list_adjustments_list_id_index" on "payments"."list_adjustments" ("list_id");`);
    this.addSql(`create index "reconciliations_list_id_index" on "payments"."reconciliations" ("list_id");`);
    for (const table of ['recoveries']) {
      this.addSql(`alter table "payments"."${table}" enable row level security;`);
      this.addSql(`create policy "unit_scope" on "payments"."${table}" using (${unitReadableSql('unit_id')} or ${personInScopeSql(`"${table}"."person_id"`)}) with check (${unitWritableSql('unit_id')});`);
    }
    for (const table of ['list_adjustments', 'payment_updates', 'reconciliations']) {
      this.addSql(`alter table "payments"."${table}" enable row level security;`);
      this.addSql(`create policy "unit_scope" on "payments"."${table}" using (${unitReadableSql('unit_id')}) with check (${unitWritableSql('unit_id')});`);
      // Records of what was done: written once, never changed.
      this.addSql(`revoke update, delete on "payments"."${table}" from ansinh_payments;`);
    }
    this.addSql(`alter table "payments"."idempotency_keys" enable row level security;`);
    this.addSql(`create policy "own_keys" on "payments"."idempotency_keys" using ("actor_id" = current_setting('ansinh.actor_id', true)) with check ("actor_id" = current_setting('ansinh.actor_id', true));`);
    this.addSql(`revoke update on "payments"."idempotency_keys" from ansinh_payments;`);

    this.addSql(CONTROL_TOTALS);
    this.addSql(GUARD_LINES);
    for (const [event, transition] of [
      ['insert', 'referencing new table as new_rows'],
      ['update', 'referencing old table as old_rows new table as new_rows'],
      ['delete', 'referencing old table as old_rows'],
    ] as const) {
      this.addSql(`create trigger "payment_lines_guard_${event}" after ${event} on "payments"."payment_lines" ${transition} for each statement execute function "payments"."guard_locked_lines"();`);
    }
    this.addSql(GUARD_LIST_STATE);
    this.addSql(`create trigger "payment_lists_guard_state" before update on "payments"."payment_lists" for each row execute function "payments"."guard_list_state"();`);

    // History of lists too (their state and totals), and the list of each line's change.
    this.addSql(`alter table "payments"."change_history" add column "payment_list_id" uuid null;`);
    this.addSql(`create index "change_history_payment_list_id_id_index" on "payments"."change_history" ("payment_list_id", "id") where "payment_list_id" is not null;`);
    for (const statement of historyTriggers(LINE_HISTORY).up) this.addSql(statement);
    for (const statement of historyTriggers({
      schema: 'payments',
      table: 'payment_lists',
      entityColumns: { payment_list_id: 'id' },
      unitColumn: 'unit_id',
    }).up)
      this.addSql(statement);

    for (const statement of fileStoreTablesSql('payments')) this.addSql(statement);

    this.addSql(LINES_VIEW);
    this.addSql(LISTS_VIEW);
    this.addSql(UPDATES_VIEW);
    this.addSql(`grant select on "payments"."v_payment_lines", "payments"."v_payment_lists", "payments"."v_daily_updates" to ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    for (const view of ['v_daily_updates', 'v_payment_lists', 'v_payment_lines']) this.addSql(`drop view if exists "payments"."${view}";`);
    for (const statement of dropFileStoreTablesSql('payments')) this.addSql(statement);
    for (const statement of historyTriggers({ schema: 'payments', table: 'payment_lists' }).down) this.addSql(statement);
    this.addSql(`drop trigger if exists "payment_lists_guard_state" on "payments"."payment_lists";`);
    this.addSql(`drop function if exists "payments"."guard_list_state"();`);
    for (const event of ['insert', 'update', 'delete']) this.addSql(`drop trigger if exists "payment_lines_guard_${event}" on "payments"."payment_lines";`);
    this.addSql(`drop function if exists "payments"."guard_locked_lines"();`);
    this.addSql(`drop function if exists "payments"."control_totals"(uuid[]);`);
    this.addSql(`drop sequence if exists "payments"."line_code_seq";`);
    for (const table of ['reconciliations', 'idempotency_keys', 'payment_updates', 'list_adjustments', 'recoveries', 'line_months'])
      this.addSql(`drop table if exists "payments"."${table}";`);
    this.addSql(`alter table "payments"."payment_lines" drop constraint "payment_lines_amounts_check", drop constraint "payment_lines_paid_check", drop constraint "payment_lines_held_check";`);
    this.addSql(`alter table "payments"."payment_lines" drop column "total";`);
    this.addSql(`alter table "payments"."payment_lines" drop constraint "payment_lines_list_id_entitlement_id_unique", drop constraint "payment_lines_line_code_unique", drop constraint "payment_lines_list_id_foreign";`);
    this.addSql(`drop index if exists "payments"."payment_lines_person_id_index";`);
    this.addSql(`update "payments"."payment_lines" set status = 'unpaid' where status not in ('pending', 'paid', 'unpaid');`);
    this.addSql(`update "payments"."payment_lines" set channel = 'cash' where channel not in ('cash', 'bank', 'e_wallet', 'mobile_money');`);
    this.addSql(`alter table "payments"."payment_lines" drop constraint "payment_lines_channel_check", drop constraint "payment_lines_status_check";`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_channel_check" check ("channel" in ('cash', 'bank', 'e_wallet', 'mobile_money'));`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_status_check" check ("status" in ('pending', 'paid', 'unpaid'));`);
    this.addSql(`alter table "payments"."payment_lines" drop column "list_id", drop column "line_code", drop column "carried_over", drop column "one_off", drop column "recovery", drop column "account_id", drop column "channel_reason", drop column "hold_reason", drop column "paid_at", drop column "receiver", drop column "receiver_name", drop column "status_note", drop column "late", drop column "version", drop column "updated_at", drop column "updated_by_id", drop column "updated_by_name";`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_person_id_month_unit_id_unique" unique ("person_id", "month", "unit_id");`);
    this.addSql(`drop table if exists "payments"."payment_lists";`);
    for (const statement of historyTriggers({ ...LINE_HISTORY, entityColumns: { payment_line_id: 'id', person_id: 'person_id' } }).up) this.addSql(statement);
    this.addSql(`alter table "payments"."change_history" drop column "payment_list_id";`);
    this.addSql(FORMER_LINES_VIEW);
    this.addSql(`grant select on "payments"."v_payment_lines" to ansinh_view_reader;`);
  }

}
