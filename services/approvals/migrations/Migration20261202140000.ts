import { Migration } from '@mikro-orm/migrations';
import { historyTriggers, personInScopeSql, unitReadableSql, unitWritableSql } from '@ansinh/common';

/**
 * Applications (hồ sơ) and their workflow (services/approvals/src/applications/applications.module.ts):
 * - workflows as data: an era's steps, who acts at each (a Keycloak role at a unit level) and the
 *   limit in working days; a province's own workflow of an era overrides the national one;
 * - public holidays, which the limits skip besides weekends (data: announced every year);
 * - applications, each in the workflow in force on the day it was filed, and the append-only events
 *   of its steps (who, which unit, when, why).
 */

type StepRow = [code: string, name: string, role: 'officer' | 'approver', level: 'commune' | 'district', days: number, decision: boolean];

/**
 * Domain guide §4. Until 30 June 2025 (Decree 20/2021): the commune reviews and its chairman approves
 * forwarding (7 working days), posts the result publicly (2), sends it to the district (3); the
 * district labour office appraises (7) and the district chairman decides (3). The 10 working days
 * for answering complaints run beside the posting, not as a step of the dossier.
 * From 1 July 2025 (two-tier local government, Decree 147/2025): 10 working days at the commune in
 * all. The law gives one limit for the whole; it is split 7 + 3 as the district's appraisal and
 * decision were before (the preparing work takes the most, the chairman's signature the least), so
 * that a queue shows which of the two is late. A province that splits it otherwise adds its own
 * workflow of the era.
 */
const WORKFLOWS: { id: string; name: string; from: string; to: string | null; steps: StepRow[] }[] = [
  {
    id: 'national-2021',
    name: 'Giải quyết hồ sơ trợ cấp xã hội hằng tháng (Nghị định 20/2021/NĐ-CP, chính quyền ba cấp)',
    from: '2021-07-01',
    to: '2025-06-30',
    steps: [
      ['commune-review', 'Xét duyệt hồ sơ, Chủ tịch UBND xã đề nghị', 'approver', 'commune', 7, false],
      ['public-posting', 'Niêm yết công khai kết quả xét duyệt', 'officer', 'commune', 2, false],
      ['forward-to-district', 'Gửi hồ sơ lên Phòng Lao động - Thương binh và Xã hội', 'officer', 'commune', 3, false],
      ['district-appraisal', 'Thẩm định hồ sơ', 'officer', 'district', 7, false],
      ['district-decision', 'Chủ tịch UBND huyện quyết định', 'approver', 'district', 3, true],
    ],
  },
  {
    id: 'national-2025',
    name: 'Giải quyết hồ sơ trợ cấp xã hội hằng tháng (chính quyền địa phương hai cấp, từ 01/7/2025)',
    from: '2025-07-01',
    to: null,
    steps: [
      ['commune-verification', 'Xác minh, thẩm định hồ sơ (đối chiếu Cơ sở dữ liệu quốc gia về dân cư)', 'officer', 'commune', 7, false],
      ['commune-decision', 'Chủ tịch UBND xã quyết định', 'approver', 'commune', 3, true],
    ],
  },
];

/**
 * Public holidays (Labour Code 2019, Art. 112) on working days, as the days off were announced. Only
 * days known for certain: days swapped by a yearly announcement (2 May 2025 against Saturday 26
 * April) and the second National Day holiday of 2026 (1 or 3 September, announced yearly) are rows
 * to add when confirmed. Earlier years count weekends only.
 */
const HOLIDAYS: [day: string, name: string][] = [
  ['2025-01-01', 'Tết Dương lịch'],
  ['2025-01-27', 'Tết Nguyên đán Ất Tỵ'],
  ['2025-01-28', 'Tết Nguyên đán Ất Tỵ'],
  ['2025-01-29', 'Tết Nguyên đán Ất Tỵ'],
  ['2025-01-30', 'Tết Nguyên đán Ất Tỵ'],
  ['2025-01-31', 'Tết Nguyên đán Ất Tỵ'],
  ['2025-04-07', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'],
  ['2025-04-30', 'Ngày Chiến thắng'],
  ['2025-05-01', 'Ngày Quốc tế Lao động'],
  ['2025-09-01', 'Quốc khánh (ngày liền kề)'],
  ['2025-09-02', 'Quốc khánh'],
  ['2026-01-01', 'Tết Dương lịch'],
  ['2026-02-16', 'Tết Nguyên đán Bính Ngọ'],
  ['2026-02-17', 'Tết Nguyên đán Bính Ngọ'],
  ['2026-02-18', 'Tết Nguyên đán Bính Ngọ'],
  ['2026-02-19', 'Tết Nguyên đán Bính Ngọ'],
  ['2026-02-20', 'Tết Nguyên đán Bính Ngọ'],
  // 10/3 âm lịch falls on Sunday 26 April 2026: the next working day is off instead (Art. 112(3)).
  ['2026-04-27', 'Nghỉ bù Giỗ Tổ Hùng Vương'],
  ['2026-04-30', 'Ngày Chiến thắng'],
  ['2026-05-01', 'Ngày Quốc tế Lao động'],
  ['2026-09-02', 'Quốc khánh'],
];

const literal = (value: string | number | boolean | null) =>
  value === null ? 'null' : typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value);

/** A dossier is readable by whoever reads its receiving unit or the person now; written only within a unit in force. */
const APPLICATION_READABLE = `${unitReadableSql('unit_id')} or ${personInScopeSql('"applications"."person_id"')}`;

const APPLICATION_HISTORY = {
  schema: 'approvals',
  table: 'applications',
  entityColumns: { person_id: 'person_id' },
  unitColumn: 'unit_id',
  ignoreColumns: ['updated_at'],
  // Provincial systems learn a dossier's progress from these events (the state and step, by their own code).
  events: {
    aggregateType: 'application',
    statusColumn: 'state',
    payloadColumns: ['person_id', 'unit_id', 'state', 'current_step', 'source_system', 'external_dossier_code'],
  },
};

export class Migration20261202140000 extends Migration {

  override name = 'Migration20261202140000';

  override up(): void | Promise<void> {
    this.addSql(`create table "approvals"."workflows" (
      "id" text not null check ("id" ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
      "name" text not null, "province_code" varchar(2) null,
      "valid_from" date not null, "valid_to" date null,
      primary key ("id"),
      constraint "workflows_validity_check" check ("valid_to" is null or "valid_to" >= "valid_from"));`);
    this.addSql(`create table "approvals"."workflow_steps" (
      "workflow_id" text not null, "position" smallint not null check ("position" between 1 and 50),
      "code" varchar(40) not null check ("code" ~ '^[a-z][a-z0-9-]{0,39}$'), "name" text not null,
      "role" text not null check ("role" in ('officer', 'approver')),
      "unit_level" text not null check ("unit_level" in ('commune', 'district', 'province')),
      "limit_working_days" smallint not null check ("limit_working_days" between 1 and 60),
      "is_decision" boolean not null default false,
      primary key ("workflow_id", "position"));`);
    this.addSql(`alter table "approvals"."workflow_steps" add constraint "workflow_steps_workflow_id_code_unique" unique ("workflow_id", "code");`);
    this.addSql(`alter table "approvals"."workflow_steps" add constraint "workflow_steps_workflow_id_foreign" foreign key ("workflow_id") references "approvals"."workflows" ("id") on delete cascade;`);
    // One deciding step per workflow.
    this.addSql(`create unique index "workflow_steps_one_decision" on "approvals"."workflow_steps" ("workflow_id") where "is_decision";`);
    this.addSql(`create table "approvals"."public_holidays" ("day" date not null, "name" text not null, primary key ("day"));`);

    for (const workflow of WORKFLOWS) {
      this.addSql(`insert into "approvals"."workflows" ("id", "name", "province_code", "valid_from", "valid_to") values (${[workflow.id, workflow.name, null, workflow.from, workflow.to].map(literal).join(', ')});`);
      workflow.steps.forEach(([code, name, role, level, days, decision], index) =>
        this.addSql(`insert into "approvals"."workflow_steps" ("workflow_id", "position", "code", "name", "role", "unit_level", "limit_working_days", "is_decision") values (${[workflow.id, index + 1, code, name, role, level, days, decision].map(literal).join(', ')});`),
      );
    }
    this.addSql(`insert into "approvals"."public_holidays" ("day", "name") values ${HOLIDAYS.map(([day, name]) => `(${literal(day)}, ${literal(name)})`).join(', ')};`);

    this.addSql(`create table "approvals"."applications" (
      "id" uuid not null, "person_id" uuid not null, "unit_id" uuid not null, "category_id" uuid not null,
      "workflow_id" text not null, "filed_on" date not null,
      "source" text not null check ("source" in ('commune', 'integration')),
      "source_system" varchar(100) null, "external_dossier_code" varchar(50) null,
      "member_count" smallint not null default 1 check ("member_count" between 1 and 20),
      "documents" jsonb not null default '[]' check (jsonb_typeof("documents") = 'array' and jsonb_array_length("documents") <= 20),
      "state" text not null default 'in_progress' check ("state" in ('in_progress', 'returned', 'approved', 'rejected')),
      "current_step" varchar(40) null, "step_started_on" date null, "step_due_on" date null,
      "created_by_id" text not null, "created_by_name" text not null,
      "created_at" timestamptz not null, "updated_at" timestamptz not null,
      primary key ("id"),
      constraint "applications_integration_check" check (("source" = 'integration') = ("source_system" is not null and "external_dossier_code" is not null)),
      constraint "applications_step_check" check (case "state"
        when 'in_progress' then "current_step" is not null and "step_started_on" is not null and "step_due_on" is not null
        when 'returned' then "current_step" is not null and "step_due_on" is null
        else "current_step" is null and "step_due_on" is null end));`);
    this.addSql(`alter table "approvals"."applications" add constraint "applications_category_id_foreign" foreign key ("category_id") references "approvals"."categories" ("id");`);
    this.addSql(`alter table "approvals"."applications" add constraint "applications_workflow_id_foreign" foreign key ("workflow_id") references "approvals"."workflows" ("id");`);
    this.addSql(`alter table "approvals"."applications" add constraint "applications_workflow_id_current_step_foreign" foreign key ("workflow_id", "current_step") references "approvals"."workflow_steps" ("workflow_id", "code");`);
    // Idempotent filing by a provincial system: one dossier per code of that system.
    this.addSql(`create unique index "applications_source_system_external_dossier_code_unique" on "approvals"."applications" ("source_system", "external_dossier_code") where "external_dossier_code" is not null;`);
    this.addSql(`create index "applications_person_id_index" on "approvals"."applications" ("person_id");`);
    this.addSql(`create index "applications_unit_id_state_current_step_index" on "approvals"."applications" ("unit_id", "state", "current_step");`);
    this.addSql(`create index "applications_state_step_due_on_index" on "approvals"."applications" ("state", "step_due_on");`);

    this.addSql(`create table "approvals"."application_events" (
      "id" uuid not null, "application_id" uuid not null, "step" varchar(40) not null,
      "action" text not null check ("action" in ('filed', 'completed', 'returned', 'resubmitted', 'rejected')),
      "actor_id" text not null, "actor_name" text not null, "unit_id" uuid not null,
      "at" timestamptz not null, "reason" text null,
      primary key ("id"),
      constraint "application_events_reason_check" check ("action" not in ('returned', 'rejected') or coalesce("reason", '') <> ''));`);
    this.addSql(`alter table "approvals"."application_events" add constraint "application_events_application_id_foreign" foreign key ("application_id") references "approvals"."applications" ("id") on delete cascade;`);
    this.addSql(`create index "application_events_application_id_at_index" on "approvals"."application_events" ("application_id", "at");`);

    // Row-level security, as entitlements: a dossier follows its receiving unit and its person.
    this.addSql(`alter table "approvals"."applications" enable row level security;`);
    this.addSql(`create policy "unit_scope" on "approvals"."applications" using (${APPLICATION_READABLE}) with check (${unitWritableSql('unit_id')});`);
    // Events are read with their dossier and written by a unit in force acting on a dossier it reads.
    this.addSql(`alter table "approvals"."application_events" enable row level security;`);
    this.addSql(`create policy "application_scope" on "approvals"."application_events" for select using (exists (select 1 from "approvals"."applications" a where a.id = application_id));`);
    this.addSql(`create policy "acting_unit" on "approvals"."application_events" for insert with check (${unitWritableSql('unit_id')} and exists (select 1 from "approvals"."applications" a where a.id = application_id));`);

    // Least privilege: workflows and holidays are rules changed by migrations (or an administrator's
    // tool), events are never changed, and a dossier is never removed (it is rejected, and its history kept).
    this.addSql(`revoke insert, update, delete on "approvals"."workflows", "approvals"."workflow_steps", "approvals"."public_holidays" from ansinh_approvals;`);
    this.addSql(`grant select on "approvals"."workflows", "approvals"."workflow_steps", "approvals"."public_holidays" to ansinh_approvals, ansinh_view_reader;`);
    this.addSql(`revoke update, delete on "approvals"."application_events" from ansinh_approvals;`);
    this.addSql(`revoke delete on "approvals"."applications" from ansinh_approvals;`);
    this.addSql(`grant select, insert, update on "approvals"."applications" to ansinh_approvals;`);
    this.addSql(`grant select, insert on "approvals"."application_events" to ansinh_approvals;`);

    for (const statement of historyTriggers(APPLICATION_HISTORY).up) this.addSql(statement);
  }

  override down(): void | Promise<void> {
    for (const statement of historyTriggers(APPLICATION_HISTORY).down) this.addSql(statement);
    this.addSql(`drop table if exists "approvals"."application_events" cascade;`);
    this.addSql(`drop table if exists "approvals"."applications" cascade;`);
    this.addSql(`drop table if exists "approvals"."public_holidays" cascade;`);
    this.addSql(`drop table if exists "approvals"."workflow_steps" cascade;`);
    this.addSql(`drop table if exists "approvals"."workflows" cascade;`);
  }

}
