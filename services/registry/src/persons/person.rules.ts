import { todayInVietnam } from '@ansinh/common/standalone';
import { ETHNICITIES } from '../code-lists/ethnicities.ts';
import { digitsOf } from '../text/digits.ts';
import { fieldText, type FieldProblem, type TextField } from '../text/field-text.ts';
import { parseCitizenId } from './citizen-id.rule.ts';
import type { Gender } from './person.entity.ts';
import { parsePhone } from './phone.rule.ts';

// The rules of a person, for the API (validateNewPerson) and the spreadsheet import
// (imports/person-row.rules.ts) alike: each takes a text already through the text policy and gives
// the value as stored or the problem naming its field. The import adds only the reading of cells.
// Problems of fixed wording are shared objects, so that a bad row of a million builds nothing.

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

const fixed = (field: string, message: string): FieldProblem => Object.freeze({ field, message });

export const FULL_NAME_MISSING = fixed('fullName', 'Họ và tên không được để trống.');
export const BIRTH_DATE_MISSING = fixed('birthDate', 'Ngày sinh không được để trống.');
export const BIRTH_DATE_FORMATS = fixed(
  'birthDate',
  'Ngày sinh phải có dạng dd/mm/yyyy (hoặc dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd hoặc chỉ năm sinh (yyyy).',
);
const BIRTH_YEAR_INVALID = fixed('birthDate', 'Năm sinh không hợp lệ.');
const BIRTH_DATE_NOT_ON_CALENDAR = fixed('birthDate', 'Ngày sinh không tồn tại trên lịch.');
const BIRTH_DATE_IN_FUTURE = fixed('birthDate', 'Ngày sinh không được ở tương lai.');
const OLD_ID_NUMBER_FORMAT = fixed(
  'oldIdNumber',
  'Số CMND phải gồm 9 chữ số (hoặc 12 chữ số với CMND mẫu mới).',
);
export const RESIDENCE_UNIT_CODE_MISSING = fixed('residenceUnitCode', 'Thiếu mã xã nơi cư trú.');

const YEAR_ONLY = /^\d{4}$/;
const DAY_FIRST = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
// A date with a time (a date cell exported as ISO text) is the day it names.
const YEAR_FIRST =
  /^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const TWO_DIGITS = Array.from({ length: 32 }, (_, n) => String(n).padStart(2, '0'));
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const UNIT_CODE = /^\d{5}$/;

/** The year of a `yyyy…` text (a birth date as stored, today in Vietnam), read without building a string. */
export function yearOf(iso: string): number {
  return (
    (iso.charCodeAt(0) - 48) * 1000 +
    (iso.charCodeAt(1) - 48) * 100 +
    (iso.charCodeAt(2) - 48) * 10 +
    (iso.charCodeAt(3) - 48)
  );
}

/** The day of a birth date as stored, or null when only its year is known. */
export const birthDayOf = (birthDate: string): string | null => (birthDate.length === 10 ? birthDate : null);

/**
 * A year of birth alone (many elderly records know no more), as stored: `yyyy`. `todayIso` is today
 * in Vietnam (todayInVietnam), computed once by the caller: it costs more than the rest of a row.
 */
export function birthYearOnly(year: number, todayIso: string): string | FieldProblem {
  if (!Number.isInteger(year) || year < 1880) return BIRTH_YEAR_INVALID;
  if (year > yearOf(todayIso)) return BIRTH_DATE_IN_FUTURE;
  return String(year);
}

/** A day of birth, as stored: `yyyy-mm-dd`, if the calendar has it and it is not after today in Vietnam. */
export function birthDateOfDay(
  year: number,
  month: number,
  day: number,
  todayIso: string,
): string | FieldProblem {
  if (year < 1880) return BIRTH_YEAR_INVALID;
  const leapDay = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! + leapDay) {
    return BIRTH_DATE_NOT_ON_CALENDAR;
  }
  const iso = `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
  return iso > todayIso ? BIRTH_DATE_IN_FUTURE : iso;
}

/**
 * A date of birth as officials write it: `dd/mm/yyyy` (or with `-` or `.`), `yyyy-mm-dd`, or the
 * year alone; as stored (`yyyy-mm-dd`, or `yyyy` for the year alone).
 */
export function parseBirthDate(text: string, todayIso: string): string | FieldProblem {
  if (text === '') return BIRTH_DATE_MISSING;
  if (YEAR_ONLY.test(text)) {
    const year = birthYearOnly(yearOf(text), todayIso);
    return typeof year === 'string' ? text : year;
  }
  let match = DAY_FIRST.exec(text);
  if (match !== null) return birthDateOfDay(Number(match[4]), Number(match[3]), Number(match[1]), todayIso);
  match = YEAR_FIRST.exec(text);
  if (match !== null) return birthDateOfDay(Number(match[1]), Number(match[3]), Number(match[4]), todayIso);
  return BIRTH_DATE_FORMATS;
}

/** Old CMND: 9 digits (12 for the last series issued before the CCCD), separators allowed. */
export function parseOldIdNumber(text: string): string | FieldProblem {
  const digits = digitsOf(text);
  return digits !== null && (digits.length === 9 || digits.length === 12) ? digits : OLD_ID_NUMBER_FORMAT;
}

/** The GSO code of the commune a person lives in: 5 digits. */
export function checkResidenceUnitCode(code: string): FieldProblem | undefined {
  if (code === '') return RESIDENCE_UNIT_CODE_MISSING;
  if (UNIT_CODE.test(code)) return undefined;
  return { field: 'residenceUnitCode', message: `Mã xã "${code}" phải gồm đúng 5 chữ số.` };
}

/** A code of the 54 ethnic groups (danh mục dân tộc). */
export function checkEthnicityCode(code: string): FieldProblem | undefined {
  return ETHNICITIES.has(code)
    ? undefined
    : { field: 'ethnicityCode', message: `Mã dân tộc "${code}" không có trong danh mục.` };
}

/** A person as the entity holds it (a column left null may be undefined). */
type StoredPerson = {
  [Field in keyof NewPerson]: null extends NewPerson[Field] ? NewPerson[Field] | undefined : NewPerson[Field];
};

/** A person as stored, as validateNewPerson takes it: an update checks the stored record merged with its changes. */
export function personInputOf(person: StoredPerson): NewPersonInput {
  return {
    fullName: person.fullName,
    birthDate: person.birthDate ?? String(person.birthYear),
    gender: person.gender,
    ethnicityCode: person.ethnicityCode,
    citizenId: person.citizenId,
    oldIdNumber: person.oldIdNumber,
    phone: person.phone,
    residenceUnitCode: person.residenceUnitCode,
    address: person.address,
  };
}

/**
 * Validates and normalises a person of the API; returns every problem, each naming its field. Every
 * text goes through the text policy first (length, characters), then its rule above. `unchanged` lists
 * fields that hold a value already stored (an update): those are kept as they are, not held to rules
 * newer than the record (a person stored under older rules can still have their address changed);
 * the CCCD is checked again against the birth year and gender when any of the three changes.
 */
export function validateNewPerson(
  input: NewPersonInput,
  today: Date,
  unchanged: ReadonlySet<keyof NewPersonInput> = new Set(),
): { person: NewPerson } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const todayIso = todayInVietnam(today);
  const text = (field: TextField & keyof NewPersonInput, value: string | null | undefined): string | null => {
    if (value === null || value === undefined) return null;
    if (unchanged.has(field)) return value;
    const cleaned = fieldText(field, value);
    if (typeof cleaned === 'string') return cleaned;
    problems.push(cleaned);
    return null;
  };
  /** The value of a field by its rule, or as stored; null with its problem recorded. */
  const checked = (
    field: TextField & keyof NewPersonInput,
    value: string | null,
    rule: (text: string) => string | FieldProblem,
  ): string | null => {
    if (!value || unchanged.has(field)) return value || null;
    const result = rule(value);
    if (typeof result === 'string') return result;
    problems.push(result);
    return null;
  };

  const fullName = text('fullName', input.fullName);
  if (fullName === '') problems.push(FULL_NAME_MISSING);
  const birthDateText = text('birthDate', input.birthDate);
  // Even a stored birth date is read: its year checks a new CCCD.
  const birth = birthDateText === null ? null : parseBirthDate(birthDateText, todayIso);
  if (birth !== null && typeof birth !== 'string') problems.push(birth);
  const birthYear = typeof birth === 'string' ? yearOf(birth) : null;

  const identityUnchanged =
    unchanged.has('citizenId') && unchanged.has('birthDate') && unchanged.has('gender');
  const citizenIdText = text('citizenId', input.citizenId);
  let citizenId: string | null = citizenIdText || null;
  if (citizenId && !identityUnchanged) {
    const result = parseCitizenId(citizenId, input.gender, birthYear);
    if (typeof result === 'string') citizenId = result;
    else problems.push(result);
  }
  const ethnicityCode = checked('ethnicityCode', text('ethnicityCode', input.ethnicityCode), (code) => {
    return checkEthnicityCode(code) ?? code;
  });
  const oldIdNumber = checked('oldIdNumber', text('oldIdNumber', input.oldIdNumber), parseOldIdNumber);
  const phone = checked('phone', text('phone', input.phone), parsePhone);
  const residenceUnitCode = text('residenceUnitCode', input.residenceUnitCode);
  if (residenceUnitCode !== null && !unchanged.has('residenceUnitCode')) {
    const problem = checkResidenceUnitCode(residenceUnitCode);
    if (problem) problems.push(problem);
  }
  const address = text('address', input.address) || null;
  if (problems.length || birthYear === null || fullName === null || residenceUnitCode === null) {
    return { problems };
  }
  return {
    person: {
      fullName,
      birthYear,
      birthDate: birthDayOf(birth as string),
      gender: input.gender,
      ethnicityCode,
      citizenId,
      oldIdNumber,
      phone,
      residenceUnitCode,
      address,
    },
  };
}
