import { Migration } from '@mikro-orm/migrations';

export class Migration20261123183528 extends Migration {

  override name = 'Migration20261123183528';

  override up(): void | Promise<void> {
    // Names folded for accent-insensitive search ("nguyen van an" finds "Nguyễn Văn An"); the same folding as
    // foldText in src/text/fold-text.ts. unaccent() itself is only stable, so it is pinned to its dictionary.
    this.addSql(`create function "registry"."fold_name"(name text) returns text language sql immutable strict parallel safe as $$ select lower(public.unaccent('public.unaccent'::regdictionary, name)) $$;`);
    this.addSql(`grant execute on function "registry"."fold_name"(text) to ansinh_registry;`);

    this.addSql(`create table "registry"."change_history" ("id" bigserial primary key, "table_name" varchar(40) not null, "row_id" uuid not null, "person_id" uuid null, "household_id" uuid null, "unit_code" varchar(5) null, "action" text not null, "changed_at" timestamptz not null default now(), "actor_id" text not null, "actor_name" text not null, "actor_unit_code" varchar(5) null, "before" json null, "after" json null);`);
    this.addSql(`create index "change_history_person_id_id_index" on "registry"."change_history" ("person_id", "id");`);
    this.addSql(`create index "change_history_household_id_id_index" on "registry"."change_history" ("household_id", "id") where household_id is not null;`);

    this.addSql(`create table "registry"."duplicate_warnings" ("id" uuid not null, "person_id" uuid not null, "matched_person_id" uuid not null, "reason" text not null, "unit_code" varchar(5) not null, "status" text not null default 'open', "created_at" timestamptz not null, "decided_at" timestamptz null, "decided_by_id" text null, "decided_by_name" text null, "decision_note" text null, primary key ("id"));`);
    this.addSql(`create index "duplicate_warnings_unit_code_status_index" on "registry"."duplicate_warnings" ("unit_code", "status");`);
    this.addSql(`create index "duplicate_warnings_matched_person_id_index" on "registry"."duplicate_warnings" ("matched_person_id");`);
    this.addSql(`alter table "registry"."duplicate_warnings" add constraint "duplicate_warnings_person_id_matched_person_id_unique" unique ("person_id", "matched_person_id");`);

    this.addSql(`create table "registry"."households" ("id" uuid not null, "code" varchar(30) not null, "residence_unit_code" varchar(5) not null, "address" text null, "head_person_id" uuid null, "poverty_status" text not null default 'none', "poverty_year" smallint null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "registry"."households" add constraint "households_residence_unit_code_code_unique" unique ("residence_unit_code", "code");`);

    this.addSql(`create table "registry"."payment_accounts" ("id" uuid not null, "person_id" uuid not null, "kind" text not null, "provider_code" varchar(20) not null, "account_number" varchar(30) not null, "holder_name" text not null, "holder_name_matches" boolean not null, "is_default" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "registry"."payment_accounts" add constraint "payment_accounts_person_id_provider_code_account_number_unique" unique ("person_id", "provider_code", "account_number");`);
    this.addSql(`create unique index "payment_accounts_one_default" on "registry"."payment_accounts" ("person_id") where is_default;`);

    this.addSql(`alter table "registry"."administrative_units" add "successor_codes" text[] not null default '{}';`);
    this.addSql(`create index "administrative_units_successor_codes_gin" on "registry"."administrative_units" using gin ("successor_codes");`);

    this.addSql(`alter table "registry"."persons" add "name_folded" text null, add "ethnicity_code" varchar(2) null, add "old_id_number" varchar(12) null, add "phone" varchar(15) null, add "household_id" uuid null, add "relation_to_head" text null, add "status_date" date null;`);
    // Folded names are kept by the application from now on; existing persons get theirs here.
    this.addSql(`update "registry"."persons" set "name_folded" = registry.fold_name(full_name);`);
    this.addSql(`alter table "registry"."persons" alter column "name_folded" set not null;`);
    this.addSql(`drop index "registry"."persons_residence_unit_code_id_index";`);
    this.addSql(`create index "persons_citizen_id_index" on "registry"."persons" ("citizen_id");`);
    this.addSql(`create index "persons_old_id_number_index" on "registry"."persons" ("old_id_number");`);
    this.addSql(`create index "persons_household_id_index" on "registry"."persons" ("household_id");`);
    this.addSql(`create index "persons_name_words" on "registry"."persons" using gin (to_tsvector('simple'::regconfig, "name_folded" || ' c' || "residence_unit_code"));`);
    this.addSql(`create index "persons_unit_name_folded_index" on "registry"."persons" ("residence_unit_code", "name_folded", "id");`);
    this.addSql(`create index "persons_name_folded_id_index" on "registry"."persons" ("name_folded", "id");`);
    this.addSql(`create index "persons_not_living_index" on "registry"."persons" ("status", "residence_unit_code") where status <> 'living';`);
    this.addSql(`alter table "registry"."persons" add constraint "persons_relation_to_head_check" check ("relation_to_head" in ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other'));`);

    this.addSql(`alter table "registry"."change_history" add constraint "change_history_action_check" check ("action" in ('create', 'update', 'delete'));`);
    this.addSql(`alter table "registry"."change_history" enable row level security;`);
    this.addSql(`create policy "history_scope" on "registry"."change_history" using (unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree) or exists (select 1 from registry.persons p where p.id = person_id) or exists (select 1 from registry.households h where h.id = household_id));`);

    this.addSql(`alter table "registry"."duplicate_warnings" add constraint "duplicate_warnings_reason_check" check ("reason" in ('citizen_id', 'name_and_birth'));`);
    this.addSql(`alter table "registry"."duplicate_warnings" add constraint "duplicate_warnings_status_check" check ("status" in ('open', 'merged', 'dismissed'));`);
    this.addSql(`alter table "registry"."duplicate_warnings" enable row level security;`);
    this.addSql(`create policy "unit_scope" on "registry"."duplicate_warnings" using (unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree)) with check (unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree));`);

    this.addSql(`alter table "registry"."households" add constraint "households_poverty_status_check" check ("poverty_status" in ('none', 'poor', 'near_poor'));`);
    this.addSql(`alter table "registry"."households" enable row level security;`);
    this.addSql(`create policy "unit_scope" on "registry"."households" using (residence_unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree)) with check (residence_unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree));`);

    this.addSql(`alter table "registry"."payment_accounts" add constraint "payment_accounts_kind_check" check ("kind" in ('bank', 'e_wallet', 'mobile_money'));`);
    this.addSql(`alter table "registry"."payment_accounts" enable row level security;`);
    this.addSql(`create policy "person_scope" on "registry"."payment_accounts" using (exists (select 1 from registry.persons p where p.id = person_id)) with check (exists (select 1 from registry.persons p where p.id = person_id));`);

    // A unit code names one unit per period, and a period with no known start is one period too.
    this.addSql(`alter table "registry"."administrative_units" drop constraint "administrative_units_code_valid_from_unique";`);
    this.addSql(`create unique index "administrative_units_code_valid_from_unique" on "registry"."administrative_units" ("code", "valid_from") nulls not distinct;`);

    this.addSql(`alter table "registry"."persons" add constraint "persons_household_id_foreign" foreign key ("household_id") references "registry"."households" ("id") on delete set null;`);
    this.addSql(`alter table "registry"."households" add constraint "households_head_person_id_foreign" foreign key ("head_person_id") references "registry"."persons" ("id") on delete set null deferrable initially deferred;`);
    this.addSql(`alter table "registry"."payment_accounts" add constraint "payment_accounts_person_id_foreign" foreign key ("person_id") references "registry"."persons" ("id") on delete cascade;`);

    // Change history: written by these statement-level triggers in the same transaction as the change (one
    // insert per statement, so a bulk import costs one extra statement, not one per row). Who changed it comes
    // from the request's session settings (see scopeSessionContext); migrations and seeds are "system".
    // The function runs as the owner so that officials' roles can read history but never write it.
    // Per table: which person and household a row concerns, and its unit (an account's unit is its person's).
    const historyOf = {
      persons: { person: 'r.id', household: 'null::uuid', unit: 'r.residence_unit_code' },
      households: { person: 'null::uuid', household: 'r.id', unit: 'r.residence_unit_code' },
      payment_accounts: {
        person: 'r.person_id',
        household: 'null::uuid',
        unit: '(select p.residence_unit_code from registry.persons p where p.id = r.person_id)',
      },
    };
    for (const [table, of] of Object.entries(historyOf)) {
      const columns = `insert into registry.change_history (table_name, row_id, person_id, household_id, unit_code, action, actor_id, actor_name, actor_unit_code, before, after)`;
      const actor = `coalesce(nullif(current_setting('ansinh.actor_id', true), ''), 'system'), coalesce(nullif(current_setting('ansinh.actor_name', true), ''), 'system'), nullif(current_setting('ansinh.actor_unit', true), '')`;
      // Static SQL per event: a transition table exists only for its own events, and PL/pgSQL plans a
      // statement only when it first runs. An update that changed nothing but updated_at is not history.
      // Transition tables carry no statistics, and a nested loop over old and new rows of a bulk update is quadratic.
      this.addSql(`create function "registry"."record_${table}_changes"() returns trigger language plpgsql security definer set search_path = pg_catalog, registry set enable_nestloop = off as $$
begin
  if tg_op = 'INSERT' then
    ${columns}
    select '${table}', r.id, ${of.person}, ${of.household}, ${of.unit}, 'create', ${actor}, null, to_json(r) from new_rows r;
  elsif tg_op = 'UPDATE' then
    ${columns}
    select '${table}', r.id, ${of.person}, ${of.household}, ${of.unit}, 'update', ${actor}, to_json(o), to_json(r)
      from new_rows r join old_rows o on o.id = r.id
     where to_jsonb(o) - 'updated_at' is distinct from to_jsonb(r) - 'updated_at';
  else
    ${columns}
    select '${table}', r.id, ${of.person}, ${of.household}, ${of.unit}, 'delete', ${actor}, to_json(r), null from old_rows r;
  end if;
  return null;
end $$;`);
      this.addSql(`create trigger "${table}_history_insert" after insert on "registry"."${table}" referencing new table as new_rows for each statement execute function registry.record_${table}_changes();`);
      this.addSql(`create trigger "${table}_history_update" after update on "registry"."${table}" referencing old table as old_rows new table as new_rows for each statement execute function registry.record_${table}_changes();`);
      this.addSql(`create trigger "${table}_history_delete" after delete on "registry"."${table}" referencing old table as old_rows for each statement execute function registry.record_${table}_changes();`);
    }
    this.addSql(`revoke insert, update, delete on "registry"."change_history" from ansinh_registry;`);

    // Duplicate warnings (cảnh báo trùng) for the given persons: the same CCCD held by another record, or the
    // same name without accents and date of birth (the year where one side knows only the year) as a living
    // person of the same district (same parent unit) where the two CCCDs do not differ. Runs as the owner
    // because the match may live in a neighbouring commune that the caller's scope hides; the caller sees
    // only that a warning exists. A pair already warned about, in either direction, is not raised again.
    this.addSql(`create function "registry"."raise_duplicate_warnings"(candidates uuid[]) returns integer language sql volatile security definer set search_path = pg_catalog, registry as $$
  with fresh as (
    select p.id, p.citizen_id, p.name_folded, p.birth_year, p.birth_date, p.residence_unit_code, u.parent_code
      from registry.persons p
      left join registry.administrative_units u on u.code = p.residence_unit_code and u.valid_to is null
     where p.id = any(candidates)
  ), matches as (
    select f.id as person_id, m.id as matched_person_id, 'citizen_id' as reason, f.residence_unit_code as unit_code
      from fresh f join registry.persons m on m.citizen_id = f.citizen_id and m.id <> f.id
    union all
    select f.id, m.id, 'name_and_birth', f.residence_unit_code
      from fresh f
      join registry.persons m on m.name_folded = f.name_folded and m.birth_year = f.birth_year and m.id <> f.id
       and m.status = 'living'
       and (m.birth_date is null or f.birth_date is null or m.birth_date = f.birth_date)
       and (m.citizen_id is null or f.citizen_id is null or m.citizen_id = f.citizen_id)
      join registry.administrative_units mu on mu.code = m.residence_unit_code and mu.valid_to is null
       and mu.parent_code is not distinct from f.parent_code
  ), inserted as (
    insert into registry.duplicate_warnings (id, person_id, matched_person_id, reason, unit_code, status, created_at)
    select gen_random_uuid(), person_id, matched_person_id, min(reason), min(unit_code), 'open', now()
      from matches
     where not exists (select 1 from registry.duplicate_warnings w where w.person_id = matches.matched_person_id and w.matched_person_id = matches.person_id)
       and not (matched_person_id = any(candidates) and matched_person_id > person_id)
     group by person_id, matched_person_id
    on conflict (person_id, matched_person_id) do nothing
    returning 1
  )
  select count(*)::integer from inserted
$$;`);
    this.addSql(`revoke all on function "registry"."raise_duplicate_warnings"(uuid[]) from public;`);

    // Name search under row-level security: the text-search match operator is not leakproof, so PostgreSQL will
    // not use the name index below a policy and scans every person instead. This function matches as the owner,
    // limited to the caller's scope (read from the session, never from an argument), and the caller's query then
    // reads the persons by id under its own policies. The index holds each person's commune as a word too
    // (c18073), so that a search within a few communes intersects with them inside the index instead of
    // reading every person of the province with that name (the commune words are the scope there). Dynamic SQL: a cached plan made for no words in
    // particular would read every person.
    this.addSql(`create function "registry"."person_ids_matching_name"(words tsquery, max_rows integer) returns setof uuid language plpgsql stable security definer rows 100 set search_path = pg_catalog, registry, public as $$
declare
  communes text[] := array(select code from registry.administrative_units where valid_to is null and level = 'commune'
    and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree);
begin
  if cardinality(communes) <= 60 then
    return query execute 'select p.id from registry.persons p
      where to_tsvector(''simple''::regconfig, p.name_folded || '' c'' || p.residence_unit_code)
            @@ ($1 && (select to_tsquery(''simple''::regconfig, string_agg(''c'' || code, '' | '')) from unnest($2) code))
      limit $3'
      using words, communes, max_rows;
  else
    return query execute 'select p.id from registry.persons p
      where to_tsvector(''simple''::regconfig, p.name_folded || '' c'' || p.residence_unit_code) @@ $1
        and p.residence_unit_code in (select code from registry.administrative_units where valid_to is null
          and path <@ nullif(current_setting(''ansinh.scope_path'', true), '''')::ltree)
      limit $2'
      using words, max_rows;
  end if;
end $$;`);
    this.addSql(`revoke all on function "registry"."person_ids_matching_name"(tsquery, integer) from public;`);
    this.addSql(`grant execute on function "registry"."person_ids_matching_name"(tsquery, integer) to ansinh_registry;`);
    this.addSql(`grant execute on function "registry"."raise_duplicate_warnings"(uuid[]) to ansinh_registry;`);
  }

  override down(): void | Promise<void> {
    for (const table of ['persons', 'households', 'payment_accounts']) {
      for (const event of ['insert', 'update', 'delete']) this.addSql(`drop trigger if exists "${table}_history_${event}" on "registry"."${table}";`);
    }
    for (const table of ['persons', 'households', 'payment_accounts']) this.addSql(`drop function if exists "registry"."record_${table}_changes"();`);
    this.addSql(`drop function if exists "registry"."raise_duplicate_warnings"(uuid[]);`);
    this.addSql(`drop function if exists "registry"."person_ids_matching_name"(tsquery, integer);`);
    this.addSql(`alter table "registry"."persons" drop constraint if exists "persons_household_id_foreign";`);
    this.addSql(`drop index "registry"."administrative_units_code_valid_from_unique";`);
    this.addSql(`alter table "registry"."administrative_units" add constraint "administrative_units_code_valid_from_unique" unique ("code", "valid_from");`);
    this.addSql(`drop table if exists "registry"."change_history" cascade;`);
    this.addSql(`drop table if exists "registry"."duplicate_warnings" cascade;`);
    this.addSql(`drop table if exists "registry"."households" cascade;`);
    this.addSql(`drop table if exists "registry"."payment_accounts" cascade;`);

    this.addSql(`drop index "registry"."administrative_units_successor_codes_gin";`);
    this.addSql(`alter table "registry"."administrative_units" drop column "successor_codes";`);

    this.addSql(`create index "persons_residence_unit_code_id_index" on "registry"."persons" ("residence_unit_code", "id");`);
    this.addSql(`drop index "registry"."persons_citizen_id_index";`);
    this.addSql(`drop index "registry"."persons_old_id_number_index";`);
    this.addSql(`drop index "registry"."persons_household_id_index";`);
    this.addSql(`drop index "registry"."persons_name_words";`);
    this.addSql(`drop index "registry"."persons_unit_name_folded_index";`);
    this.addSql(`drop index "registry"."persons_name_folded_id_index";`);
    this.addSql(`drop index "registry"."persons_not_living_index";`);
    this.addSql(`alter table "registry"."persons" drop constraint "persons_relation_to_head_check";`);
    this.addSql(`alter table "registry"."persons" drop column "name_folded", drop column "ethnicity_code", drop column "old_id_number", drop column "phone", drop column "household_id", drop column "relation_to_head", drop column "status_date";`);
    this.addSql(`drop function if exists "registry"."fold_name"(text);`);
  }

}
