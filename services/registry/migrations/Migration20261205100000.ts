import { Migration } from '@mikro-orm/migrations';

/**
 * `living_citizen_ids_taken(candidates)`: `living_citizen_id_taken` for many CCCDs at once, for the
 * intake of a batch of applicants. Which of the numbers a living person anywhere holds, never by whom
 * (row-level security hides the persons of other units; this runs as the owner).
 */
export class Migration20261205100000 extends Migration {

  override name = 'Migration20261205100000';

  override up(): void | Promise<void> {
    this.addSql(`create function "registry"."living_citizen_ids_taken"(candidates text[]) returns setof text language sql stable security definer set search_path = pg_catalog, registry as $$ select citizen_id::text from registry.persons where citizen_id = any(candidates) and status = 'living' $$;`);
    this.addSql(`revoke all on function "registry"."living_citizen_ids_taken"(text[]) from public;`);
    this.addSql(`grant execute on function "registry"."living_citizen_ids_taken"(text[]) to ansinh_registry;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "registry"."living_citizen_ids_taken"(text[]);`);
  }

}
