import { Migration } from '@mikro-orm/migrations';

/**
 * The first payment of an entitlement, for the provinces' sync feed (approvals README, two-way sync):
 * - `payments.outbox`, in the shape of the other subgraphs' (after `historyUnitIdentitySql`): domain
 *   events written in the transaction of the change, published in `id` order;
 * - `first_payments`: the entitlement lineages (an entitlement and those continuing it after a
 *   relocation) paid at least once. A statement trigger on `payment_lines` adds a lineage the first
 *   time one of its lines is paid and writes `payment.first-paid` (entitlement, month, amount, paid on,
 *   channel) in the same transaction; a line paid, returned and paid again, or a lineage's next line,
 *   is not a first payment. Lines already paid when this runs count as paid before;
 * - `take_sync_events(max)`: the events not yet published, in `id` order, with the province of the
 *   paying unit, marked published; it runs as the owner and only the approvals subgraph's role (the
 *   relay that turns them into the feed) may execute it.
 * No NOTIFY in the paying transaction (it would serialise commits, see approvals' migration of the
 * same name): the relay polls.
 */

const OUTBOX = `create table "payments"."outbox" (
  "id" bigserial primary key, "aggregate_type" text not null, "aggregate_id" text not null, "event_type" text not null,
  "payload" jsonb not null, "occurred_at" timestamptz not null default now(), "published_at" timestamptz null,
  "unit_id" uuid null);`;

const FIRST_PAYMENTS = `create table "payments"."first_payments" (
  "entitlement_root_id" uuid not null, "entitlement_id" uuid not null, "line_id" uuid not null,
  "recorded_at" timestamptz not null default now(),
  primary key ("entitlement_root_id"));`;

/** A line's lineage: the root its months are covered under, else its own entitlement. */
const ROOT_OF_LINE = `coalesce((select m.entitlement_root_id from payments.line_months m where m.line_id = n.id limit 1), n.entitlement_id)`;

const RECORD_FIRST_PAYMENTS = `create function "payments"."record_first_payments"() returns trigger
  language plpgsql security definer set search_path = pg_catalog, payments as $$
  begin
    if tg_op = 'UPDATE' then
      with paid as (
        select distinct on (r.root) r.root, n.id, n.entitlement_id, n.unit_id, n.month, n.total, n.paid_on, n.channel
          from new_rows n join old_rows o on o.id = n.id
          cross join lateral (select ${ROOT_OF_LINE} as root) r
         where n.status = 'paid' and o.status is distinct from 'paid' and n.entitlement_id is not null
         order by r.root, n.month, n.paid_at, n.id
      ), firsts as (
        insert into payments.first_payments (entitlement_root_id, entitlement_id, line_id)
        select p.root, p.entitlement_id, p.id from paid p on conflict do nothing
        returning line_id
      )
      insert into payments.outbox (aggregate_type, aggregate_id, event_type, payload, unit_id)
      select 'entitlement', p.entitlement_id::text, 'payment.first-paid',
             jsonb_build_object('entitlementId', p.entitlement_id, 'lineId', p.id, 'month', p.month, 'amount', p.total,
                                'paidOn', p.paid_on, 'channel', p.channel), p.unit_id
        from paid p join firsts f on f.line_id = p.id
       order by p.month, p.id;
    else
      with paid as (
        select distinct on (r.root) r.root, n.id, n.entitlement_id, n.unit_id, n.month, n.total, n.paid_on, n.channel
          from new_rows n
          cross join lateral (select ${ROOT_OF_LINE} as root) r
         where n.status = 'paid' and n.entitlement_id is not null
         order by r.root, n.month, n.paid_at, n.id
      ), firsts as (
        insert into payments.first_payments (entitlement_root_id, entitlement_id, line_id)
        select p.root, p.entitlement_id, p.id from paid p on conflict do nothing
        returning line_id
      )
      insert into payments.outbox (aggregate_type, aggregate_id, event_type, payload, unit_id)
      select 'entitlement', p.entitlement_id::text, 'payment.first-paid',
             jsonb_build_object('entitlementId', p.entitlement_id, 'lineId', p.id, 'month', p.month, 'amount', p.total,
                                'paidOn', p.paid_on, 'channel', p.channel), p.unit_id
        from paid p join firsts f on f.line_id = p.id
       order by p.month, p.id;
    end if;
    return null;
  end $$;`;

const TAKE_EVENTS = `create function "payments"."take_sync_events"(max integer)
  returns table (id bigint, aggregate_type text, aggregate_id text, event_type text, payload jsonb,
                 occurred_at timestamptz, unit_id uuid, province_code text)
  language sql security definer set search_path = pg_catalog, payments as $$
    with next as (
      select o.id from payments.outbox o where o.published_at is null
       order by o.id limit least(greatest(max, 1), 5000) for update
    ), taken as (
      update payments.outbox o set published_at = now() from next where o.id = next.id
      returning o.id, o.aggregate_type, o.aggregate_id, o.event_type, o.payload, o.occurred_at, o.unit_id
    )
    select t.id, t.aggregate_type, t.aggregate_id, t.event_type, t.payload, t.occurred_at, t.unit_id,
           split_part(public.ltree2text(public.subpath(u.path, 0, 1)), '_', 1)
      from taken t left join registry.v_units u on u.id = t.unit_id
     order by t.id;
  $$;`;

export class Migration20261204100000 extends Migration {

  override name = 'Migration20261204100000';

  override up(): void | Promise<void> {
    // The approvals subgraph's relay takes the events; its role exists once approvals has migrated,
    // which may not be the case when payments migrates alone.
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_approvals') then create role ansinh_approvals nologin; end if; end $$;`);
    this.addSql(OUTBOX);
    this.addSql(`create index "outbox_unpublished_index" on "payments"."outbox" ("id") where "published_at" is null;`);
    this.addSql(`alter table "payments"."outbox" enable row level security;`);
    this.addSql(FIRST_PAYMENTS);
    this.addSql(`alter table "payments"."first_payments" enable row level security;`);
    // Requests neither read nor write events: the triggers write them as the owner.
    for (const table of ['outbox', 'first_payments']) this.addSql(`revoke all on "payments"."${table}" from ansinh_payments;`);
    this.addSql(`revoke all on sequence "payments"."outbox_id_seq" from ansinh_payments;`);
    // Lineages paid before: their next payment is not a first one.
    this.addSql(`insert into "payments"."first_payments" (entitlement_root_id, entitlement_id, line_id)
      select distinct on (root) root, entitlement_id, id
        from (select l.id, l.entitlement_id, l.month, l.paid_at,
                     coalesce((select m.entitlement_root_id from payments.line_months m where m.line_id = l.id limit 1), l.entitlement_id) as root
                from "payments"."payment_lines" l where l.status = 'paid' and l.entitlement_id is not null) p
       order by root, month, paid_at, id;`);

    this.addSql(RECORD_FIRST_PAYMENTS);
    this.addSql(`create trigger "payment_lines_first_paid_update" after update on "payments"."payment_lines" referencing old table as old_rows new table as new_rows for each statement execute function "payments"."record_first_payments"();`);
    this.addSql(`create trigger "payment_lines_first_paid_insert" after insert on "payments"."payment_lines" referencing new table as new_rows for each statement execute function "payments"."record_first_payments"();`);
    this.addSql(TAKE_EVENTS);
    for (const fn of ['"take_sync_events"(integer)', '"record_first_payments"()'])
      this.addSql(`revoke all on function "payments".${fn} from public;`);
    this.addSql(`grant execute on function "payments"."take_sync_events"(integer) to ansinh_approvals;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "payments"."take_sync_events"(integer);`);
    this.addSql(`drop trigger if exists "payment_lines_first_paid_insert" on "payments"."payment_lines";`);
    this.addSql(`drop trigger if exists "payment_lines_first_paid_update" on "payments"."payment_lines";`);
    this.addSql(`drop function if exists "payments"."record_first_payments"();`);
    this.addSql(`drop table if exists "payments"."first_payments";`);
    this.addSql(`drop table if exists "payments"."outbox";`);
  }

}
