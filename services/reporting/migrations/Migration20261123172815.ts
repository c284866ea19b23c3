import { Migration } from '@mikro-orm/migrations';

/** The role reporting's requests run as: it reads the other subgraphs' published views only. */
export class Migration20261123172815 extends Migration {

  override name = 'Migration20261123172815';

  override up(): void | Promise<void> {
    // Requests run as this role (set local role) with the caller's unit path in ansinh.scope_path.
    // Roles are cluster-wide and shared by every database of the cluster, so they are created once and never dropped here.
    this.addSql(`do $$ begin if not exists (select from pg_roles where rolname = 'ansinh_view_reader') then create role ansinh_view_reader nologin; end if; if not exists (select from pg_roles where rolname = 'ansinh_reporting') then create role ansinh_reporting nologin; end if; end $$;`);
    this.addSql(`grant ansinh_reporting to current_user;`);
    this.addSql(`grant ansinh_view_reader to ansinh_reporting;`);
    this.addSql(`grant usage on schema "reporting" to ansinh_reporting;`);
    this.addSql(`alter default privileges in schema "reporting" grant select, insert, update, delete on tables to ansinh_reporting;`);
    this.addSql(`alter default privileges in schema "reporting" grant usage, select on sequences to ansinh_reporting;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter default privileges in schema "reporting" revoke all on tables from ansinh_reporting;`);
    this.addSql(`alter default privileges in schema "reporting" revoke all on sequences from ansinh_reporting;`);
    this.addSql(`revoke usage on schema "reporting" from ansinh_reporting;`);
  }

}
