import { Migration } from '@mikro-orm/migrations';
import { READABLE_UNIT_IDS } from '@ansinh/common';

/**
 * Contract v3 (services/approvals/README.md): what a payment list is built from. For the paying units
 * given, every entitlement that may have something due up to a month (started by then, running,
 * suspended or stopped: a stopped one may still owe arrears, or be owed back what was paid after its
 * stop), with its lineage root (the first entitlement of a chain of relocations between communes: the
 * payments subgraph covers a month of a lineage once, whichever commune pays it) and the decision
 * that ended it (a stop, whose months paid after it are recovered; a relocation, whose months go on in
 * the new commune). Amounts come from `entitlements_terms`, per month. Runs as the owner, answers only
 * entitlements of units the caller reads.
 */
const PAYABLE_FUNCTION = `create function "approvals"."payable_entitlements"(unit_ids uuid[], through_month text)
  returns table (entitlement_id uuid, root_entitlement_id uuid, person_id uuid, unit_id uuid, payment text,
                 start_month text, end_month text, ended_by text, status text, confidential boolean)
  language sql stable security definer set search_path = pg_catalog, approvals, public as $$
  with recursive wanted as (
    select e.id, e.person_id, e.unit_id, e.start_month, e.end_month, e.status, e.relocated_from_id, c.payment, c.confidential
      from approvals.entitlements e
      join approvals.categories c on c.id = e.category_id
     where e.unit_id = any(unit_ids) and e.start_month <= through_month
       and through_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'
       and e.unit_id in (${READABLE_UNIT_IDS})
  ), lineage(entitlement_id, ancestor_id, previous_id, depth) as (
    select w.id, w.relocated_from_id, p.relocated_from_id, 1
      from wanted w join approvals.entitlements p on p.id = w.relocated_from_id
     where w.relocated_from_id is not null
    union all
    select l.entitlement_id, p.id, p.relocated_from_id, l.depth + 1
      from lineage l join approvals.entitlements p on p.id = l.previous_id
     where l.previous_id is not null and l.depth < 100
  )
  select w.id,
         coalesce((select l.ancestor_id from lineage l where l.entitlement_id = w.id and l.previous_id is null), w.id),
         w.person_id, w.unit_id, w.payment, w.start_month, w.end_month,
         case when w.end_month is not null then (
           select d.kind from approvals.decisions d
            where d.entitlement_id = w.id and d.kind in ('stop', 'relocate-out')
            order by d.effective_month desc, d.decided_on desc, d.recorded_at desc limit 1) end,
         w.status, w.confidential
    from wanted w;
$$;`;

/**
 * The one-person-one-policy conflicts of a set of persons at once (and of every record linked to them
 * as the same human), or of everyone when null: what a payment list checks for all its persons in one
 * statement, instead of every conflict of the country. `policy_conflicts_of(person)` answers through it.
 */
const CONFLICTS_AMONG_FUNCTION = `create function "approvals"."policy_conflicts_among"(persons uuid[])
  returns table (entitlement_id uuid, other_entitlement_id uuid, person_id uuid, other_person_id uuid, same_record boolean, from_month text, overridden boolean,
                 other_unit_id uuid, other_decision_number text, other_decision_date date, other_category_code text, other_category_confidential boolean)
  language sql stable security definer set search_path = pg_catalog, approvals as $$
  with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current),
  humans as (
    select p.person_id from unnest(persons) p(person_id)
    union select h.other_person_id from registry.v_same_human h join unnest(persons) p(person_id) on p.person_id = h.person_id
  ),
  -- Everyone's (persons null), or the entitlements of the persons given, one index lookup per person:
  -- joining a set of hundreds of thousands planned from the array's default estimate (ten) would
  -- compare every entitlement with every person.
  live as (
    select e.id, e.person_id, e.category_id, c.exclusivity_group, e.start_month, coalesce(e.end_month, '9999-12') as end_month,
           e.unit_id, e.decision_number, e.decision_date, c.code, c.confidential
      from approvals.entitlements e
      join approvals.categories c on c.id = e.category_id
      cross join month
     where persons is null
       and e.status <> 'stopped' and c.exclusivity_group is not null and c.payment = 'monthly'
       and coalesce(e.end_month, '9999-12') >= month.current
    union all
    select e.* from humans h cross join month
     cross join lateral (
       select e.id, e.person_id, e.category_id, c.exclusivity_group, e.start_month, coalesce(e.end_month, '9999-12') as end_month,
              e.unit_id, e.decision_number, e.decision_date, c.code, c.confidential
         from approvals.entitlements e
         join approvals.categories c on c.id = e.category_id
        where e.person_id = h.person_id
          and e.status <> 'stopped' and c.exclusivity_group is not null and c.payment = 'monthly'
          and coalesce(e.end_month, '9999-12') >= month.current
     ) e
  ),
  -- Only entitlements that can be in a pair are paired: a record's several entitlements of one group,
  -- and those of records linked as one human. A large set (a payment list's hundreds of thousands of
  -- persons) then pairs a few rows, whatever the planner estimates for it, never every one with every other.
  candidates as materialized (
    select l.* from (
      select l.*, count(*) over (partition by l.person_id, l.exclusivity_group) as in_group from live l
    ) l
     where l.in_group > 1
        or l.person_id in (select h.person_id from registry.v_same_human h)
        or l.person_id in (select h.other_person_id from registry.v_same_human h)
  ),
  pairs as (
    select a.id as a_id, b.id as b_id from candidates a
      join candidates b on b.person_id = a.person_id and b.exclusivity_group = a.exclusivity_group and b.id <> a.id
    union
    select a.id, b.id from candidates a
      join registry.v_same_human h on h.person_id = a.person_id
      join candidates b on b.person_id = h.other_person_id and b.exclusivity_group = a.exclusivity_group
  )
  select a.id, b.id, a.person_id, b.person_id, a.person_id = b.person_id,
         greatest(a.start_month, b.start_month),
         exists (select 1 from approvals.decisions d where d.entitlement_id in (a.id, b.id) and d.override_reason is not null),
         b.unit_id, b.decision_number::text, b.decision_date, b.code::text, b.confidential
    from pairs
    join candidates a on a.id = pairs.a_id
    join candidates b on b.id = pairs.b_id
   where a.start_month <= b.end_month and b.start_month <= a.end_month
     and not exists (
       select 1 from approvals.exclusivity_exceptions x
        where x.category_id = least(a.category_id, b.category_id) and x.other_category_id = greatest(a.category_id, b.category_id)
     );
$$;`;

const CONFLICTS_OF_ONE = `create or replace function "approvals"."policy_conflicts_of"(person uuid)
  returns table (entitlement_id uuid, other_entitlement_id uuid, person_id uuid, other_person_id uuid, same_record boolean, from_month text, overridden boolean,
                 other_unit_id uuid, other_decision_number text, other_decision_date date, other_category_code text, other_category_confidential boolean)
  language sql stable security definer set search_path = pg_catalog, approvals as $$
  select * from approvals.policy_conflicts_among(case when person is null then null else array[person] end);
$$;`;

/** For `down`: the function as Migration20261202130000 made it. */
const FORMER_CONFLICTS_OF = `create or replace function "approvals"."policy_conflicts_of"(person uuid)
  returns table (entitlement_id uuid, other_entitlement_id uuid, person_id uuid, other_person_id uuid, same_record boolean, from_month text, overridden boolean,
                 other_unit_id uuid, other_decision_number text, other_decision_date date, other_category_code text, other_category_confidential boolean)
  language sql stable security definer set search_path = pg_catalog, approvals as $$
  with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current),
  humans as (
    select person as person_id where person is not null
    union select h.other_person_id from registry.v_same_human h where h.person_id = person
  ),
  live as (
    select e.id, e.person_id, e.category_id, c.exclusivity_group, e.start_month, coalesce(e.end_month, '9999-12') as end_month,
           e.unit_id, e.decision_number, e.decision_date, c.code, c.confidential
      from approvals.entitlements e
      join approvals.categories c on c.id = e.category_id
      cross join month
     where e.status <> 'stopped' and c.exclusivity_group is not null and c.payment = 'monthly'
       and coalesce(e.end_month, '9999-12') >= month.current
       and (person is null or e.person_id in (select humans.person_id from humans))
  ),
  -- One record's own pairs, and the pairs across records linked as one human: two equi-joins, never
  -- a comparison of every entitlement with every other.
  pairs as (
    select a.id as a_id, b.id as b_id from live a
      join live b on b.person_id = a.person_id and b.exclusivity_group = a.exclusivity_group and b.id <> a.id
    union
    select a.id, b.id from live a
      join registry.v_same_human h on h.person_id = a.person_id
      join live b on b.person_id = h.other_person_id and b.exclusivity_group = a.exclusivity_group
  )
  select a.id, b.id, a.person_id, b.person_id, a.person_id = b.person_id,
         greatest(a.start_month, b.start_month),
         exists (select 1 from approvals.decisions d where d.entitlement_id in (a.id, b.id) and d.override_reason is not null),
         b.unit_id, b.decision_number::text, b.decision_date, b.code::text, b.confidential
    from pairs
    join live a on a.id = pairs.a_id
    join live b on b.id = pairs.b_id
   where a.start_month <= b.end_month and b.start_month <= a.end_month
     and not exists (
       select 1 from approvals.exclusivity_exceptions x
        where x.category_id = least(a.category_id, b.category_id) and x.other_category_id = greatest(a.category_id, b.category_id)
     );
$$;`;

export class Migration20261202160000 extends Migration {

  override name = 'Migration20261202160000';

  override up(): void | Promise<void> {
    this.addSql(PAYABLE_FUNCTION);
    this.addSql(`revoke all on function "approvals"."payable_entitlements"(uuid[], text) from public;`);
    this.addSql(`grant execute on function "approvals"."payable_entitlements"(uuid[], text) to ansinh_view_reader, ansinh_approvals;`);
    this.addSql(CONFLICTS_AMONG_FUNCTION);
    this.addSql(`revoke all on function "approvals"."policy_conflicts_among"(uuid[]) from public;`);
    this.addSql(`grant execute on function "approvals"."policy_conflicts_among"(uuid[]) to ansinh_view_reader, ansinh_approvals;`);
    this.addSql(CONFLICTS_OF_ONE);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "approvals"."payable_entitlements"(uuid[], text);`);
    this.addSql(FORMER_CONFLICTS_OF);
    this.addSql(`drop function if exists "approvals"."policy_conflicts_among"(uuid[]);`);
  }

}
