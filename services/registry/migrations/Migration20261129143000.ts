import { Migration } from '@mikro-orm/migrations';

export class Migration20261129143000 extends Migration {

  override name = 'Migration20261129143000';

  override up(): void | Promise<void> {
    // Ids that grow with time (UUID version 7: milliseconds, then random bits) for rows created in bulk: a
    // million random ids land on random pages of every index that holds them (primary keys, and the person
    // and household ids in accounts, history and members), ids in time order on the last few. PostgreSQL 18
    // has uuidv7(); this one also runs on the older servers DATABASE_URL may point at.
    this.addSql(`do $do$ begin
  if current_setting('server_version_num')::int >= 180000 then
    create function registry.time_ordered_uuid() returns uuid language sql volatile parallel safe as 'select uuidv7()';
  else
    create function registry.time_ordered_uuid() returns uuid language sql volatile parallel safe as $$
      select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid
    $$;
  end if;
end $do$;`);
    this.addSql(`grant execute on function "registry"."time_ordered_uuid"() to ansinh_registry;`);

    // Duplicate warnings: the CCCD half can be left out by a caller that knows no other record holds the
    // candidates' CCCDs (the spreadsheet import creates a person only for a CCCD no record has).
    this.addSql(`drop function "registry"."raise_duplicate_warnings"(uuid[]);`);
    this.addSql(`create function "registry"."raise_duplicate_warnings"(candidates uuid[], by_citizen_id boolean) returns integer language sql volatile security definer set search_path = pg_catalog, registry as $$
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
    this.addSql(`revoke all on function "registry"."raise_duplicate_warnings"(uuid[], boolean) from public;`);
    this.addSql(`grant execute on function "registry"."raise_duplicate_warnings"(uuid[], boolean) to ansinh_registry;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "registry"."time_ordered_uuid"();`);
    this.addSql(`drop function if exists "registry"."raise_duplicate_warnings"(uuid[], boolean);`);
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
    this.addSql(`grant execute on function "registry"."raise_duplicate_warnings"(uuid[]) to ansinh_registry;`);
  }

}
