import { digitsOf } from '../text/digits.ts';
import { genderInCitizenId } from './citizen-id.rule.ts';
import type { Gender } from './person.entity.ts';

// The rules of intake (a province's one-stop system sending an applicant with a dossier): which
// gender a CCCD gives when the system sends none, and whether the person the register already holds
// under a CCCD is the one the system describes. The person's own rules (person.rules.ts) still check
// every value first.

/** Most applicants one call takes: the approvals intake's largest batch. */
export const MAX_INTAKE_PERSONS = 1000;

/** What the register holds of a person, as compared with what a system sends. */
export type StoredIdentity = {
  fullName: string;
  birthYear: number;
  /** `yyyy-mm-dd`; null when only the year is known. */
  birthDate: string | null;
  gender: Gender;
  residenceUnitId: string;
};

/** What a system sends, through the person's rules already (cleaned, birth date as stored: `yyyy` or `yyyy-mm-dd`). */
export type SentIdentity = {
  fullName: string;
  birthDate: string;
  /** Null when the system sent none (then the CCCD's is used for a new person, and nothing is compared). */
  gender: Gender | null;
  /** The commune in force the dossier was received at. */
  residenceUnitId: string;
};

/** The fields of a person that intake compares: the input's names. */
export type IdentityField = 'fullName' | 'birthDate' | 'gender' | 'residenceUnitCode';

/**
 * The gender of a new applicant: the one sent, else the one the CCCD's 4th digit encodes, else
 * unknown (a malformed CCCD is refused by its own rule, which names it).
 */
export function intakeGender(sent: Gender | null | undefined, citizenId: string): Gender {
  if (sent) return sent;
  const digits = digitsOf(citizenId);
  if (digits !== null && /^\d{3}[0-5]\d{8}$/.test(digits)) return genderInCitizenId(digits);
  return 'unknown';
}

/** Names as compared: one system writes NGUYỄN VĂN AN, another Nguyễn Văn An (both already NFC, single-spaced). */
const nameKey = (name: string) => name.toLocaleLowerCase('vi');

/**
 * Whether two birth dates can be the same person's: equal, or the same year where one side knows only
 * the year (the register keeps the year alone for many elderly people; a day sent is not a conflict).
 */
function sameBirth(stored: StoredIdentity, sent: string): boolean {
  if (sent.length === 4 || stored.birthDate === null) return Number(sent.slice(0, 4)) === stored.birthYear;
  return sent === stored.birthDate;
}

/**
 * The fields in which the person the register holds under a CCCD differs from the one sent: a
 * different name, birth date, gender (when sent and known on both sides) or commune of residence. The
 * register is never overwritten from a dossier: any difference is a conflict an official resolves.
 */
export function identityDifferences(stored: StoredIdentity, sent: SentIdentity): IdentityField[] {
  const fields: IdentityField[] = [];
  if (nameKey(stored.fullName) !== nameKey(sent.fullName)) fields.push('fullName');
  if (!sameBirth(stored, sent.birthDate)) fields.push('birthDate');
  if (
    sent.gender !== null &&
    sent.gender !== 'unknown' &&
    stored.gender !== 'unknown' &&
    sent.gender !== stored.gender
  ) {
    fields.push('gender');
  }
  if (stored.residenceUnitId !== sent.residenceUnitId) fields.push('residenceUnitCode');
  return fields;
}

const FIELD_NAMES: Record<IdentityField, string> = {
  fullName: 'họ tên',
  birthDate: 'ngày sinh',
  gender: 'giới tính',
  residenceUnitCode: 'xã/phường nơi cư trú',
};

/** The conflict's message: which details differ, and that nothing was changed. */
export function identityConflictMessage(fields: readonly IdentityField[]): string {
  const named = fields.map((field) => FIELD_NAMES[field]).join(', ');
  return `Số CCCD này đã có trong sổ đối tượng với ${named} khác với hồ sơ gửi đến. Sổ không bị ghi đè theo hồ sơ: hãy kiểm tra lại thông tin người nộp, hoặc đề nghị xã/phường cập nhật sổ trước khi gửi lại.`;
}
