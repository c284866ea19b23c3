import { arrayLiteral, type UnitLevel } from '@ansinh/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Application, type ApplicationDocument } from '../../applications/application.entity.ts';
import type { CategoryCandidate } from './category-code.rule.ts';
import type { UnitLineage, UnitVersion } from './commune-code.rule.ts';
import type { IntakeContent, StoredContent } from './intake-input.rule.ts';

type UnitRow = {
  id: string;
  code: string;
  full_name: string;
  level: UnitLevel;
  path: string;
  valid_from: string | null;
  valid_to: string | null;
  successor_ids: string[] | null;
};

/** Reforms followed from a code to today's unit (commune-code.rule.ts follows as many). */
const MAX_LINEAGE_DEPTH = 5;

/**
 * Every version of the units with these codes and the units that took them over, through the reforms
 * since (registry.v_units): what resolveCommune needs, in one statement.
 */
export async function unitLineage(em: EntityManager, codes: readonly string[]): Promise<UnitLineage> {
  const rows = codes.length
    ? await em.execute<UnitRow[]>(
        `with recursive lineage (id, depth) as (
           select id, 0 from registry.v_units where code = any(?::text[])
           union
           select successor, l.depth + 1
             from lineage l join registry.v_units u on u.id = l.id
             cross join unnest(u.successor_ids) successor
            where l.depth < ${MAX_LINEAGE_DEPTH})
         select u.id, u.code, u.full_name, u.level, u.path::text as path, u.valid_from::text as valid_from,
                u.valid_to::text as valid_to, u.successor_ids::text[] as successor_ids
           from registry.v_units u where u.id in (select id from lineage)`,
        [arrayLiteral(codes)],
      )
    : [];
  const byId = new Map<string, UnitVersion>();
  const byCode = new Map<string, UnitVersion[]>();
  for (const row of rows) {
    const unit: UnitVersion = {
      id: row.id,
      code: row.code,
      fullName: row.full_name,
      level: row.level,
      path: row.path,
      validFrom: row.valid_from,
      validTo: row.valid_to,
      successorIds: row.successor_ids ?? [],
    };
    byId.set(unit.id, unit);
    byCode.set(unit.code, [...(byCode.get(unit.code) ?? []), unit]);
  }
  return { byCode, byId };
}

/** The categories with these codes, of national programmes and of the province's own. */
export async function categoryCandidates(
  em: EntityManager,
  codes: readonly string[],
  provinceCode: string,
): Promise<CategoryCandidate[]> {
  if (!codes.length) return [];
  const rows = await em.execute<
    {
      id: string;
      code: string;
      payment: 'monthly' | 'one_off';
      per_member: boolean;
      valid_from_month: string;
      valid_to_month: string | null;
      program_valid_from_month: string;
      program_valid_to_month: string | null;
      program_province_code: string | null;
    }[]
  >(
    `select c.id, c.code, c.payment, c.per_member, c.valid_from_month, c.valid_to_month,
            p.valid_from_month as program_valid_from_month, p.valid_to_month as program_valid_to_month,
            p.province_code as program_province_code
       from approvals.categories c join approvals.programs p on p.id = c.program_id
      where c.code = any(?::text[]) and (p.province_code is null or p.province_code = ?)`,
    [arrayLiteral(codes), provinceCode],
  );
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    payment: row.payment,
    perMember: row.per_member,
    validFromMonth: row.valid_from_month,
    validToMonth: row.valid_to_month,
    programValidFromMonth: row.program_valid_from_month,
    programValidToMonth: row.program_valid_to_month,
    programProvinceCode: row.program_province_code,
  }));
}

/** A dossier a system filed under its code before, with what it submitted (in part, for a dossier filed before the intake kept it). */
export type ExistingDossier = { application: Application; content: StoredContent };

/** The dossiers a system filed under these codes (row-level security: those the caller reads), by code. */
export async function existingDossiers(
  em: EntityManager,
  sourceSystem: string,
  codes: readonly string[],
): Promise<Map<string, ExistingDossier>> {
  if (!codes.length) return new Map();
  const applications = await em.fork().find(Application, {
    sourceSystem,
    externalDossierCode: { $in: [...codes] },
  });
  if (!applications.length) return new Map();
  const ids = arrayLiteral(applications.map((application) => application.id));
  const submitted = await em.execute<{ application_id: string; content: IntakeContent }[]>(
    'select application_id, content from approvals.intake_submissions where application_id = any(?::uuid[])',
    [ids],
  );
  const categories = await em.execute<{ id: string; code: string }[]>(
    `select c.id, c.code from approvals.categories c
      where c.id in (select category_id from approvals.applications where id = any(?::uuid[]))`,
    [ids],
  );
  const contentById = new Map(submitted.map((row) => [row.application_id, row.content]));
  const categoryCode = new Map(categories.map((row) => [row.id, row.code]));
  return new Map(
    applications.map((application) => [
      application.externalDossierCode!,
      {
        application,
        content: contentById.get(application.id) ?? {
          categoryCode: categoryCode.get(application.categoryId),
          filedOn: application.filedOn,
          memberCount: application.memberCount,
          documents: application.documents as ApplicationDocument[],
        },
      },
    ]),
  );
}

/** Records (or, on a resubmission, replaces) what the system submitted for a dossier, in the dossier's transaction. */
export async function recordSubmission(
  tx: EntityManager,
  submission: {
    applicationId: string;
    sourceSystem: string;
    externalCode: string;
    provinceCode: string;
    content: IntakeContent;
  },
): Promise<void> {
  await tx.execute(
    `insert into approvals.intake_submissions (application_id, source_system, external_code, province_code, content)
     values (?, ?, ?, ?, ?::jsonb)
     on conflict (application_id) do update set content = excluded.content, updated_at = now()`,
    [
      submission.applicationId,
      submission.sourceSystem,
      submission.externalCode,
      submission.provinceCode,
      JSON.stringify(submission.content),
    ],
  );
}
