import { Migration } from '@mikro-orm/migrations';
import { changeHistoryTable, historyTriggers, outboxTable } from '@ansinh/common';

const IN_SCOPE = `unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree)`;

/** The published view of entitlements active this month; only its monthly amount changes here. */
const activeEntitlementsView = (monthlyAmount: string, level: string) => `create or replace view "approvals"."v_active_entitlements" as
      with month as (select to_char(now() at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') as current)
      select e.id as entitlement_id, e.person_id, e.unit_code, e.policy_group, e.coefficient_hundredths,
             e.start_month, e.end_month, e.decision_number, e.decision_date,
             ${monthlyAmount} as monthly_amount
      from "approvals"."entitlements" e
      cross join month
      left join registry.v_units u on u.code = e.unit_code and u.valid_to is null
      ${level}
      where e.status = 'active' and e.start_month <= month.current
        and (e.end_month is null or e.end_month >= month.current)
        and e.unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree);`;

/**
 * Approvals' change history (entitlements and standard levels) with entitlement events in
 * approvals.outbox, from the shared generator; and the money rule once, as SQL functions that the
 * published view and the resolvers both call.
 */
export class Migration20261202003100 extends Migration {

  override name = 'Migration20261202003100';

  override up(): void | Promise<void> {
    // A caller reads the history of entitlements in its scope (also of one that has moved out since, while it
    // was in), and the history of standard levels, which are public rules. Standard levels have integer keys.
    const statements = [
      ...changeHistoryTable({
        schema: 'approvals',
        entityColumns: ['entitlement_id', 'person_id'],
        rowIdType: 'text',
        readableWhen: `${IN_SCOPE} or exists (select 1 from approvals.entitlements e where e.id = entitlement_id) or table_name = 'standard_levels'`,
      }).up,
      ...outboxTable('approvals').up,
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

    // Published (contract v1): the standard levels, public rules that the money functions read, so
    // that a reader of the published views may call them too.
    this.addSql(`create view "approvals"."v_standard_levels" as select valid_from_month, province_code, amount, legal_basis from "approvals"."standard_levels";`);
    this.addSql(`grant select on "approvals"."v_standard_levels" to ansinh_view_reader;`);

    // The money rule, once (services/approvals/README.md), in two functions that PostgreSQL inlines into the
    // view's query (plain SQL, neither strict nor security definer; the level is a set of one row because
    // only a function in FROM may hold subqueries and still be inlined) instead of calling them per row.
    // Mức chuẩn in force in a month (YYYY-MM) for a province: the latest national level that took effect by
    // then, or the province's own latest level when that is higher (a province may pay more, never less);
    // null before the first level, and for anything that is not a month ('2024', a year alone, has no single
    // level: it changed in July 2024).
    this.addSql(`create function "approvals"."standard_level_for"(province text, at_month text) returns setof bigint language sql stable parallel safe rows 1 as $$
  select case when at_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' then greatest(
    (select l.amount from approvals.v_standard_levels l
      where l.province_code is null and l.valid_from_month <= at_month
      order by l.valid_from_month desc limit 1),
    (select l.amount from approvals.v_standard_levels l
      where l.province_code = province and l.valid_from_month <= at_month
      order by l.valid_from_month desc limit 1)) end
$$;`);
    // Mức hưởng = standard level × coefficient (stored × 100), rounded to whole đồng, half away from zero.
    this.addSql(`create function "approvals"."monthly_amount"(standard_level bigint, coefficient_hundredths integer) returns bigint language sql immutable parallel safe as $$
  select round(standard_level * coefficient_hundredths / 100.0)::bigint
$$;`);
    for (const fn of ['"standard_level_for"(text, text)', '"monthly_amount"(bigint, integer)']) {
      this.addSql(`revoke all on function "approvals".${fn} from public;`);
      this.addSql(`grant execute on function "approvals".${fn} to ansinh_view_reader, ansinh_approvals;`);
    }
    this.addSql(
      activeEntitlementsView(
        `approvals.monthly_amount(level.amount, e.coefficient_hundredths)`,
        `cross join lateral approvals.standard_level_for(ltree2text(subpath(u.path, 0, 1)), month.current) level(amount)`,
      ),
    );
  }

  override down(): void | Promise<void> {
    // The view as Migration20261123175548 left it.
    this.addSql(
      activeEntitlementsView(
        `round(level.amount * e.coefficient_hundredths / 100.0)::bigint`,
        `cross join lateral (
        select greatest(
          (select sl.amount from "approvals"."standard_levels" sl
            where sl.province_code is null and sl.valid_from_month <= month.current
            order by sl.valid_from_month desc limit 1),
          (select sl.amount from "approvals"."standard_levels" sl
            where sl.province_code = ltree2text(subpath(u.path, 0, 1)) and sl.valid_from_month <= month.current
            order by sl.valid_from_month desc limit 1)
        ) as amount
      ) level`,
      ),
    );
    this.addSql(`drop function if exists "approvals"."monthly_amount"(bigint, integer);`);
    this.addSql(`drop function if exists "approvals"."standard_level_for"(text, text);`);
    this.addSql(`drop view if exists "approvals"."v_standard_levels";`);
    const statements = [
      ...historyTriggers({ schema: 'approvals', table: 'standard_levels' }).down,
      ...historyTriggers({ schema: 'approvals', table: 'entitlements' }).down,
      ...outboxTable('approvals').down,
      ...changeHistoryTable({ schema: 'approvals', entityColumns: [], readableWhen: 'false' }).down,
    ];
    for (const statement of statements) this.addSql(statement);
  }

}
