import { todayInVietnam } from '@ansinh/common';
import { checkCitizenId } from './citizen-id.rule.ts';

export type Gender = 'male' | 'female' | 'unknown';

export type NewPersonInput = {
  fullName: string;
  birthDate: string;
  gender: Gender;
  citizenId?: string | null | undefined;
  residenceUnitCode: string;
  address?: string | null | undefined;
};

export type NewPerson = {
  fullName: string;
  birthYear: number;
  birthDate: string | null;
  gender: Gender;
  citizenId: string | null;
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

/** Validates and normalises a new person; returns every problem, each naming its field. */
export function validateNewPerson(
  input: NewPersonInput,
  today: Date,
): { person: NewPerson } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const fullName = input.fullName.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!fullName) problems.push({ field: 'fullName', message: 'Họ và tên không được để trống.' });
  const birth = parseBirthDate(input.birthDate, today);
  if ('field' in birth) problems.push(birth);
  const citizenId = input.citizenId?.replace(/\s+/g, '') || null;
  if (citizenId && !('field' in birth)) {
    const problem = checkCitizenId(citizenId, { gender: input.gender, birthYear: birth.birthYear });
    if (problem) problems.push({ field: 'citizenId', message: problem.message });
  }
  if (problems.length || 'field' in birth) return { problems };
  return {
    person: {
      fullName,
      birthYear: birth.birthYear,
      birthDate: birth.birthDate,
      gender: input.gender,
      citizenId,
      residenceUnitCode: input.residenceUnitCode.trim(),
      address: input.address?.normalize('NFC').trim() || null,
    },
  };
}
