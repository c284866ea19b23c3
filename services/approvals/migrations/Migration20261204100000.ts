import { Migration } from '@mikro-orm/migrations';
import { SCOPE_SETTING, TODAY_IN_VIETNAM_SQL } from '@ansinh/common';

/**
 * Two-way sync with the provinces' one-stop systems, outbound half (services/approvals/src/sync/outbound):
 * - `sync_provinces`: each province's sync mode (two-way, inbound, outbound, none; no row: none);
 * - `sync_feed`: the events a province's system receives, numbered (`seq`) in the order the relay
 *   committed them, so that a cursor never skips one; `sync_feed_reads`: where each client last read;
 * - `webhooks` (the secret is never readable by the subgraph's role: only the deliverer's function
 *   reads it) and `webhook_deliveries`, one per event and active webhook of the province, which is
 *   the delivery queue itself (leases, attempts, dead letters);
 * - a trigger on `application_events` that announces each step of a dossier in the outbox
 *   (`application.progressed`, with the step, the action and the event's id), in the step's
 *   transaction: the history's `application.updated` says the state moved, but not which step was
 *   done, by what action, nor why (the reason lives in the event row);
 * - no NOTIFY in the changing transactions: PostgreSQL serialises the commits of transactions that
 *   notify (a lock on the notification queue held through the commit), which cut commits from
 *   about 1,800 to 380 a second on the benchmark's machine; the relay polls instead (SYNC_RELAY_POLL_MS)
 *   and notifies the deliverers (`ansinh_sync_deliveries`) once per batch it publishes;
 * - functions that run as the owner, for the relay and the deliverer, which work across provinces
 *   under the subgraph's role without a scope: `take_sync_events(max)` (outbox rows in id order,
 *   marked published, with what the feed needs of the dossier, the decision and its amount),
 *   `sync_events_horizon()` (when the oldest unpublished event happened: payments' wait behind it),
 *   `sync_entitlement_dossiers(ids)` (the dossier of each entitlement: its lineage's granting
 *   application), `publish_sync_events(events)` (feed rows and their deliveries, one relay at a time),
 *   `lease_webhook_deliveries(max, lease_seconds, busy_webhooks)`, `settle_webhook_deliveries(outcomes)` and
 *   `sync_statuses(codes)` (counts per province, no personal data). The resolvers check permissions
 *   before calling the last one.
 */

/** The province code of the caller's scope (`42_20250701.18073_20250701` → `42`); null without a scope. */
const CALLER_PROVINCE = `split_part(split_part(nullif(current_setting('${SCOPE_SETTING}', true), ''), '.', 1), '_', 1)`;

/** The caller's unit is in force: a unit that has ended reads, never writes. */
const CALLER_IN_FORCE = `exists (select 1 from registry.v_units s where s.path = nullif(current_setting('${SCOPE_SETTING}', true), '')::ltree and (s.valid_to is null or s.valid_to >= ${TODAY_IN_VIETNAM_SQL}))`;

const OWN_PROVINCE = `"province_code" = ${CALLER_PROVINCE}`;
const OWN_PROVINCE_WRITABLE = `${OWN_PROVINCE} and ${CALLER_IN_FORCE}`;

/** The relay's lock: one relay at a time, so that feed numbers follow commit order. */
const RELAY_LOCK = `hashtext('approvals.sync_relay')`;

/** SQL: the province code of the unit `u` (the root label of its path, without an era's `_yyyymmdd`). */
const PROVINCE_OF = (unit: string) => `split_part(public.ltree2text(public.subpath(${unit}.path, 0, 1)), '_', 1)`;

/**
 * The dossier an entitlement belongs to: the first entitlement of its chain of relocations, the
 * application that granted it (if any) and the provincial system's code of that application.
 */
const ENTITLEMENT_DOSSIERS = `create function "approvals"."sync_entitlement_dossiers"(entitlement_ids uuid[])
  returns table (entitlement_id uuid, root_entitlement_id uuid, application_id uuid, source text, external_code text, confidential boolean)
  language sql stable security definer set search_path = pg_catalog, approvals as $$
    with recursive chain (entitlement_id, id, relocated_from_id, depth) as (
      select e.id, e.id, e.relocated_from_id, 0 from approvals.entitlements e where e.id = any(entitlement_ids)
      union all
      select c.entitlement_id, p.id, p.relocated_from_id, c.depth + 1
        from chain c join approvals.entitlements p on p.id = c.relocated_from_id where c.depth < 100
    ), roots as (
      select distinct on (c.entitlement_id) c.entitlement_id, c.id as root_id from chain c order by c.entitlement_id, c.depth desc
    )
    select r.entitlement_id, r.root_id, g.application_id, a.source_system, a.external_dossier_code, coalesce(k.confidential, false)
      from roots r
      join approvals.entitlements e on e.id = r.entitlement_id
      left join approvals.categories k on k.id = e.category_id
      left join lateral (
        select d.application_id from approvals.decisions d
         where d.entitlement_id = r.root_id and d.kind = 'grant' and d.application_id is not null
         order by d.recorded_at limit 1) g on true
      left join approvals.applications a on a.id = g.application_id;
  $$;`;

/**
 * The outbox rows not yet published, in id order (up to \`max\`, at most 5,000), marked published, with
 * the province they belong to and what a feed event needs, looked up once for the whole batch:
 * - a dossier's step (\`application.progressed\`): the step row (action, step, reason), the dossier (its
 *   system's code, whether its category is confidential), the next step of its workflow and, for the
 *   deciding step, the grant (number, date, first month, entitlement, and the month's amount by the
 *   ledger's rule \`entitlements_terms\`); the province of the dossier's unit;
 * - a later decision on an entitlement (change, suspension, resumption, relocation, stop): the
 *   decision, the amount from its effective month, the dossier of the entitlement's lineage and, for
 *   a relocation, the entitlement and commune that continue it; the province of the entitlement's
 *   paying unit (a relocation is signed by the new commune, the dossier is the old one's);
 * - any other row: its own unit's province, no details (the relay does not publish it).
 */
const TAKE_EVENTS = `create function "approvals"."take_sync_events"(max integer)
  returns table (id bigint, aggregate_type text, aggregate_id text, event_type text, payload jsonb,
                 occurred_at timestamptz, unit_id uuid, province_code text, details jsonb)
  language plpgsql security definer set search_path = pg_catalog, approvals as $$
  begin
    perform pg_advisory_xact_lock(${RELAY_LOCK});
    return query
      with next as (
        select o.id from approvals.outbox o where o.published_at is null
         order by o.id limit least(greatest(max, 1), 5000) for update
      ), taken as (
        update approvals.outbox o set published_at = now() from next where o.id = next.id
        returning o.id, o.aggregate_type, o.aggregate_id, o.event_type, o.payload, o.occurred_at, o.unit_id
      ), steps as (
        select t.id, a.unit_id,
               jsonb_build_object(
                 'applicationId', a.id, 'action', e.action, 'step', e.step, 'reason', e.reason, 'at', e.at,
                 'filedOn', a.filed_on, 'source', a.source_system, 'externalCode', a.external_dossier_code,
                 'confidential', c.confidential, 'isDecision', coalesce(s.is_decision, false),
                 'nextStep', (select n.code from approvals.workflow_steps n
                               where n.workflow_id = a.workflow_id and n.position > s.position order by n.position limit 1),
                 'decision', g.decision) as details
          from taken t
          join approvals.application_events e
            on e.id = case when t.event_type = 'application.progressed' then (t.payload ->> 'eventId')::uuid end
          join approvals.applications a on a.id = e.application_id
          join approvals.categories c on c.id = a.category_id
          left join approvals.workflow_steps s on s.workflow_id = a.workflow_id and s.code = e.step
          left join lateral (
            select jsonb_build_object('number', d.number, 'decidedOn', d.decided_on, 'effectiveMonth', d.effective_month,
                                      'entitlementId', d.entitlement_id,
                                      'amount', (select x.amount from approvals.entitlements_terms(array[d.entitlement_id], d.effective_month::text) x)) as decision
              from approvals.decisions d
             where e.action = 'completed' and s.is_decision and d.application_id = a.id and d.kind = 'grant'
             order by d.recorded_at desc limit 1) g on true
      ), decided as (
        select t.id, d.entitlement_id, d.kind, d.number, d.decided_on, d.effective_month, d.reason, e.unit_id
          from taken t
          join approvals.decisions d
            on d.id = case when t.event_type = 'decision.created' then t.aggregate_id::uuid end
          join approvals.entitlements e on e.id = d.entitlement_id
         where d.kind in ('change', 'suspend', 'resume', 'relocate-out', 'stop')
      ), dossiers as (
        select * from approvals.sync_entitlement_dossiers(array(select distinct x.entitlement_id from decided x))
      ), decisions as (
        select x.id, x.unit_id,
               jsonb_build_object(
                 'kind', x.kind, 'number', x.number, 'decidedOn', x.decided_on, 'effectiveMonth', x.effective_month,
                 'reason', x.reason, 'entitlementId', x.entitlement_id, 'rootEntitlementId', o.root_entitlement_id,
                 'applicationId', o.application_id, 'source', o.source, 'externalCode', o.external_code,
                 'confidential', o.confidential,
                 'amount', (select m.amount from approvals.entitlements_terms(array[x.entitlement_id], x.effective_month::text) m),
                 'successor', (select jsonb_build_object('entitlementId', n.id, 'unitCode', u.code, 'provinceCode', ${PROVINCE_OF('u')},
                                                         'amount', (select m.amount from approvals.entitlements_terms(array[n.id], x.effective_month::text) m))
                                 from approvals.entitlements n join registry.v_units u on u.id = n.unit_id
                                where x.kind = 'relocate-out' and n.relocated_from_id = x.entitlement_id limit 1)) as details
          from decided x left join dossiers o on o.entitlement_id = x.entitlement_id
      )
      select t.id, t.aggregate_type, t.aggregate_id, t.event_type, t.payload, t.occurred_at, t.unit_id,
             ${PROVINCE_OF('u')}, coalesce(st.details, dc.details)
        from taken t
        left join steps st on st.id = t.id
        left join decisions dc on dc.id = t.id
        left join registry.v_units u on u.id = coalesce(st.unit_id, dc.unit_id, t.unit_id)
       order by t.id;
  end $$;`;

/**
 * When the oldest approvals event not yet published happened (null: none waits). The relay takes a
 * payment's event only if it happened before: its dossier's decision is then published already.
 */
const EVENTS_HORIZON = `create function "approvals"."sync_events_horizon"()
  returns timestamptz
  language sql stable security definer set search_path = pg_catalog, approvals as $$
    select min(o.occurred_at) from approvals.outbox o where o.published_at is null;
  $$;`;

/**
 * Feed rows for the events given (as the relay mapped them), numbered in their order, and a delivery
 * per active webhook of their province; an event already in the feed (same id) is left alone.
 */
const PUBLISH_EVENTS = `create function "approvals"."publish_sync_events"(events jsonb)
  returns table (published integer, queued integer)
  language plpgsql security definer set search_path = pg_catalog, approvals as $$
  declare
    published_count integer;
    queued_count integer;
  begin
    perform pg_advisory_xact_lock(${RELAY_LOCK});
    with input as (
      select x.ord, e.* from jsonb_array_elements(events) with ordinality x(item, ord)
        cross join lateral jsonb_to_record(x.item) e(id uuid, province text, "dossierKey" text, type text, "occurredAt" timestamptz, payload jsonb)
    ), added_rows as (
      insert into approvals.sync_feed (event_id, province_code, dossier_key, event_type, occurred_at, payload)
      select i.id, i.province, i."dossierKey", i.type, i."occurredAt", i.payload from input i order by i.ord
      on conflict (event_id) do nothing
      returning seq, sync_feed.province_code, sync_feed.dossier_key
    ), queued_rows as (
      insert into approvals.webhook_deliveries (webhook_id, seq, dossier_key)
      select w.id, a.seq, a.dossier_key from added_rows a join approvals.webhooks w on w.province_code = a.province_code and w.active
      returning 1
    )
    select (select count(*) from added_rows), (select count(*) from queued_rows) into published_count, queued_count;
    if queued_count > 0 then
      perform pg_notify('ansinh_sync_deliveries', '');
    end if;
    return query select published_count, queued_count;
  end $$;`;

/**
 * Due deliveries, leased for \`lease_seconds\` (the attempt is counted now: a deliverer killed mid-send
 * leaves the lease to expire, and the row is sent again). A delivery waits while an earlier one of the
 * same dossier to the same webhook is still pending, so a receiver sees a dossier's events in order.
 * \`busy_webhooks\`: those the caller already sends as much to as it allows one receiver (a province's
 * system that is down must not take every slot from the others).
 */
const LEASE_DELIVERIES = `create function "approvals"."lease_webhook_deliveries"(max integer, lease_seconds integer, busy_webhooks uuid[] default '{}')
  returns table (webhook_id uuid, seq bigint, lease_id uuid, attempts integer, url text, secret text,
                 event_id uuid, event_type text, occurred_at timestamptz, province_code text, dossier_key text, payload jsonb)
  language sql security definer set search_path = pg_catalog, approvals as $$
    with due as (
      select d.webhook_id, d.seq from approvals.webhook_deliveries d
        join approvals.webhooks w on w.id = d.webhook_id and w.active
       where d.state = 'pending' and d.next_attempt_at <= now()
         and (d.leased_until is null or d.leased_until <= now())
         and not (d.webhook_id = any(coalesce(busy_webhooks, '{}')))
         and not exists (select 1 from approvals.webhook_deliveries e
                          where e.webhook_id = d.webhook_id and e.dossier_key = d.dossier_key
                            and e.state = 'pending' and e.seq < d.seq)
       order by d.next_attempt_at, d.seq
       limit least(greatest(max, 1), 1000)
       for update of d skip locked
    ), leased as (
      update approvals.webhook_deliveries d
         set leased_until = now() + make_interval(secs => least(greatest(lease_seconds, 1), 3600)),
             lease_id = gen_random_uuid(), attempts = d.attempts + 1
        from due where d.webhook_id = due.webhook_id and d.seq = due.seq
      returning d.webhook_id, d.seq, d.lease_id, d.attempts
    )
    select l.webhook_id, l.seq, l.lease_id, l.attempts, w.url, w.secret, f.event_id, f.event_type, f.occurred_at,
           f.province_code::text, f.dossier_key, f.payload
      from leased l
      join approvals.webhooks w on w.id = l.webhook_id
      join approvals.sync_feed f on f.seq = l.seq
     order by l.seq;
  $$;`;

/**
 * The outcomes of sent deliveries, each applied only while its lease is the one given (a delivery
 * whose lease expired and was taken again belongs to the new holder): delivered; retried at
 * \`retryAt\`; dead; or gone (410: the webhook is deactivated and the delivery dead).
 */
const SETTLE_DELIVERIES = `create function "approvals"."settle_webhook_deliveries"(outcomes jsonb)
  returns integer
  language sql security definer set search_path = pg_catalog, approvals as $$
    with input as (
      select * from jsonb_to_recordset(outcomes)
        as o("webhookId" uuid, seq bigint, "leaseId" uuid, outcome text, status integer, error text, "retryAt" timestamptz)
       where o.outcome in ('delivered', 'retry', 'dead', 'gone')
    ), settled as (
      update approvals.webhook_deliveries d
         set state = case i.outcome when 'delivered' then 'delivered' when 'retry' then 'pending' else 'dead' end,
             delivered_at = case when i.outcome = 'delivered' then clock_timestamp() end,
             next_attempt_at = case when i.outcome = 'retry' then coalesce(i."retryAt", now()) else d.next_attempt_at end,
             leased_until = null, lease_id = null,
             last_status = i.status,
             last_error = case when i.outcome = 'delivered' then null else left(i.error, 500) end
        from input i
       where d.webhook_id = i."webhookId" and d.seq = i.seq and d.lease_id = i."leaseId" and d.state = 'pending'
      returning d.webhook_id, i.outcome, d.delivered_at
    ), gone as (
      update approvals.webhooks w set active = false, deactivated_at = now(), deactivated_reason = 'gone'
       where w.id in (select s.webhook_id from settled s where s.outcome = 'gone') and w.active
      returning 1
    ), delivered as (
      update approvals.webhooks w set last_delivered_at = greatest(w.last_delivered_at, s.at)
        from (select s.webhook_id, max(s.delivered_at) as at from settled s where s.outcome = 'delivered' group by s.webhook_id) s
       where w.id = s.webhook_id
      returning 1
    )
    -- Data-modifying parts of a WITH run to completion whether read or not.
    select count(*)::integer from settled;
  $$;`;

/**
 * Each province in force (or those of \`codes\`): its mode, when its system last sent or resubmitted
 * a dossier (\`intake_submissions\`, by its index on province and time; PL/pgSQL, whose body is bound
 * when called, because that table comes with the intake's migration after this one), last
 * received a delivery and last read the feed; its backlog (deliveries pending to active webhooks, and
 * the feed events after the furthest one its systems read, once one has read it), the pending
 * deliveries that have failed at least once, the dead letters and the active webhooks. Counts only.
 */
const STATUSES = `create function "approvals"."sync_statuses"(codes text[])
  returns table (province_code text, province_name text, mode text, mode_changed_at timestamptz,
                 last_intake_at timestamptz, last_delivery_at timestamptz, last_feed_read_at timestamptz,
                 backlog bigint, failing_deliveries bigint, dead_letters bigint, webhooks bigint)
  language plpgsql stable security definer set search_path = pg_catalog, approvals, public as $$
  #variable_conflict use_column
  begin
    return query
    select p.code::text, p.full_name::text, coalesce(m.mode, 'none'), m.changed_at,
           (select max(i.updated_at) from approvals.intake_submissions i where i.province_code = p.code),
           (select max(w.last_delivered_at) from approvals.webhooks w where w.province_code = p.code),
           r.last_read_at,
           (select count(*) from approvals.webhook_deliveries d join approvals.webhooks w on w.id = d.webhook_id
             where w.province_code = p.code and w.active and d.state = 'pending')
             + coalesce((select count(*) from approvals.sync_feed f where f.province_code = p.code and f.seq > r.last_sequence), 0),
           (select count(*) from approvals.webhook_deliveries d join approvals.webhooks w on w.id = d.webhook_id
             where w.province_code = p.code and d.state = 'pending' and d.last_error is not null),
           (select count(*) from approvals.webhook_deliveries d join approvals.webhooks w on w.id = d.webhook_id
             where w.province_code = p.code and d.state = 'dead'),
           (select count(*) from approvals.webhooks w where w.province_code = p.code and w.active)
      from registry.v_units p
      left join approvals.sync_provinces m on m.province_code = p.code
      left join lateral (select max(x.last_read_at) as last_read_at, max(x.last_sequence) as last_sequence
                           from approvals.sync_feed_reads x where x.province_code = p.code) r on true
     where p.level = 'province' and p.valid_to is null and (codes is null or p.code = any(codes))
     order by p.code;
  end $$;`;

const RECORD_PROGRESS = `create function "approvals"."record_application_progress"() returns trigger
  language plpgsql security definer set search_path = pg_catalog, approvals as $$
  begin
    insert into approvals.outbox (aggregate_type, aggregate_id, event_type, payload, unit_id)
    select 'application', n.application_id::text, 'application.progressed',
           jsonb_build_object('eventId', n.id, 'step', n.step, 'action', n.action), a.unit_id
      from new_rows n join approvals.applications a on a.id = n.application_id
     order by n.at, n.id;
    return null;
  end $$;`;

const OWNER_FUNCTIONS = [
  '"take_sync_events"(integer)',
  '"sync_events_horizon"()',
  '"sync_entitlement_dossiers"(uuid[])',
  '"publish_sync_events"(jsonb)',
  '"lease_webhook_deliveries"(integer, integer, uuid[])',
  '"settle_webhook_deliveries"(jsonb)',
  '"sync_statuses"(text[])',
];

const INTERNAL_FUNCTIONS = [
  '"record_application_progress"()',
];

export class Migration20261204100000 extends Migration {

  override name = 'Migration20261204100000';

  override up(): void | Promise<void> {
    this.addSql(`create table "approvals"."sync_provinces" (
      "province_code" varchar(2) not null check ("province_code" ~ '^[0-9]{2}$'),
      "mode" text not null check ("mode" in ('two-way', 'inbound', 'outbound', 'none')),
      "changed_at" timestamptz not null default now(), "changed_by" text null,
      primary key ("province_code"));`);

    this.addSql(`create table "approvals"."sync_feed" (
      "seq" bigserial primary key, "event_id" uuid not null,
      "province_code" varchar(2) not null, "dossier_key" text not null, "event_type" text not null,
      "occurred_at" timestamptz not null, "recorded_at" timestamptz not null default now(), "payload" jsonb not null,
      constraint "sync_feed_event_id_unique" unique ("event_id"));`);
    this.addSql(`create index "sync_feed_province_code_seq_index" on "approvals"."sync_feed" ("province_code", "seq");`);

    this.addSql(`create table "approvals"."sync_feed_reads" (
      "province_code" varchar(2) not null, "client_id" varchar(100) not null,
      "last_read_at" timestamptz not null, "last_sequence" bigint not null,
      primary key ("province_code", "client_id"));`);

    this.addSql(`create table "approvals"."webhooks" (
      "id" uuid not null default gen_random_uuid(), "client_id" varchar(100) not null, "province_code" varchar(2) not null,
      "url" text not null check (length("url") between 1 and 2000), "secret" text not null,
      "active" boolean not null default true,
      "created_at" timestamptz not null default now(), "created_by" text not null,
      "deactivated_at" timestamptz null, "deactivated_reason" text null, "last_delivered_at" timestamptz null,
      primary key ("id"));`);
    this.addSql(`create index "webhooks_province_code_index" on "approvals"."webhooks" ("province_code");`);
    this.addSql(`create index "webhooks_client_id_index" on "approvals"."webhooks" ("client_id");`);

    this.addSql(`create table "approvals"."webhook_deliveries" (
      "webhook_id" uuid not null references "approvals"."webhooks" ("id") on delete cascade,
      "seq" bigint not null references "approvals"."sync_feed" ("seq"),
      "dossier_key" text not null,
      "state" text not null default 'pending' check ("state" in ('pending', 'delivered', 'dead')),
      "attempts" integer not null default 0, "next_attempt_at" timestamptz not null default now(),
      "leased_until" timestamptz null, "lease_id" uuid null,
      "last_error" text null, "last_status" integer null, "delivered_at" timestamptz null,
      primary key ("webhook_id", "seq"));`);
    this.addSql(`create index "webhook_deliveries_due_index" on "approvals"."webhook_deliveries" ("next_attempt_at", "seq") where "state" = 'pending';`);
    this.addSql(`create index "webhook_deliveries_dossier_index" on "approvals"."webhook_deliveries" ("webhook_id", "dossier_key", "seq") where "state" = 'pending';`);
    this.addSql(`create index "webhook_deliveries_dead_index" on "approvals"."webhook_deliveries" ("webhook_id", "seq") where "state" = 'dead';`);
    this.addSql(`create index "webhook_deliveries_seq_index" on "approvals"."webhook_deliveries" ("seq");`);

    // What the feed's functions look up: a dossier's grant.
    this.addSql(`create index "decisions_application_id_index" on "approvals"."decisions" ("application_id") where "application_id" is not null;`);

    // Row-level security: a province's rows to the callers of that province. Modes are public (the
    // ministry's table shows them all); a province's administrator sets its own.
    this.addSql(`alter table "approvals"."sync_provinces" enable row level security;`);
    this.addSql(`create policy "everyone_reads" on "approvals"."sync_provinces" for select using (true);`);
    this.addSql(`create policy "own_province_inserts" on "approvals"."sync_provinces" for insert with check (${OWN_PROVINCE_WRITABLE});`);
    this.addSql(`create policy "own_province_updates" on "approvals"."sync_provinces" for update using (${OWN_PROVINCE_WRITABLE}) with check (${OWN_PROVINCE_WRITABLE});`);
    this.addSql(`alter table "approvals"."sync_feed" enable row level security;`);
    this.addSql(`create policy "own_province" on "approvals"."sync_feed" for select using (${OWN_PROVINCE});`);
    this.addSql(`alter table "approvals"."sync_feed_reads" enable row level security;`);
    this.addSql(`create policy "own_province" on "approvals"."sync_feed_reads" using (${OWN_PROVINCE}) with check (${OWN_PROVINCE});`);
    this.addSql(`alter table "approvals"."webhooks" enable row level security;`);
    this.addSql(`create policy "own_province_reads" on "approvals"."webhooks" for select using (${OWN_PROVINCE});`);
    this.addSql(`create policy "own_province_inserts" on "approvals"."webhooks" for insert with check (${OWN_PROVINCE_WRITABLE});`);
    this.addSql(`create policy "own_province_deletes" on "approvals"."webhooks" for delete using (${OWN_PROVINCE_WRITABLE});`);
    this.addSql(`alter table "approvals"."webhook_deliveries" enable row level security;`);
    this.addSql(`create policy "webhook_scope" on "approvals"."webhook_deliveries" for select using (exists (select 1 from "approvals"."webhooks" w where w.id = "webhook_id"));`);
    this.addSql(`create policy "webhook_scope_replays" on "approvals"."webhook_deliveries" for update
      using (exists (select 1 from "approvals"."webhooks" w where w.id = "webhook_id") and ${CALLER_IN_FORCE})
      with check (exists (select 1 from "approvals"."webhooks" w where w.id = "webhook_id"));`);

    // Least privilege: the feed and the deliveries are written by the owner's functions only; a
    // webhook's secret is written once by the role and read only by the deliverer's function.
    for (const table of ['sync_provinces', 'sync_feed', 'sync_feed_reads', 'webhooks', 'webhook_deliveries'])
      this.addSql(`revoke all on "approvals"."${table}" from ansinh_approvals;`);
    this.addSql(`revoke all on sequence "approvals"."sync_feed_seq_seq" from ansinh_approvals;`);
    this.addSql(`grant select, insert, update on "approvals"."sync_provinces" to ansinh_approvals;`);
    this.addSql(`grant select on "approvals"."sync_feed" to ansinh_approvals;`);
    this.addSql(`grant select, insert, update on "approvals"."sync_feed_reads" to ansinh_approvals;`);
    this.addSql(`grant select ("id", "client_id", "province_code", "url", "active", "created_at", "created_by", "deactivated_at", "deactivated_reason", "last_delivered_at") on "approvals"."webhooks" to ansinh_approvals;`);
    this.addSql(`grant insert ("id", "client_id", "province_code", "url", "secret", "created_by") on "approvals"."webhooks" to ansinh_approvals;`);
    this.addSql(`grant delete on "approvals"."webhooks" to ansinh_approvals;`);
    this.addSql(`grant select on "approvals"."webhook_deliveries" to ansinh_approvals;`);
    this.addSql(`grant update ("state", "attempts", "next_attempt_at", "leased_until", "lease_id", "last_error") on "approvals"."webhook_deliveries" to ansinh_approvals;`);

    this.addSql(ENTITLEMENT_DOSSIERS);
    this.addSql(TAKE_EVENTS);
    this.addSql(EVENTS_HORIZON);
    this.addSql(PUBLISH_EVENTS);
    this.addSql(LEASE_DELIVERIES);
    this.addSql(SETTLE_DELIVERIES);
    this.addSql(STATUSES);
    this.addSql(RECORD_PROGRESS);
    for (const fn of [...OWNER_FUNCTIONS, ...INTERNAL_FUNCTIONS])
      this.addSql(`revoke all on function "approvals".${fn} from public;`);
    for (const fn of OWNER_FUNCTIONS) this.addSql(`grant execute on function "approvals".${fn} to ansinh_approvals;`);

    this.addSql(`create trigger "application_events_sync_insert" after insert on "approvals"."application_events" referencing new table as new_rows for each statement execute function "approvals"."record_application_progress"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "application_events_sync_insert" on "approvals"."application_events";`);
    for (const fn of [...OWNER_FUNCTIONS, ...INTERNAL_FUNCTIONS].reverse())
      this.addSql(`drop function if exists "approvals".${fn};`);
    // The steps announced for the feed: no one reads them once it is gone.
    this.addSql(`delete from "approvals"."outbox" where "event_type" = 'application.progressed';`);
    this.addSql(`drop index if exists "approvals"."decisions_application_id_index";`);
    for (const table of ['webhook_deliveries', 'webhooks', 'sync_feed_reads', 'sync_feed', 'sync_provinces'])
      this.addSql(`drop table if exists "approvals"."${table}";`);
  }

}
