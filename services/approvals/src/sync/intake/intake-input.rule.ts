import { AppError, badInput, cleanText, TEXT_LIMITS, type TextRule } from '@ansinh/common';
import type { ApplicationDocument } from '../../applications/application.entity.ts';
import {
  checkDocuments,
  checkExternalCode,
  MAX_MEMBERS,
  type DocumentInput,
  type DocumentKind,
} from '../../applications/application-input.rule.ts';
import { isDay, type Day } from '../../applications/working-days.rule.ts';

// What a province's one-stop system submits for one dossier, read into the canonical form that is
// stored with the dossier and compared when the same (source, externalCode) comes again. Only what
// needs no database: the category, the commune and the applicant's identity are checked by their
// owners afterwards (category-code.rule.ts, commune-code.rule.ts, the registry's person rules).

/** Most dossiers one `submitApplications` takes. */
export const MAX_DOSSIERS_PER_CALL = 1000;

export const GENDERS = ['male', 'female', 'unknown'] as const;
export type IntakeGender = (typeof GENDERS)[number];

export type IntakeApplicantInput = {
  citizenId: string;
  fullName: string;
  birthDate: string;
  gender?: IntakeGender | null | undefined;
  ethnicityCode?: string | null | undefined;
  phone?: string | null | undefined;
  address?: string | null | undefined;
};

export type IntakeDossierInput = {
  source: string;
  externalCode: string;
  communeCode: string;
  applicant: IntakeApplicantInput;
  categoryCode: string;
  filedOn: string;
  memberCount?: number | null | undefined;
  documents?: readonly DocumentInput[] | null | undefined;
};

/** The applicant as submitted, cleaned (the CCCD's digits, the birth date as `yyyy-mm-dd` or `yyyy`). */
export type IntakeApplicant = {
  citizenId: string;
  fullName: string;
  birthDate: string;
  gender: IntakeGender | null;
  ethnicityCode: string | null;
  phone: string | null;
  address: string | null;
};

/**
 * What was submitted for a dossier, canonical: equal for two submissions that say the same thing
 * (spacing, Unicode form, separators in the CCCD, date format, the order of documents aside). Stored
 * as `approvals.intake_submissions.content`.
 */
export type IntakeContent = {
  communeCode: string;
  categoryCode: string;
  filedOn: Day;
  memberCount: number;
  applicant: IntakeApplicant;
  documents: ApplicationDocument[];
};

/** A document as checkDocuments gives it: of a known kind. */
export type CheckedDocument = ApplicationDocument & { kind: DocumentKind };

/** One dossier read: its code, its canonical content, and its documents in the order sent (as filed). */
export type Submission = { externalCode: string; content: IntakeContent; documents: CheckedDocument[] };

const COMMUNE_CODE = /^\d{5}$/;
const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const YEAR_FIRST = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const CCCD_SEPARATORS = /[ .-]/g;

const RULES = {
  source: { label: 'Nguồn hồ sơ (source)', kind: 'code', maxLength: 100 },
  categoryCode: { label: 'Mã nhóm đối tượng', kind: 'code', maxLength: 30 },
  citizenId: { label: 'Số CCCD', kind: 'line', maxLength: 30 },
  fullName: { label: 'Họ và tên', kind: 'name', maxLength: TEXT_LIMITS.name },
  birthDate: { label: 'Ngày sinh', kind: 'line', maxLength: 30 },
  ethnicityCode: { label: 'Mã dân tộc', kind: 'code', maxLength: 10 },
  phone: { label: 'Số điện thoại', kind: 'line', maxLength: 30 },
  address: { label: 'Địa chỉ', kind: 'line', maxLength: TEXT_LIMITS.address },
} as const satisfies Record<string, TextRule>;

function cleaned(value: string, rule: TextRule, field: string): string {
  const result = cleanText(value, rule);
  if (!result.ok) throw badInput(field, result.message);
  return result.text;
}

const optional = (value: string | null | undefined, rule: TextRule, field: string): string | null =>
  value == null ? null : cleaned(value, rule, field) || null;

/** The application service's names of fields that the intake's input names otherwise. */
const APPLICATION_FIELDS: Record<string, string> = {
  externalDossierCode: 'externalCode',
  categoryId: 'categoryCode',
  personId: 'applicant.citizenId',
};

/**
 * A field of the application rules and service by the intake's name for it: `externalDossierCode`
 * is `externalCode`, `categoryId` is `categoryCode`, `documents.2.name` is `documents[2].name`.
 */
export function intakeFieldOf(field: string): string {
  if (Object.hasOwn(APPLICATION_FIELDS, field)) return APPLICATION_FIELDS[field]!;
  return field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/** An AppError of the application rules and service, with the intake's field names. */
export function withIntakeField(error: AppError): AppError {
  if (!error.field) return error;
  return new AppError(error.code, error.message, {
    field: intakeFieldOf(error.field),
    ...(error.details ? { details: error.details } : {}),
  });
}

function renamed<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof AppError ? withIntakeField(error) : error;
  }
}

/** A birth date as officials write it (`dd/mm/yyyy`, `yyyy-mm-dd`, the year alone), in one form; the registry checks the calendar. */
export function canonicalBirthDate(text: string): string {
  if (/^\d{4}$/.test(text)) return text;
  const dayFirst = DAY_FIRST.exec(text);
  const parts = dayFirst
    ? [dayFirst[3]!, dayFirst[2]!, dayFirst[1]!]
    : (YEAR_FIRST.exec(text)?.slice(1, 4) ?? null);
  if (!parts) {
    throw badInput(
      'applicant.birthDate',
      'Ngày sinh phải có dạng dd/mm/yyyy, yyyy-mm-dd hoặc chỉ năm sinh (yyyy).',
    );
  }
  const [year, month, day] = parts as [string, string, string];
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

function readApplicant(applicant: IntakeApplicantInput): IntakeApplicant {
  const citizenIdText = cleaned(applicant.citizenId, RULES.citizenId, 'applicant.citizenId');
  const citizenId = citizenIdText.replace(CCCD_SEPARATORS, '');
  if (!/^\d{12}$/.test(citizenId)) {
    throw badInput('applicant.citizenId', 'Số CCCD phải gồm đúng 12 chữ số.');
  }
  const fullName = cleaned(applicant.fullName, RULES.fullName, 'applicant.fullName');
  if (!fullName) throw badInput('applicant.fullName', 'Họ và tên không được để trống.');
  const birthDateText = cleaned(applicant.birthDate, RULES.birthDate, 'applicant.birthDate');
  if (applicant.gender != null && !(GENDERS as readonly string[]).includes(applicant.gender)) {
    throw badInput('applicant.gender', 'Giới tính không hợp lệ.');
  }
  return {
    citizenId,
    fullName,
    birthDate: canonicalBirthDate(birthDateText),
    gender: applicant.gender ?? null,
    ethnicityCode: optional(applicant.ethnicityCode, RULES.ethnicityCode, 'applicant.ethnicityCode'),
    phone: optional(applicant.phone, RULES.phone, 'applicant.phone'),
    address: optional(applicant.address, RULES.address, 'applicant.address'),
  };
}

const documentKey = (document: ApplicationDocument) =>
  JSON.stringify([document.kind, document.name, document.number, document.issuedOn]);

/**
 * One dossier of a system as submitted, bounded, cleaned and canonical, or the first problem naming
 * its field (`applicant.citizenId`, `documents[1].issuedOn`). `clientId` is the calling system's
 * OAuth client: the `source` it must name.
 */
export function readSubmission(input: IntakeDossierInput, clientId: string, today: Day): Submission {
  const source = cleaned(input.source, RULES.source, 'source');
  if (source !== clientId) {
    throw badInput(
      'source',
      `Nguồn hồ sơ (source) phải là mã ứng dụng của chính hệ thống gửi hồ sơ ("${clientId}").`,
    );
  }
  const externalCode = renamed(() => checkExternalCode(input.externalCode));
  if (!COMMUNE_CODE.test(input.communeCode)) {
    throw badInput('communeCode', 'Mã xã/phường phải gồm đúng 5 chữ số.');
  }
  const categoryCode = cleaned(input.categoryCode, RULES.categoryCode, 'categoryCode');
  if (!categoryCode) throw badInput('categoryCode', 'Cần mã nhóm đối tượng.');
  if (!isDay(input.filedOn)) throw badInput('filedOn', 'Ngày tiếp nhận phải có dạng YYYY-MM-DD.');
  if (input.filedOn > today) throw badInput('filedOn', 'Ngày tiếp nhận không được ở tương lai.');
  const memberCount = input.memberCount ?? 1;
  if (!Number.isInteger(memberCount) || memberCount < 1 || memberCount > MAX_MEMBERS) {
    throw badInput('memberCount', `Số thành viên phải từ 1 đến ${MAX_MEMBERS}.`);
  }
  // checkDocuments refuses any kind but DOCUMENT_KINDS.
  const documents = renamed(() => checkDocuments(input.documents ?? [], today)) as CheckedDocument[];
  const applicant = readApplicant(input.applicant);
  return {
    externalCode,
    documents,
    content: {
      communeCode: input.communeCode,
      categoryCode,
      filedOn: input.filedOn,
      memberCount,
      applicant,
      documents: [...documents].sort((a, b) => documentKey(a).localeCompare(documentKey(b))),
    },
  };
}

/** The fields an intake compares, in the order a conflict lists them. */
const COMPARED: readonly (
  Exclude<keyof IntakeContent, 'applicant'> | `applicant.${keyof IntakeApplicant}`
)[] = [
  'communeCode',
  'categoryCode',
  'filedOn',
  'memberCount',
  'applicant.citizenId',
  'applicant.fullName',
  'applicant.birthDate',
  'applicant.gender',
  'applicant.ethnicityCode',
  'applicant.phone',
  'applicant.address',
  'documents',
];

/** Content as stored: a dossier filed before the intake recorded submissions holds only part of it. */
export type StoredContent = Partial<Omit<IntakeContent, 'applicant'>> & { applicant?: IntakeApplicant };

function valueAt(content: StoredContent, field: (typeof COMPARED)[number]): unknown {
  if (field.startsWith('applicant.')) {
    return content.applicant?.[field.slice('applicant.'.length) as keyof IntakeApplicant];
  }
  const value = content[field as keyof StoredContent];
  return field === 'documents' && Array.isArray(value)
    ? (value as ApplicationDocument[]).map(documentKey).sort()
    : value;
}

/**
 * The fields in which a submission differs from what was stored for its code (field paths as in the
 * input); a field the stored content does not hold (an older dossier) is not compared.
 */
export function contentDifferences(stored: StoredContent, sent: IntakeContent): string[] {
  return COMPARED.filter((field) => {
    const before = valueAt(stored, field);
    return before !== undefined && JSON.stringify(before) !== JSON.stringify(valueAt(sent, field));
  });
}

/** A batch's size: 1 to MAX_DOSSIERS_PER_CALL, else refused whole. */
export function checkBatchSize(count: number): void {
  if (count < 1 || count > MAX_DOSSIERS_PER_CALL) {
    throw badInput(
      'inputs',
      `Mỗi lần gửi từ 1 đến ${MAX_DOSSIERS_PER_CALL.toLocaleString('vi-VN')} hồ sơ (lần này: ${count.toLocaleString('vi-VN')}): không hồ sơ nào được ghi.`,
    );
  }
}
