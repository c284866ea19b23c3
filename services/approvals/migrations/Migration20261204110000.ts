import { Migration } from '@mikro-orm/migrations';

/**
 * The sync intake (services/approvals/src/sync/intake/): what a province's one-stop system submitted
 * for each dossier it filed through `submitApplication(s)`, in the canonical form the intake compares a
 * resubmission of the same (source, externalCode) with: the same content is a retry answered with the
 * same dossier; different content is a CONFLICT naming the fields; only new documents while the dossier
 * is returned for completion is its resubmission (which replaces the stored documents).
 *
 * A table of its own rather than a column of `approvals.applications`: the dossier's history (change
 * history and outbox events, written by its triggers) stays what officials and provinces follow,
 * without the submitted applicant's details in every history row, and a submission's times give the
 * province's last intake (connection status) by one index lookup. Written in the transaction that files
 * or resubmits the dossier; never deleted (a dossier is never removed).
 */
export class Migration20261204110000 extends Migration {

  override name = 'Migration20261204110000';

  override up(): void | Promise<void> {
    this.addSql(`create table "approvals"."intake_submissions" (
      "application_id" uuid not null,
      "source_system" varchar(100) not null,
      "external_code" varchar(50) not null,
      "province_code" varchar(2) not null,
      "content" jsonb not null check (jsonb_typeof("content") = 'object'),
      "received_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      primary key ("application_id"),
      constraint "intake_submissions_source_system_external_code_unique" unique ("source_system", "external_code"));`);
    this.addSql(`alter table "approvals"."intake_submissions" add constraint "intake_submissions_application_id_foreign" foreign key ("application_id") references "approvals"."applications" ("id") on delete cascade;`);
    this.addSql(`create index "intake_submissions_province_code_updated_at_index" on "approvals"."intake_submissions" ("province_code", "updated_at");`);
    // A submission is read and written with its dossier: row-level security of the dossier decides.
    this.addSql(`alter table "approvals"."intake_submissions" enable row level security;`);
    this.addSql(`create policy "application_scope" on "approvals"."intake_submissions" using (exists (select 1 from "approvals"."applications" a where a.id = application_id)) with check (exists (select 1 from "approvals"."applications" a where a.id = application_id));`);
    this.addSql(`grant select, insert, update on "approvals"."intake_submissions" to ansinh_approvals;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "approvals"."intake_submissions" cascade;`);
  }

}
