import { Migration } from '@mikro-orm/migrations';

export class Migration20261123164732 extends Migration {

  override name = 'Migration20261123164732';

  override up(): void | Promise<void> {
    // ltree for unit paths (a subtree is one index lookup); unaccent and pg_trgm for name search.
    this.addSql(`create extension if not exists ltree;`);
    this.addSql(`create extension if not exists unaccent;`);
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create schema if not exists "registry";`);
    this.addSql(`create table "registry"."administrative_units" ("id" uuid not null, "code" varchar(5) not null, "name" varchar(255) not null, "full_name" varchar(255) not null, "level" text not null, "kind" varchar(255) not null, "parent_code" varchar(5) null, "path" ltree not null, "valid_from" date null, "valid_to" date null, primary key ("id"));`);
    this.addSql(`create index "administrative_units_parent_code_index" on "registry"."administrative_units" ("parent_code");`);
    this.addSql(`alter table "registry"."administrative_units" add constraint "administrative_units_code_valid_from_unique" unique ("code", "valid_from");`);

    this.addSql(`create table "registry"."persons" ("id" uuid not null, "full_name" text not null, "birth_year" smallint not null, "birth_date" date null, "gender" text not null, "citizen_id" varchar(12) null, "residence_unit_code" varchar(5) not null, "address" text null, "status" text not null default 'living', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "persons_residence_unit_code_id_index" on "registry"."persons" ("residence_unit_code", "id");`);

    this.addSql(`alter table "registry"."administrative_units" add constraint "administrative_units_level_check" check ("level" in ('province', 'district', 'commune'));`);

    this.addSql(`alter table "registry"."persons" add constraint "persons_gender_check" check ("gender" in ('male', 'female', 'unknown'));`);
    this.addSql(`alter table "registry"."persons" add constraint "persons_status_check" check ("status" in ('living', 'deceased', 'moved_away'));`);

    this.addSql(`create index "administrative_units_path_gist" on "registry"."administrative_units" using gist ("path");`);
    this.addSql(`create unique index "persons_living_citizen_id_unique" on "registry"."persons" ("citizen_id") where "status" = 'living' and "citizen_id" is not null;`);

    // Published views (contract v1, see services/registry/README.md): other subgraphs read only these.
    this.addSql(`create view "registry"."v_units" as select code, name, full_name, level, kind, parent_code, path, valid_from, valid_to from "registry"."administrative_units";`);
    this.addSql(`create view "registry"."v_person_units" as select p.id as person_id, p.residence_unit_code as unit_code, u.path as unit_path, p.status from "registry"."persons" p left join "registry"."administrative_units" u on u.code = p.residence_unit_code and u.valid_to is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop view if exists "registry"."v_person_units";`);
    this.addSql(`drop view if exists "registry"."v_units";`);
    this.addSql(`drop table if exists "registry"."administrative_units" cascade;`);
    this.addSql(`drop table if exists "registry"."persons" cascade;`);

    this.addSql(`drop schema if exists "registry";`);
  }

}
