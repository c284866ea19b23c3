import { Migration } from '@mikro-orm/migrations';

/**
 * `person_for_citizen_check(citizen_id, birth_date)` (registry README, "Published views"): a citizen
 * checking their own payments without an account gives their CCCD and full date of birth; reporting
 * finds the record with this function, which runs as the owner (no unit scope applies to a citizen) and
 * answers only when both match: the person's id and unit, the name reduced to the family name and the
 * initials of the other names, and the CCCD with its middle hidden. Never the name, the number, the
 * address or anything else; a record with a year-only birth date never matches. Executable by
 * reporting's role only, so that no other request path can use it to look persons up across units.
 */
export class Migration20261203120000 extends Migration {

  override name = 'Migration20261203120000';

  override up(): void | Promise<void> {
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_reporting') then create role ansinh_reporting nologin; end if; end $$;`);
    // A living record first (a CCCD is unique among the living), else the latest one of a deceased or
    // moved-away person.
    this.addSql(`create function "registry"."person_for_citizen_check"(citizen_id text, birth_date date)
      returns table (person_id uuid, unit_id uuid, masked_name text, masked_citizen_id text)
      language sql stable security definer set search_path = pg_catalog, registry as $$
        select p.id, p.residence_unit_id,
               (select string_agg(case when n = 1 and words.total > 1 then w else left(w, 1) || '.' end, ' ' order by n)
                  from (select cardinality(regexp_split_to_array(btrim(p.full_name), '\\s+')) as total) words,
                       unnest(regexp_split_to_array(btrim(p.full_name), '\\s+')) with ordinality as t(w, n)),
               left(p.citizen_id, 4) || repeat('*', 6) || right(p.citizen_id, 2)
          from registry.persons p
         where $1 ~ '^[0-9]{12}$' and p.citizen_id = $1 and p.birth_date = $2
         order by p.status = 'living' desc, p.updated_at desc
         limit 1
      $$;`);
    this.addSql(`revoke all on function "registry"."person_for_citizen_check"(text, date) from public;`);
    this.addSql(`grant execute on function "registry"."person_for_citizen_check"(text, date) to ansinh_reporting;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "registry"."person_for_citizen_check"(text, date);`);
  }

}
