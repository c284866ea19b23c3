import { Migration } from '@mikro-orm/migrations';
import {
  historyTriggers,
  historyUnitIdentitySql,
  personInScopeSql,
  unitNamedByCodeSql,
  READABLE_UNIT_IDS,
  unitReadableSql,
  unitWritableSql,
} from '@ansinh/common';

/** The scope rule over unit codes that this migration replaces (for `down`). */
const FORMER_IN_SCOPE = `unit_code in (select code from registry.v_units where valid_to is null and path <@ nullif(current_setting('ansinh.scope_path', true), '')::ltree)`;


const HISTORY_READABLE = `${unitReadableSql('unit_id')} or ${personInScopeSql('"change_history"."person_id"')} or exists (select 1 from payments.payment_lines l where l.id = payment_line_id)`;
const FORMER_HISTORY_READABLE = `${FORMER_IN_SCOPE} or exists (select 1 from payments.payment_lines l where l.id = payment_line_id)`;

const PAYMENT_LINES_VIEW = `create view "payments"."v_payment_lines" as
  select l.id as line_id, l.person_id, l.entitlement_id, l.unit_id, u.code as unit_code, l.month, l.amount, l.arrears, l.channel, l.status, l.paid_on
    from "payments"."payment_lines" l
    join registry.v_units u on u.id = l.unit_id
   where l.unit_id in (${READABLE_UNIT_IDS}) or ${personInScopeSql('l.person_id')};`;

const FORMER_PAYMENT_LINES_VIEW = `create view "payments"."v_payment_lines" as select id as line_id, person_id, entitlement_id, unit_code, month, amount, arrears, channel, status, paid_on from "payments"."payment_lines" where ${FORMER_IN_SCOPE};`;

/**
 * Payment lines name the paying unit by its version (`unit_id`), not by a code that the 2025 reform
 * reused for other territory, and never move: a line stays with the unit that paid it. Readable by
 * whoever reads that unit, or reads the person now (a commune reads the pre-reform lines of the people
 * it took over); written only by a unit in force. History likewise, with the reason of a change. The
 * published view gives the unit's id and code.
 */
export class Migration20261202110000 extends Migration {

  override name = 'Migration20261202110000';

  override up(): void | Promise<void> {
    this.addSql(`drop view if exists "payments"."v_payment_lines";`);
    this.addSql(`drop policy if exists "unit_scope" on "payments"."payment_lines";`);

    // History first: the history triggers of every statement below write unit_id.
    for (const statement of historyUnitIdentitySql('payments', {
      outbox: false,
      readableWhen: HISTORY_READABLE,
      formerReadableWhen: FORMER_HISTORY_READABLE,
    }).up)
      this.addSql(statement);

    this.addSql(`alter table "payments"."payment_lines" add column "unit_id" uuid null;`);
    // Giving the rows their unit version is no change to a line: not recorded as one.
    this.addSql(`alter table "payments"."payment_lines" disable trigger "payment_lines_history_update";`);
    // Rows written under the old rule (a bare code: the unit in force) get the unit the code names today.
    this.addSql(`update "payments"."payment_lines" l set "unit_id" = ${unitNamedByCodeSql('l.unit_code')};`);
    this.addSql(`alter table "payments"."payment_lines" enable trigger "payment_lines_history_update";`);
    this.addSql(`do $$ declare missing text; begin
  select string_agg(distinct unit_code, ', ') into missing from payments.payment_lines where unit_id is null;
  if missing is not null then
    raise exception 'payments: dòng chi trả của đơn vị không có trong danh mục đơn vị hành chính (mã %): hãy nhập danh mục đơn vị trước', missing;
  end if;
end $$;`);
    this.addSql(`drop index if exists "payments"."payment_lines_unit_code_month_index";`);
    this.addSql(`alter table "payments"."payment_lines" drop constraint if exists "payment_lines_person_id_month_unit_code_unique";`);
    this.addSql(`alter table "payments"."payment_lines" drop column "unit_code";`);
    this.addSql(`alter table "payments"."payment_lines" alter column "unit_id" set not null;`);
    this.addSql(`create index "payment_lines_unit_id_month_index" on "payments"."payment_lines" ("unit_id", "month");`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_person_id_month_unit_id_unique" unique ("person_id", "month", "unit_id");`);
    this.addSql(`create policy "unit_scope" on "payments"."payment_lines" using (${unitReadableSql('unit_id')} or ${personInScopeSql('"payment_lines"."person_id"')}) with check (${unitWritableSql('unit_id')});`);

    for (const statement of historyTriggers({
      schema: 'payments',
      table: 'payment_lines',
      entityColumns: { payment_line_id: 'id', person_id: 'person_id' },
      unitColumn: 'unit_id',
    }).up)
      this.addSql(statement);

    this.addSql(PAYMENT_LINES_VIEW);
    this.addSql(`grant select on "payments"."v_payment_lines" to ansinh_view_reader;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop view if exists "payments"."v_payment_lines";`);
    this.addSql(`drop policy if exists "unit_scope" on "payments"."payment_lines";`);
    this.addSql(`alter table "payments"."payment_lines" add column "unit_code" varchar(5) null;`);
    this.addSql(`alter table "payments"."payment_lines" disable trigger "payment_lines_history_update";`);
    this.addSql(`update "payments"."payment_lines" l set "unit_code" = u.code from registry.v_units u where u.id = l.unit_id;`);
    this.addSql(`alter table "payments"."payment_lines" enable trigger "payment_lines_history_update";`);
    this.addSql(`alter table "payments"."payment_lines" alter column "unit_code" set not null;`);
    this.addSql(`alter table "payments"."payment_lines" drop constraint if exists "payment_lines_person_id_month_unit_id_unique";`);
    this.addSql(`drop index if exists "payments"."payment_lines_unit_id_month_index";`);
    this.addSql(`alter table "payments"."payment_lines" drop column "unit_id";`);
    this.addSql(`create index "payment_lines_unit_code_month_index" on "payments"."payment_lines" ("unit_code", "month");`);
    this.addSql(`alter table "payments"."payment_lines" add constraint "payment_lines_person_id_month_unit_code_unique" unique ("person_id", "month", "unit_code");`);
    this.addSql(`create policy "unit_scope" on "payments"."payment_lines" using (${FORMER_IN_SCOPE}) with check (${FORMER_IN_SCOPE});`);
    const statements = [
      ...historyUnitIdentitySql('payments', {
        outbox: false,
        readableWhen: HISTORY_READABLE,
        formerReadableWhen: FORMER_HISTORY_READABLE,
      }).down,
      ...historyTriggers({
        schema: 'payments',
        table: 'payment_lines',
        entityColumns: { payment_line_id: 'id', person_id: 'person_id' },
        unitColumn: 'unit_code',
      }).up,
    ];
    for (const statement of statements) this.addSql(statement);
    this.addSql(FORMER_PAYMENT_LINES_VIEW);
    this.addSql(`grant select on "payments"."v_payment_lines" to ansinh_view_reader;`);
  }

}
