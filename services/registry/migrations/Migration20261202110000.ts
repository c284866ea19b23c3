import { Migration } from '@mikro-orm/migrations';
import {
  historyTriggers,
  historyUnitIdentitySql,
  unitNamedByCodeSql,
  unitReadableSql,
  unitWritableSql,
  type HistoryDeclaration,
} from '@ansinh/common';

/**
 * A unit is an identity (issue 10): persons, households, duplicate warnings, the change history and the
 * outbox refer to one unit version (`administrative_units.id`), never to a bare code, which the 2025
 * reform reused for other territory. Runs after Migration20261202100000, which gives units their
 * version-qualified paths, `scope_paths` and `former_district_ids`.
 *
 * Existing rows were written under the rule "a code names the unit in force": each gets the unit its
 * code names today (unitNamedByCodeSql): the one in force, or for a code that no unit in force has any
 * more (an abolished commune, after a units import of the new lists) the last unit with that code,
 * which it was written under.
 */
const history = (declaration: 'codes' | 'ids'): HistoryDeclaration[] => {
  const unit = declaration === 'ids' ? 'residence_unit_id' : 'residence_unit_code';
  return [
    {
      schema: 'registry',
      table: 'persons',
      entityColumns: { person_id: 'id' },
      unitColumn: unit,
      ignoreColumns: ['updated_at'],
      events: {
        aggregateType: 'person',
        statusColumn: 'status',
        payloadColumns: ['status', 'status_date', unit],
      },
    },
    {
      schema: 'registry',
      table: 'households',
      entityColumns: { household_id: 'id' },
      unitColumn: unit,
      ignoreColumns: ['updated_at'],
    },
    {
      schema: 'registry',
      table: 'payment_accounts',
      entityColumns: { person_id: 'person_id' },
      unitColumn: `(select p.${unit} from registry.persons p where p.id = r.person_id)`,
      ignoreColumns: ['updated_at'],
    },
  ];
};

/** Who reads the history: the unit it was recorded in, and whoever reads the person or household now. */
const HISTORY_POLICIES = {
  outbox: true,
  readableWhen: `${unitReadableSql('unit_id')} or exists (select 1 from registry.persons p where p.id = person_id) or exists (select 1 from registry.households h where h.id = household_id)`,
  formerReadableWhen: `unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree) or exists (select 1 from registry.persons p where p.id = person_id) or exists (select 1 from registry.households h where h.id = household_id)`,
};

/** The code of a unit, for going back down. */
const codeOfUnit = (id: string) => `(select u.code from registry.administrative_units u where u.id = ${id})`;

const PERSON_WORDS = `to_tsvector('simple'::regconfig, "name_folded" || ' u' || replace("residence_unit_id"::text, '-', ''))`;
const PERSON_WORDS_OF_CODES = `to_tsvector('simple'::regconfig, "name_folded" || ' c' || "residence_unit_code")`;

export class Migration20261202110000 extends Migration {

  override name = 'Migration20261202110000';

  override up(): void | Promise<void> {
    // The history triggers write codes until they are made again below; the backfill is no change to record.
    for (const declaration of history('ids')) {
      for (const statement of historyTriggers(declaration).down) {
        if (statement.startsWith('drop trigger')) this.addSql(statement);
      }
    }
    // Policies and the published view read the old columns: they go first.
    this.addSql(`drop policy if exists "unit_scope" on "registry"."persons";`);
    this.addSql(`drop policy if exists "unit_scope" on "registry"."households";`);
    this.addSql(`drop policy if exists "unit_scope" on "registry"."duplicate_warnings";`);
    this.addSql(`drop policy if exists "history_scope" on "registry"."change_history";`);
    this.addSql(`drop policy if exists "person_scope" on "registry"."payment_accounts";`);
    this.addSql(`drop view if exists "registry"."v_person_residence";`);
    this.addSql(`drop view if exists "registry"."v_person_units";`);

    // Persons and households.
    for (const table of ['persons', 'households']) {
      this.addSql(`alter table "registry"."${table}" add "residence_unit_id" uuid null;`);
      this.addSql(`update "registry"."${table}" t set "residence_unit_id" = ${unitNamedByCodeSql('t.residence_unit_code')};`);
      this.addSql(`do $$ begin if exists (select 1 from "registry"."${table}" where residence_unit_id is null) then
  raise exception 'registry.${table}: % rows name a unit code that no administrative unit has',
    (select count(*) from "registry"."${table}" where residence_unit_id is null);
end if; end $$;`);
      this.addSql(`alter table "registry"."${table}" alter column "residence_unit_id" set not null;`);
      this.addSql(`alter table "registry"."${table}" add constraint "${table}_residence_unit_id_foreign" foreign key ("residence_unit_id") references "registry"."administrative_units" ("id");`);
    }
    this.addSql(`drop index if exists "registry"."persons_name_words";`);
    this.addSql(`drop index if exists "registry"."persons_unit_name_folded_index";`);
    this.addSql(`drop index if exists "registry"."persons_not_living_index";`);
    this.addSql(`alter table "registry"."persons" drop column "residence_unit_code";`);
    // The commune as a word of the name index (`u` and the unit id's hex digits), for name search within a scope.
    this.addSql(`create index "persons_name_words" on "registry"."persons" using gin (${PERSON_WORDS});`);
    this.addSql(`create index "persons_unit_name_folded_index" on "registry"."persons" ("residence_unit_id", "name_folded", "id");`);
    this.addSql(`create index "persons_not_living_index" on "registry"."persons" ("status", "residence_unit_id") where status <> 'living';`);
    this.addSql(`alter table "registry"."households" drop constraint "households_residence_unit_code_code_unique";`);
    this.addSql(`alter table "registry"."households" drop column "residence_unit_code";`);
    this.addSql(`alter table "registry"."households" add constraint "households_residence_unit_id_code_unique" unique ("residence_unit_id", "code");`);

    // Duplicate warnings: the commune of the newer record when raised.
    this.addSql(`alter table "registry"."duplicate_warnings" add "unit_id" uuid null;`);
    this.addSql(`update "registry"."duplicate_warnings" w set "unit_id" = ${unitNamedByCodeSql('w.unit_code')};`);
    this.addSql(`alter table "registry"."duplicate_warnings" alter column "unit_id" set not null;`);
    this.addSql(`alter table "registry"."duplicate_warnings" add constraint "duplicate_warnings_unit_id_foreign" foreign key ("unit_id") references "registry"."administrative_units" ("id");`);
    this.addSql(`drop index if exists "registry"."duplicate_warnings_unit_code_status_index";`);
    this.addSql(`alter table "registry"."duplicate_warnings" drop column "unit_code";`);
    this.addSql(`create index "duplicate_warnings_unit_id_status_index" on "registry"."duplicate_warnings" ("unit_id", "status");`);

    // History and outbox: the unit a row belonged to, and why a change was made (`reform 2025-07-01`), as
    // services/common/src/history makes them. No foreign keys: written only by the triggers, from the rows'
    // own (checked) unit ids, a million at a time by an import, and never changed.
    for (const statement of historyUnitIdentitySql('registry', HISTORY_POLICIES).up) this.addSql(statement);

    // Row-level security over unit ids: read under the scope's read paths (across eras), write only under
    // its own path while it is in force. Deleting is writing: a unit that has ended deletes nothing.
    const readable = unitReadableSql('residence_unit_id');
    const writable = unitWritableSql('residence_unit_id');
    for (const table of ['persons', 'households']) {
      this.addSql(`create policy "unit_scope" on "registry"."${table}" as permissive for all to public using (${readable}) with check (${writable});`);
      this.addSql(`create policy "unit_scope_delete" on "registry"."${table}" as restrictive for delete to public using (${writable});`);
    }
    this.addSql(`create policy "unit_scope" on "registry"."duplicate_warnings" as permissive for all to public using (${unitReadableSql('unit_id')}) with check (${unitWritableSql('unit_id')});`);
    this.addSql(`create policy "person_scope" on "registry"."payment_accounts" as permissive for all to public using (exists (select 1 from registry.persons p where p.id = person_id)) with check (exists (select 1 from registry.persons p where p.id = person_id and ${unitWritableSql('p.residence_unit_id')}));`);
    this.addSql(`create policy "unit_scope_delete" on "registry"."payment_accounts" as restrictive for delete to public using (exists (select 1 from registry.persons p where p.id = person_id and ${unitWritableSql('p.residence_unit_id')}));`);

    // Published view, contract v2: the unit by id beside its code and path; rows under the scope's read paths.
    this.addSql(`create view "registry"."v_person_units" as select p.id as person_id, p.residence_unit_id as unit_id, u.code as unit_code, u.path as unit_path, p.status from "registry"."persons" p join "registry"."administrative_units" u on u.id = p.residence_unit_id where ${unitReadableSql('p.residence_unit_id')};`);
    this.addSql(`grant select on "registry"."v_person_units" to ansinh_view_reader;`);
    // Where every person lives, unfiltered: for owners' set-based work across schemas (approvals carries
    // entitlements across a reform in a security-definer function). No subgraph role reads it.
    this.addSql(`create view "registry"."v_person_residence" as select id as person_id, residence_unit_id as unit_id from "registry"."persons";`);
    this.addSql(`revoke all on "registry"."v_person_residence" from ansinh_registry, ansinh_view_reader;`);

    // Name search (see Migration20261123183528): the communes of the scope are words of the index.
    this.addSql(`create or replace function "registry"."person_ids_matching_name"(words tsquery, max_rows integer) returns setof uuid language plpgsql stable security definer rows 100 set search_path = pg_catalog, registry, public as $$
declare
  communes uuid[] := array(select u.id from registry.administrative_units u
    where u.level = 'commune' and ${unitReadableSql('u.id')});
begin
  if cardinality(communes) <= 60 then
    return query execute 'select p.id from registry.persons p
      where ${PERSON_WORDS.replaceAll("'", "''").replaceAll('"', '')}
            @@ ($1 && (select to_tsquery(''simple''::regconfig, string_agg(''u'' || replace(id::text, ''-'', ''''), '' | '')) from unnest($2) id))
      limit $3'
      using words, communes, max_rows;
  else
    return query execute 'select p.id from registry.persons p
      where ${PERSON_WORDS.replaceAll("'", "''").replaceAll('"', '')} @@ $1
        and p.residence_unit_id = any($2)
      limit $3'
      using words, array(select u.id from registry.administrative_units u where ${unitReadableSql('u.id')}), max_rows;
  end if;
end $$;`);

    // Duplicate warnings: the same name and birth is looked for among the living persons of the same area,
    // `former_district_ids` overlapping (a pre-reform commune's district; a post-reform commune's former
    // districts), or of the same commune; never a whole province.
    this.addSql(`create or replace function "registry"."raise_duplicate_warnings"(candidates uuid[], by_citizen_id boolean) returns integer language sql volatile security definer set search_path = pg_catalog, registry as $$
  with fresh as (
    select p.id, p.citizen_id, p.name_folded, p.birth_year, p.birth_date, p.residence_unit_id, u.former_district_ids
      from registry.persons p
      join registry.administrative_units u on u.id = p.residence_unit_id
     where p.id = any(candidates)
  ), matches as (
    select f.id as person_id, m.id as matched_person_id, 'citizen_id' as reason, f.residence_unit_id as unit_id
      from fresh f join registry.persons m on m.citizen_id = f.citizen_id and m.id <> f.id
     where by_citizen_id
    union all
    select f.id, m.id, 'name_and_birth', f.residence_unit_id
      from fresh f
      join registry.persons m on m.name_folded = f.name_folded and m.birth_year = f.birth_year and m.id <> f.id
       and m.status = 'living'
       and (m.birth_date is null or f.birth_date is null or m.birth_date = f.birth_date)
       and (m.citizen_id is null or f.citizen_id is null or m.citizen_id = f.citizen_id)
      join registry.administrative_units mu on mu.id = m.residence_unit_id
       and (mu.id = f.residence_unit_id or mu.former_district_ids && f.former_district_ids)
  ), inserted as (
    insert into registry.duplicate_warnings (id, person_id, matched_person_id, reason, unit_id, status, created_at)
    select gen_random_uuid(), person_id, matched_person_id, min(reason), unit_id, 'open', now()
      from matches
     where not exists (select 1 from registry.duplicate_warnings w where w.person_id = matches.matched_person_id and w.matched_person_id = matches.person_id)
       and not (matched_person_id = any(candidates) and matched_person_id > person_id)
     group by person_id, matched_person_id, unit_id
    on conflict (person_id, matched_person_id) do nothing
    returning 1
  )
  select count(*)::integer from inserted
$$;`);

    // History triggers and events over the unit id (and the reason of the change).
    for (const declaration of history('ids')) {
      for (const statement of historyTriggers(declaration).up) this.addSql(statement);
    }
  }

  override down(): void | Promise<void> {
    for (const declaration of history('ids')) {
      for (const statement of historyTriggers(declaration).down) {
        if (statement.startsWith('drop trigger')) this.addSql(statement);
      }
    }
    this.addSql(`drop policy if exists "unit_scope" on "registry"."persons";`);
    this.addSql(`drop policy if exists "unit_scope_delete" on "registry"."persons";`);
    this.addSql(`drop policy if exists "unit_scope" on "registry"."households";`);
    this.addSql(`drop policy if exists "unit_scope_delete" on "registry"."households";`);
    this.addSql(`drop policy if exists "unit_scope" on "registry"."duplicate_warnings";`);
    this.addSql(`drop policy if exists "history_scope" on "registry"."change_history";`);
    this.addSql(`drop policy if exists "person_scope" on "registry"."payment_accounts";`);
    this.addSql(`drop policy if exists "unit_scope_delete" on "registry"."payment_accounts";`);
    this.addSql(`drop view if exists "registry"."v_person_residence";`);
    this.addSql(`drop view if exists "registry"."v_person_units";`);

    for (const table of ['persons', 'households']) {
      this.addSql(`alter table "registry"."${table}" add "residence_unit_code" varchar(5) null;`);
      this.addSql(`update "registry"."${table}" t set "residence_unit_code" = ${codeOfUnit('t.residence_unit_id')};`);
      this.addSql(`alter table "registry"."${table}" alter column "residence_unit_code" set not null;`);
    }
    this.addSql(`drop index if exists "registry"."persons_name_words";`);
    this.addSql(`drop index if exists "registry"."persons_unit_name_folded_index";`);
    this.addSql(`drop index if exists "registry"."persons_not_living_index";`);
    this.addSql(`alter table "registry"."persons" drop column "residence_unit_id";`);
    this.addSql(`create index "persons_name_words" on "registry"."persons" using gin (${PERSON_WORDS_OF_CODES});`);
    this.addSql(`create index "persons_unit_name_folded_index" on "registry"."persons" ("residence_unit_code", "name_folded", "id");`);
    this.addSql(`create index "persons_not_living_index" on "registry"."persons" ("status", "residence_unit_code") where status <> 'living';`);
    this.addSql(`alter table "registry"."households" drop constraint "households_residence_unit_id_code_unique";`);
    this.addSql(`alter table "registry"."households" drop column "residence_unit_id";`);
    this.addSql(`alter table "registry"."households" add constraint "households_residence_unit_code_code_unique" unique ("residence_unit_code", "code");`);

    this.addSql(`alter table "registry"."duplicate_warnings" add "unit_code" varchar(5) null;`);
    this.addSql(`update "registry"."duplicate_warnings" w set "unit_code" = ${codeOfUnit('w.unit_id')};`);
    this.addSql(`alter table "registry"."duplicate_warnings" alter column "unit_code" set not null;`);
    this.addSql(`drop index if exists "registry"."duplicate_warnings_unit_id_status_index";`);
    this.addSql(`alter table "registry"."duplicate_warnings" drop column "unit_id";`);
    this.addSql(`create index "duplicate_warnings_unit_code_status_index" on "registry"."duplicate_warnings" ("unit_code", "status");`);

    for (const statement of historyUnitIdentitySql('registry', HISTORY_POLICIES).down) this.addSql(statement);

    const inScope = (column: string) =>
      `${column} in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree)`;
    for (const table of ['persons', 'households']) {
      this.addSql(`create policy "unit_scope" on "registry"."${table}" using (${inScope('residence_unit_code')}) with check (${inScope('residence_unit_code')});`);
    }
    this.addSql(`create policy "unit_scope" on "registry"."duplicate_warnings" using (${inScope('unit_code')}) with check (${inScope('unit_code')});`);
    this.addSql(`create policy "person_scope" on "registry"."payment_accounts" using (exists (select 1 from registry.persons p where p.id = person_id)) with check (exists (select 1 from registry.persons p where p.id = person_id));`);
    this.addSql(`create view "registry"."v_person_units" as select p.id as person_id, p.residence_unit_code as unit_code, u.path as unit_path, p.status from "registry"."persons" p left join "registry"."administrative_units" u on u.code = p.residence_unit_code and u.valid_to is null where ${inScope('p.residence_unit_code')};`);
    this.addSql(`grant select on "registry"."v_person_units" to ansinh_view_reader;`);

    this.addSql(`create or replace function "registry"."person_ids_matching_name"(words tsquery, max_rows integer) returns setof uuid language plpgsql stable security definer rows 100 set search_path = pg_catalog, registry, public as $$
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
    this.addSql(`create or replace function "registry"."raise_duplicate_warnings"(candidates uuid[], by_citizen_id boolean) returns integer language sql volatile security definer set search_path = pg_catalog, registry as $$
  with fresh as (
    select p.id, p.citizen_id, p.name_folded, p.birth_year, p.birth_date, p.residence_unit_code, u.parent_code
      from registry.persons p
      left join registry.administrative_units u on u.code = p.residence_unit_code and u.valid_to is null
     where p.id = any(candidates)
  ), matches as (
    select f.id as person_id, m.id as matched_person_id, 'citizen_id' as reason, f.residence_unit_code as unit_code
      from fresh f join registry.persons m on m.citizen_id = f.citizen_id and m.id <> f.id
     where by_citizen_id
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
    // The generator now writes unit ids and reasons; the triggers of Migration20261202003000 wrote codes.
    for (const declaration of history('codes')) {
      for (const statement of historyTriggers(declaration).up) {
        this.addSql(
          statement
            .replaceAll(`, nullif(current_setting('ansinh.change_reason', true), '')`, '')
            .replaceAll(', reason, before, after)', ', before, after)')
            .replaceAll(', unit_id, action,', ', unit_code, action,')
            .replaceAll('payload, unit_id)', 'payload, unit_code)'),
        );
      }
    }
  }

}
