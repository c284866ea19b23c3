import { Migration } from '@mikro-orm/migrations';
import {
  historyTriggers,
  historyUnitIdentitySql,
  personInScopeSql,
  TODAY_IN_VIETNAM_SQL,
  unitNamedByCodeSql,
  READABLE_UNIT_IDS,
  unitReadableSql,
  unitWritableSql,
} from '@ansinh/common';

/** The scope rule over unit codes that this migration replaces (for `down`). */
const FORMER_IN_SCOPE = `unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree)`;


/** The history of the province's standard levels belongs to the province (the unit with its code today). */
const PROVINCE_OF_LEVEL = `(select u.id from registry.v_units u where u.code = r.province_code and u.level = 'province' order by (u.valid_to is null or u.valid_to >= ${TODAY_IN_VIETNAM_SQL}) desc, u.valid_to desc nulls first limit 1)`;

const HISTORY_READABLE = `${unitReadableSql('unit_id')} or ${personInScopeSql('"change_history"."person_id"')} or exists (select 1 from approvals.entitlements e where e.id = entitlement_id) or table_name = 'standard_levels'`;
const FORMER_HISTORY_READABLE = `${FORMER_IN_SCOPE} or exists (select 1 from approvals.entitlements e where e.id = entitlement_id) or table_name = 'standard_levels'`;

/** The money rule over the paying unit's province (the code of the root of its path, without the era suffix). */
const ACTIVE_ENTITLEMENTS_VIEW = `create view "approvals"."v_active_entitlements" as
      with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current)
      select e.id as entitlement_id, e.person_id, e.unit_id, u.code as unit_code, e.policy_group, e.coefficient_hundredths,
             e.start_month, e.end_month, e.decision_number, e.decision_date,
             approvals.monthly_amount(level.amount, e.coefficient_hundredths) as monthly_amount
      from "approvals"."entitlements" e
      cross join month
      join registry.v_units u on u.id = e.unit_id
      cross join lateral approvals.standard_level_for(split_part(ltree2text(subpath(u.path, 0, 1)), '_', 1), month.current) level(amount)
      where e.status = 'active' and e.start_month <= month.current
        and (e.end_month is null or e.end_month >= month.current)
        and (e.unit_id in (${READABLE_UNIT_IDS}) or ${personInScopeSql('e.person_id')});`;

const FORMER_ACTIVE_ENTITLEMENTS_VIEW = `create view "approvals"."v_active_entitlements" as
      with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current)
      select e.id as entitlement_id, e.person_id, e.unit_code, e.policy_group, e.coefficient_hundredths,
             e.start_month, e.end_month, e.decision_number, e.decision_date,
             approvals.monthly_amount(level.amount, e.coefficient_hundredths) as monthly_amount
      from "approvals"."entitlements" e
      cross join month
      left join registry.v_units u on u.code = e.unit_code and u.valid_to is null
      cross join lateral approvals.standard_level_for(ltree2text(subpath(u.path, 0, 1)), month.current) level(amount)
      where e.status = 'active' and e.start_month <= month.current
        and (e.end_month is null or e.end_month >= month.current)
        and e.${FORMER_IN_SCOPE};`;

/**
 * Where the active entitlements of units that have ended go (services/approvals/README.md): one row
 * per active entitlement still paid after its unit ended, with the unit that succeeded that unit
 * (directly, or through later reorganisations) in which its person lives now; `to_unit_id` null when
 * the person lives in none of them (a split unit's person waiting for assignment stays on the old
 * unit: nothing is paid to them by a new unit until the province assigns them). Reads only; runs as
 * the owner of approvals (row-level security does not apply) and reads where persons live from the
 * registry's unfiltered published view `registry.v_person_residence`.
 */
const MOVES_FUNCTION = `create function "approvals"."reform_entitlement_moves"()
  returns table (entitlement_id uuid, from_unit_id uuid, to_unit_id uuid)
  language plpgsql stable security definer set search_path = pg_catalog, approvals as $$
#variable_conflict use_column
declare
  today date := (now() at time zone 'Asia/Ho_Chi_Minh')::date;
begin
  return query
    with recursive planned as (
      select e.id, e.person_id, e.unit_id
        from approvals.entitlements e
        join registry.v_units u on u.id = e.unit_id
       where e.status = 'active' and u.valid_to < today
         and (e.end_month is null or e.end_month > to_char(u.valid_to, 'YYYY-MM'))
    ), reach (origin, unit_id, depth) as (
      select u.id, s.id, 1
        from registry.v_units u
        cross join lateral unnest(u.successor_ids) s(id)
       where u.id in (select p.unit_id from planned p)
      union all
      select r.origin, s.id, r.depth + 1
        from reach r
        join registry.v_units u on u.id = r.unit_id
        cross join lateral unnest(u.successor_ids) s(id)
       where r.depth < 16
    )
    -- From each entitlement to where its person lives now (by the person's key), kept when that unit
    -- succeeded the entitlement's: never a scan of everyone living in the successors.
    select p.id, p.unit_id, r.unit_id
      from planned p
      left join registry.v_person_residence pr on pr.person_id = p.person_id
      left join (select distinct reach.origin, reach.unit_id from reach) r
        on r.origin = p.unit_id and r.unit_id = pr.unit_id;
end
$$;`;

/**
 * Carries active entitlements across a reorganisation: each one that `reform_entitlement_moves`
 * sends to a successor moves there, in one statement recorded in the change history (and the outbox)
 * with the reason `reform`, or the caller's `ansinh.change_reason` when it names a reform
 * (`reform 2025-07-01`, set by the reform tool). Idempotent: a second run moves nothing. One run at a
 * time (an advisory lock held to the end of the transaction). Answers how many moved.
 */
const CARRY_FUNCTION = `create function "approvals"."carry_entitlements_across_reform"()
  returns bigint
  language plpgsql security definer set search_path = pg_catalog, approvals as $$
declare
  former_reason text := coalesce(current_setting('ansinh.change_reason', true), '');
  carried bigint;
begin
  perform pg_advisory_xact_lock(hashtext('approvals.carry_entitlements_across_reform'));
  perform set_config('ansinh.change_reason', case when former_reason like 'reform%' then former_reason else 'reform' end, true);
  update approvals.entitlements e set unit_id = m.to_unit_id
    from approvals.reform_entitlement_moves() m
   where m.entitlement_id = e.id and m.to_unit_id is not null;
  get diagnostics carried = row_count;
  perform set_config('ansinh.change_reason', former_reason, true);
  return carried;
end
$$;`;

/**
 * Entitlements name their paying unit by its version (`unit_id`), not by a code that the 2025 reform
 * reused for other territory; their history and events likewise, with the reason of a change. A
 * record is readable by whoever reads the unit that pays (or paid) it, or reads the person now, so a
 * commune reads the pre-reform records of the people it took over; it is written only by a unit in
 * force. The published view gives the unit's id and code. And the carry-over across a reform.
 */
export class Migration20261202110000 extends Migration {

  override name = 'Migration20261202110000';

  override up(): void | Promise<void> {
    this.addSql(`drop view if exists "approvals"."v_active_entitlements";`);
    this.addSql(`drop policy if exists "unit_scope" on "approvals"."entitlements";`);

    // History and events first: the history triggers of every statement below write unit_id.
    for (const statement of historyUnitIdentitySql('approvals', {
      outbox: true,
      readableWhen: HISTORY_READABLE,
      formerReadableWhen: FORMER_HISTORY_READABLE,
    }).up)
      this.addSql(statement);

    this.addSql(`alter table "approvals"."entitlements" add column "unit_id" uuid null;`);
    // Giving the rows their unit version is no change to an entitlement: not recorded as one.
    this.addSql(`alter table "approvals"."entitlements" disable trigger "entitlements_history_update";`);
    // Rows written under the old rule (a bare code: the unit in force) get the unit the code names today.
    this.addSql(`update "approvals"."entitlements" e set "unit_id" = ${unitNamedByCodeSql('e.unit_code')};`);
    this.addSql(`alter table "approvals"."entitlements" enable trigger "entitlements_history_update";`);
    this.addSql(`do $$ declare missing text; begin
  select string_agg(distinct unit_code, ', ') into missing from approvals.entitlements where unit_id is null;
  if missing is not null then
    raise exception 'approvals: mức hưởng của đơn vị không có trong danh mục đơn vị hành chính (mã %): hãy nhập danh mục đơn vị trước', missing;
  end if;
end $$;`);
    this.addSql(`drop index if exists "approvals"."entitlements_unit_code_status_index";`);
    this.addSql(`alter table "approvals"."entitlements" drop column "unit_code";`);
    this.addSql(`alter table "approvals"."entitlements" alter column "unit_id" set not null;`);
    this.addSql(`create index "entitlements_unit_id_status_index" on "approvals"."entitlements" ("unit_id", "status");`);
    this.addSql(`create policy "unit_scope" on "approvals"."entitlements" using (${unitReadableSql('unit_id')} or ${personInScopeSql('"entitlements"."person_id"')}) with check (${unitWritableSql('unit_id')});`);

    const triggers = [
      ...historyTriggers({
        schema: 'approvals',
        table: 'entitlements',
        entityColumns: { entitlement_id: 'id', person_id: 'person_id' },
        unitColumn: 'unit_id',
        events: {
          aggregateType: 'entitlement',
          statusColumn: 'status',
          payloadColumns: ['person_id', 'unit_id', 'status', 'start_month', 'end_month'],
        },
      }).up,
      ...historyTriggers({ schema: 'approvals', table: 'standard_levels', unitColumn: PROVINCE_OF_LEVEL }).up,
    ];
    for (const statement of triggers) this.addSql(statement);

    this.addSql(ACTIVE_ENTITLEMENTS_VIEW);
    this.addSql(`grant select on "approvals"."v_active_entitlements" to ansinh_view_reader;`);

    this.addSql(MOVES_FUNCTION);
    this.addSql(CARRY_FUNCTION);
    for (const fn of ['"reform_entitlement_moves"()', '"carry_entitlements_across_reform"()']) {
      this.addSql(`revoke all on function "approvals".${fn} from public;`);
      this.addSql(`grant execute on function "approvals".${fn} to ansinh_approvals;`);
    }
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "approvals"."carry_entitlements_across_reform"();`);
    this.addSql(`drop function if exists "approvals"."reform_entitlement_moves"();`);
    this.addSql(`drop view if exists "approvals"."v_active_entitlements";`);
    this.addSql(`drop policy if exists "unit_scope" on "approvals"."entitlements";`);

    this.addSql(`alter table "approvals"."entitlements" add column "unit_code" varchar(5) null;`);
    this.addSql(`alter table "approvals"."entitlements" disable trigger "entitlements_history_update";`);
    this.addSql(`update "approvals"."entitlements" e set "unit_code" = u.code from registry.v_units u where u.id = e.unit_id;`);
    this.addSql(`alter table "approvals"."entitlements" enable trigger "entitlements_history_update";`);
    this.addSql(`alter table "approvals"."entitlements" alter column "unit_code" set not null;`);
    this.addSql(`drop index if exists "approvals"."entitlements_unit_id_status_index";`);
    this.addSql(`alter table "approvals"."entitlements" drop column "unit_id";`);
    this.addSql(`create index "entitlements_unit_code_status_index" on "approvals"."entitlements" ("unit_code", "status");`);
    this.addSql(`create policy "unit_scope" on "approvals"."entitlements" using (${FORMER_IN_SCOPE}) with check (${FORMER_IN_SCOPE});`);

    const statements = [
      ...historyUnitIdentitySql('approvals', {
        outbox: true,
        readableWhen: HISTORY_READABLE,
        formerReadableWhen: FORMER_HISTORY_READABLE,
      }).down,
      ...historyTriggers({
        schema: 'approvals',
        table: 'entitlements',
        entityColumns: { entitlement_id: 'id', person_id: 'person_id' },
        unitColumn: 'unit_code',
        events: {
          aggregateType: 'entitlement',
          statusColumn: 'status',
          payloadColumns: ['person_id', 'unit_code', 'status', 'start_month', 'end_month'],
        },
      }).up,
      ...historyTriggers({ schema: 'approvals', table: 'standard_levels', unitColumn: 'province_code' }).up,
    ];
    for (const statement of statements) this.addSql(statement);
    this.addSql(FORMER_ACTIVE_ENTITLEMENTS_VIEW);
    this.addSql(`grant select on "approvals"."v_active_entitlements" to ansinh_view_reader;`);
  }

}
