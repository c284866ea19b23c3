import { todayInVietnam } from '@ansinh/common/standalone';
import { ETHNICITIES } from '../code-lists/ethnicities.ts';
import { checkCitizenId } from './citizen-id.rule.ts';
import { fieldText, type FieldProblem, type TextField } from '../text/field-text.ts';

export type Gender = 'male' | 'female' | 'unknown';

export type NewPersonInput = {
  fullName: string;
  birthDate: string;
  gender: Gender;
  ethnicityCode?: string | null | undefined;
  citizenId?: string | null | undefined;
  oldIdNumber?: string | null | undefined;
  phone?: string | null | undefined;
  residenceUnitCode: string;
  address?: string | null | undefined;
};

export type NewPerson = {
  fullName: string;
  birthYear: number;
  birthDate: string | null;
  gender: Gender;
  ethnicityCode: string | null;
  citizenId: string | null;
  oldIdNumber: string | null;
  phone: string | null;
  residenceUnitCode: string;
  address: string | null;
};

export type { FieldProblem };

/** A date of birth as officials write it: `dd/mm/yyyy`, ISO `yyyy-mm-dd`, or the year alone. */
export function parseBirthDate(
  value: string,
  today: Date,
): { birthYear: number; birthDate: string | null } | FieldProblem {
  const text = value.trim();
  let year: number;
  let month: number | undefined;
  let day: number | undefined;
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})$/.exec(text))) {
    year = Number(match[1]);
  } else if ((match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text))) {
    [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text))) {
    [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    return {
      field: 'birthDate',
      message: 'Ngày sinh phải có dạng dd/mm/yyyy, yyyy-mm-dd hoặc chỉ năm sinh (yyyy).',
    };
  }
  if (year < 1880) return { field: 'birthDate', message: 'Năm sinh không hợp lệ.' };
  let iso: string | null = null;
  if (month !== undefined && day !== undefined) {
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      return { field: 'birthDate', message: 'Ngày sinh không tồn tại trên lịch.' };
    }
    iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }
  const todayIso = todayInVietnam(today);
  if ((iso ?? `${year}-01-01`) > todayIso)
    return { field: 'birthDate', message: 'Ngày sinh không được ở tương lai.' };
  return { birthYear: year, birthDate: iso };
}

/** A Vietnamese phone number as 10 digits from 0 (`+84 912 345 678` → `0912345678`). */
export function parsePhone(value: string): string | FieldProblem {
  const digits = value.replace(/[\s.\-()]/g, '').replace(/^\+?84(?=\d{9}$)/, '0');
  if (!/^0\d{9}$/.test(digits)) {
    return { field: 'phone', message: 'Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84).' };
  }
  return digits;
}

/** Old CMND: 9 digits (12 for the last series issued before the CCCD). */
export function parseOldIdNumber(value: string): string | FieldProblem {
  const digits = value.replace(/[\s.]/g, '');
  if (!/^(\d{9}|\d{12})$/.test(digits)) {
    return { field: 'oldIdNumber', message: 'Số CMND phải gồm 9 chữ số (hoặc 12 chữ số).' };
  }
  return digits;
}

const UNIT_CODE = /^\d{5}$/;

/**
 * Validates and normalises a new person; returns every problem, each naming its field. Every text goes
 * through the text policy first (length, characters), then its format. `unchanged` lists fields that hold
 * a value already stored (an update): those are not held to rules newer than the record.
 */
export function validateNewPerson(
  input: NewPersonInput,
  today: Date,
  unchanged: ReadonlySet<keyof NewPersonInput> = new Set(),
): { person: NewPerson } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const text = (field: TextField & keyof NewPersonInput, value: string | null | undefined): string | null => {
    if (value === null || value === undefined) return null;
    if (unchanged.has(field)) return value;
    const cleaned = fieldText(field, value);
    if (typeof cleaned === 'string') return cleaned;
    problems.push(cleaned);
    return null;
  };

  const fullName = text('fullName', input.fullName);
  if (fullName === '') problems.push({ field: 'fullName', message: 'Họ và tên không được để trống.' });
  const birthDateText = text('birthDate', input.birthDate);
  const birth = birthDateText === null ? null : parseBirthDate(birthDateText, today);
  if (birth && 'field' in birth) problems.push(birth);
  const citizenId = text('citizenId', input.citizenId)?.replace(/\s+/g, '') || null;
  if (citizenId && birth && !('field' in birth)) {
    const problem = checkCitizenId(citizenId, { gender: input.gender, birthYear: birth.birthYear });
    if (problem) problems.push({ field: 'citizenId', message: problem.message });
  }
  const ethnicityCode = text('ethnicityCode', input.ethnicityCode) || null;
  if (ethnicityCode && !ETHNICITIES.has(ethnicityCode)) {
    problems.push({
      field: 'ethnicityCode',
      message: `Mã dân tộc "${ethnicityCode}" không có trong danh mục.`,
    });
  }
  const oldIdText = text('oldIdNumber', input.oldIdNumber);
  const oldIdNumber = oldIdText ? parseOldIdNumber(oldIdText) : null;
  if (typeof oldIdNumber === 'object' && oldIdNumber) problems.push(oldIdNumber);
  const phoneText = text('phone', input.phone);
  const phone = phoneText ? parsePhone(phoneText) : null;
  if (typeof phone === 'object' && phone) problems.push(phone);
  const residenceUnitCode = text('residenceUnitCode', input.residenceUnitCode);
  if (residenceUnitCode !== null && !UNIT_CODE.test(residenceUnitCode)) {
    problems.push({ field: 'residenceUnitCode', message: 'Mã xã phải gồm đúng 5 chữ số.' });
  }
  const address = text('address', input.address) || null;
  if (problems.length || !birth || 'field' in birth || fullName === null || residenceUnitCode === null) {
    return { problems };
  }
  return {
    person: {
      fullName,
      birthYear: birth.birthYear,
      birthDate: birth.birthDate,
      gender: input.gender,
      ethnicityCode,
      citizenId,
      oldIdNumber: oldIdNumber as string | null,
      phone: phone as string | null,
      residenceUnitCode,
      address,
    },
  };
}
