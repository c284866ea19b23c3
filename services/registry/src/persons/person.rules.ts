import { todayInVietnam } from '@ansinh/common/standalone';
import { ETHNICITIES } from '../code-lists/ethnicities.ts';
import { checkCitizenId } from './citizen-id.rule.ts';

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

export type FieldProblem = { field: string; message: string };

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

/** Text as written, NFC, with runs of white space (also non-breaking and zero-width) as one space. */
export function normalizeText(value: string): string {
  return value
    .normalize('NFC')
    .replace(/[\s\u00a0\u200b-\u200d\ufeff]+/g, ' ')
    .trim();
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

/** Validates and normalises a new person; returns every problem, each naming its field. */
export function validateNewPerson(
  input: NewPersonInput,
  today: Date,
): { person: NewPerson } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const fullName = normalizeText(input.fullName);
  if (!fullName) problems.push({ field: 'fullName', message: 'Họ và tên không được để trống.' });
  const birth = parseBirthDate(input.birthDate, today);
  if ('field' in birth) problems.push(birth);
  const citizenId = input.citizenId?.replace(/\s+/g, '') || null;
  if (citizenId && !('field' in birth)) {
    const problem = checkCitizenId(citizenId, { gender: input.gender, birthYear: birth.birthYear });
    if (problem) problems.push({ field: 'citizenId', message: problem.message });
  }
  const ethnicityCode = input.ethnicityCode?.trim() || null;
  if (ethnicityCode && !ETHNICITIES.has(ethnicityCode)) {
    problems.push({
      field: 'ethnicityCode',
      message: `Mã dân tộc "${ethnicityCode}" không có trong danh mục.`,
    });
  }
  const oldIdNumber = input.oldIdNumber?.trim() ? parseOldIdNumber(input.oldIdNumber) : null;
  if (typeof oldIdNumber === 'object' && oldIdNumber) problems.push(oldIdNumber);
  const phone = input.phone?.trim() ? parsePhone(input.phone) : null;
  if (typeof phone === 'object' && phone) problems.push(phone);
  if (problems.length || 'field' in birth) return { problems };
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
      residenceUnitCode: input.residenceUnitCode.trim(),
      address: input.address ? normalizeText(input.address) || null : null,
    },
  };
}
