import { badInput, cleanText, displayDate, TEXT_LIMITS, type TextRule } from '@ansinh/common';
import type { ApplicationDocument } from './application.entity.ts';
import { isDay, type Day } from './working-days.rule.ts';

/** Kinds of document a dossier lists (domain guide §4): the form, identity, certificates, confirmations. */
export const DOCUMENT_KINDS = [
  'declaration',
  'citizen_id',
  'birth_certificate',
  'disability_certificate',
  'health_confirmation',
  'poverty_certificate',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const MAX_DOCUMENTS = 20;
export const MAX_MEMBERS = 20;

export type DocumentInput = {
  kind: DocumentKind;
  name: string;
  number?: string | null | undefined;
  issuedOn?: string | null | undefined;
};

const DOCUMENT_NAME: TextRule = { label: 'Tên giấy tờ', kind: 'line', maxLength: 200 };
const DOCUMENT_NUMBER: TextRule = { label: 'Số giấy tờ', kind: 'code', maxLength: 50 };
const EXTERNAL_CODE: TextRule = { label: 'Mã hồ sơ của hệ thống một cửa', kind: 'code', maxLength: 50 };
export const REASON_TEXT: TextRule = { label: 'Lý do', kind: 'multiline', maxLength: TEXT_LIMITS.note };

function cleaned(value: string, rule: TextRule, field: string): string {
  const result = cleanText(value, rule);
  if (!result.ok) throw badInput(field, result.message);
  return result.text;
}

/** The documents' metadata, bounded and cleaned; none may be dated after `today`. */
export function checkDocuments(documents: readonly DocumentInput[], today: Day): ApplicationDocument[] {
  if (documents.length > MAX_DOCUMENTS) {
    throw badInput('documents', `Hồ sơ ghi được tối đa ${MAX_DOCUMENTS} giấy tờ.`);
  }
  return documents.map((document, index) => {
    const field = `documents.${index}`;
    if (!(DOCUMENT_KINDS as readonly string[]).includes(document.kind)) {
      throw badInput(`${field}.kind`, 'Loại giấy tờ không hợp lệ.');
    }
    const name = cleaned(document.name, DOCUMENT_NAME, `${field}.name`);
    if (!name) throw badInput(`${field}.name`, 'Cần ghi tên giấy tờ.');
    const number = document.number ? cleaned(document.number, DOCUMENT_NUMBER, `${field}.number`) : '';
    const issuedOn = document.issuedOn ?? null;
    if (issuedOn !== null && (!isDay(issuedOn) || issuedOn > today)) {
      throw badInput(`${field}.issuedOn`, 'Ngày cấp phải có dạng YYYY-MM-DD và không ở tương lai.');
    }
    return { kind: document.kind, name, number: number || null, issuedOn };
  });
}

/** A provincial system's own dossier code, cleaned; required of a system, refused from anyone else. */
export function checkExternalCode(code: string): string {
  const text = cleaned(code, EXTERNAL_CODE, 'externalDossierCode');
  if (!text) throw badInput('externalDossierCode', 'Cần mã hồ sơ của hệ thống một cửa.');
  return text;
}

/** A reason for returning or rejecting a dossier: required, bounded, cleaned. */
export function checkReason(reason: string | null | undefined): string {
  const text = reason ? cleaned(reason, REASON_TEXT, 'reason') : '';
  if (!text) throw badInput('reason', 'Cần ghi lý do.');
  return text;
}

export function checkMemberCount(memberCount: number | null | undefined, perMember: boolean): number {
  const count = memberCount ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_MEMBERS) {
    throw badInput('memberCount', `Số thành viên phải từ 1 đến ${MAX_MEMBERS}.`);
  }
  if (!perMember && count !== 1) {
    throw badInput(
      'memberCount',
      'Nhóm đối tượng này không tính theo số thành viên: số thành viên phải là 1.',
    );
  }
  return count;
}

/** What the filing date is checked against. */
export type FilingWindow = {
  /** The category's and its programme's months (`YYYY-MM`). */
  categoryFrom: string;
  categoryTo: string | null;
  programFrom: string;
  programTo: string | null;
  /** The receiving commune's first day in force (null: since before the lists). */
  unitValidFrom: Day | null;
};

/**
 * The day the dossier was received: a calendar day, not in the future, in a month in which the
 * category (and its programme) takes new dossiers, and not before the receiving commune existed
 * (a commune of today cannot have received a dossier under the former workflow).
 */
export function checkFiledOn(filedOn: string, today: Day, window: FilingWindow): Day {
  if (!isDay(filedOn)) throw badInput('filedOn', 'Ngày tiếp nhận phải có dạng YYYY-MM-DD.');
  if (filedOn > today) throw badInput('filedOn', 'Ngày tiếp nhận không được ở tương lai.');
  const month = filedOn.slice(0, 7);
  const from = window.categoryFrom > window.programFrom ? window.categoryFrom : window.programFrom;
  const ends = [window.categoryTo, window.programTo].filter((end): end is string => end !== null);
  const to = ends.length ? ends.sort()[0]! : null;
  if (month < from) {
    throw badInput('filedOn', `Nhóm đối tượng này chỉ nhận hồ sơ từ tháng ${month2(from)}.`);
  }
  if (to !== null && month > to) {
    throw badInput('filedOn', `Nhóm đối tượng này không nhận hồ sơ mới sau tháng ${month2(to)}.`);
  }
  if (window.unitValidFrom !== null && filedOn < window.unitValidFrom) {
    throw badInput(
      'filedOn',
      `Ngày tiếp nhận trước ngày xã/phường bắt đầu hoạt động (${displayDate(window.unitValidFrom)}).`,
    );
  }
  return filedOn;
}

const month2 = (month: string) => `${month.slice(5, 7)}/${month.slice(0, 4)}`;
