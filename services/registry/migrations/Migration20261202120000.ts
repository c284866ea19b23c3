import { Migration } from '@mikro-orm/migrations';
import { READABLE_UNIT_IDS, WRITABLE_UNIT_IDS } from '@ansinh/common';

/**
 * The reform's review queue (hàng chờ phân về đơn vị mới): the living persons of a unit that was
 * split over several new units wait here, on their old unit, until the province or a receiving
 * commune assigns them (services/registry/src/reform/). Runs after the unit-identity migrations
 * (persons.residence_unit_id, households.residence_unit_id, v_units.scope_paths).
 */

export class Migration20261202120000 extends Migration {

  override name = 'Migration20261202120000';

  override up(): void | Promise<void> {
    this.addSql(`create table "registry"."reform_reviews" (
      "id" uuid not null default gen_random_uuid(),
      "person_id" uuid not null,
      "household_id" uuid null,
      "from_unit_id" uuid not null,
      "candidate_unit_ids" uuid[] not null,
      "reform_date" date not null,
      "address" text null,
      "assigned_unit_id" uuid null,
      "assigned_by" text null,
      "assigned_at" timestamptz null,
      "created_at" timestamptz not null default now(),
      primary key ("id"));`);
    this.addSql(`alter table "registry"."reform_reviews" add constraint "reform_reviews_person_id_from_unit_id_unique" unique ("person_id", "from_unit_id");`);
    // A person is only ever assigned to one of the units the old one was split into.
    this.addSql(`alter table "registry"."reform_reviews" add constraint "reform_reviews_assigned_unit_check" check ("assigned_unit_id" is null or "assigned_unit_id" = any("candidate_unit_ids"));`);
    this.addSql(`alter table "registry"."reform_reviews" add constraint "reform_reviews_candidates_check" check (cardinality("candidate_unit_ids") >= 2);`);
    this.addSql(`alter table "registry"."reform_reviews" add constraint "reform_reviews_person_id_foreign" foreign key ("person_id") references "registry"."persons" ("id") on delete cascade;`);
    this.addSql(`alter table "registry"."reform_reviews" add constraint "reform_reviews_household_id_foreign" foreign key ("household_id") references "registry"."households" ("id") on delete set null;`);
    this.addSql(`create index "reform_reviews_waiting_from_unit_index" on "registry"."reform_reviews" ("from_unit_id", "id") where "assigned_unit_id" is null;`);
    this.addSql(`create index "reform_reviews_candidate_unit_ids_gin" on "registry"."reform_reviews" using gin ("candidate_unit_ids");`);

    // Readable by whoever reads the old unit (the province across eras) or may write one of the candidates
    // (the receiving communes); written only by those who may write a candidate, assigning within their own units.
    this.addSql(`alter table "registry"."reform_reviews" enable row level security;`);
    this.addSql(`create policy "reform_scope" on "registry"."reform_reviews"
      using ("from_unit_id" in (${READABLE_UNIT_IDS}) or "candidate_unit_ids" && array(${WRITABLE_UNIT_IDS}))
      with check ("candidate_unit_ids" && array(${WRITABLE_UNIT_IDS}) and ("assigned_unit_id" is null or "assigned_unit_id" in (${WRITABLE_UNIT_IDS})));`);
    this.addSql(`revoke all on "registry"."reform_reviews" from ansinh_registry;`);
    this.addSql(`grant select, insert, update on "registry"."reform_reviews" to ansinh_registry;`);

    // A receiving commune reads the persons waiting in its queue (a second permissive policy: it adds to the
    // unit scope of persons, whatever that one says, and only for reading).
    this.addSql(`create policy "reform_queue" on "registry"."persons" for select
      using ("id" in (select r.person_id from registry.reform_reviews r where r.assigned_unit_id is null and r.candidate_unit_ids && array(${WRITABLE_UNIT_IDS})));`);

    // Moves the persons of the reviews assigned in this transaction (assigned_at = now(), written under the
    // policy above, so only by someone who may write the assigned unit) from their old unit to the assigned
    // one, with their household when it is still on the old unit (its code prefixed with the old unit's code
    // when the new unit already has a household of that code). Runs as the owner: a receiving commune does
    // not read the old unit's rows. The change history records the request's actor and reason.
    this.addSql(`create function "registry"."apply_reform_assignments"(review_ids uuid[]) returns table(persons integer, households integer)
  language sql volatile security definer set search_path = pg_catalog, registry as $$
  with todo as (
    select r.person_id, r.household_id, r.from_unit_id, r.assigned_unit_id
      from registry.reform_reviews r
     where r.id = any(review_ids) and r.assigned_unit_id is not null and r.assigned_at = now()
  ), moved_persons as (
    update registry.persons p set residence_unit_id = t.assigned_unit_id, updated_at = now()
      from todo t
     where p.id = t.person_id and p.residence_unit_id = t.from_unit_id
    returning p.id
  ), households_to_move as (
    select distinct on (t.household_id) t.household_id, t.from_unit_id, t.assigned_unit_id
      from todo t join registry.households h on h.id = t.household_id
     where h.residence_unit_id = t.from_unit_id
     order by t.household_id, (h.head_person_id = t.person_id) desc nulls last, t.person_id
  ), planned as (
    select h.id, m.assigned_unit_id,
           case when exists (select 1 from registry.households x where x.residence_unit_id = m.assigned_unit_id and x.code = h.code)
                then left(fu.code || '-' || h.code, 30) else h.code end as code
      from households_to_move m
      join registry.households h on h.id = m.household_id
      join registry.administrative_units fu on fu.id = m.from_unit_id
  ), moved_households as (
    update registry.households h set residence_unit_id = pl.assigned_unit_id, code = pl.code, updated_at = now()
      from planned pl
     where h.id = pl.id
    returning h.id
  )
  select (select count(*) from moved_persons)::integer, (select count(*) from moved_households)::integer
$$;`);
    this.addSql(`revoke all on function "registry"."apply_reform_assignments"(uuid[]) from public;`);
    this.addSql(`grant execute on function "registry"."apply_reform_assignments"(uuid[]) to ansinh_registry;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "registry"."apply_reform_assignments"(uuid[]);`);
    this.addSql(`drop policy if exists "reform_queue" on "registry"."persons";`);
    this.addSql(`drop table if exists "registry"."reform_reviews";`);
  }

}
