import { formatDate, GENDER, PERSON_STATUS } from '../format.ts';
import type {
  CreatePersonInput,
  Gender,
  PersonFilter,
  PersonStatus,
  UpdatePersonInput,
} from '../generated/graphql.ts';

// Separators officials type inside ID numbers (`001 090 001 234`, `001.090.001.234`).
const ID_SEPARATORS = /[\s.-]/g;
const DIGITS = /^\d+$/;

const isPersonStatus = (code: string): code is PersonStatus => Object.hasOwn(PERSON_STATUS, code);
const isGender = (code: string): code is Gender => Object.hasOwn(GENDER, code);

/**
 * The search box and the status filter as the API's filter: digits alone are a CCCD (12) or an old
 * CMND (9), anything else words of a name (the API folds accents). Digits of another length are still
 * sent as an ID number, so that the API's refusal says what an ID number looks like rather than
 * finding no one by name.
 */
export function personFilterOf(text: string, status: string): PersonFilter {
  const filter: PersonFilter = {};
  const trimmed = text.trim();
  const digits = trimmed.replace(ID_SEPARATORS, '');
  if (DIGITS.test(digits)) filter.idNumber = digits;
  else if (trimmed !== '') filter.name = trimmed;
  if (isPersonStatus(status)) filter.status = status;
  return filter;
}

/** What the person form holds: the text of each control, as typed. */
export type PersonFormValues = {
  fullName: string;
  birthDate: string;
  gender: string;
  ethnicityCode: string;
  citizenId: string;
  oldIdNumber: string;
  phone: string;
  residenceUnitCode: string;
  address: string;
};

/** The form's fields, named as the API's inputs name them (a refusal's `extensions.field`). */
export const PERSON_FIELDS: readonly (keyof PersonFormValues)[] = [
  'fullName',
  'birthDate',
  'gender',
  'ethnicityCode',
  'citizenId',
  'oldIdNumber',
  'phone',
  'residenceUnitCode',
  'address',
];

export const emptyPersonForm = (residenceUnitCode: string): PersonFormValues => ({
  fullName: '',
  birthDate: '',
  gender: '',
  ethnicityCode: '',
  citizenId: '',
  oldIdNumber: '',
  phone: '',
  residenceUnitCode,
  address: '',
});

/** A person as the graph answers it; a field the role may not read is null. */
export type StoredPerson = {
  fullName: string | null;
  birthDate: string | null;
  gender: string;
  ethnicity: { code: string } | null;
  citizenId: string | null;
  oldIdNumber: string | null;
  phone: string | null;
  residenceUnitCode: string;
  address: string | null;
};

/** The form of a stored person: the birth date as officials write it (dd/mm/yyyy, or the year alone). */
export const personFormOf = (person: StoredPerson): PersonFormValues => ({
  fullName: person.fullName ?? '',
  birthDate: formatDate(person.birthDate),
  gender: person.gender,
  ethnicityCode: person.ethnicity?.code ?? '',
  citizenId: person.citizenId ?? '',
  oldIdNumber: person.oldIdNumber ?? '',
  phone: person.phone ?? '',
  residenceUnitCode: person.residenceUnitCode,
  address: person.address ?? '',
});

/** A refusal of the form itself, at the field it names (as the graph's refusals are). */
export type FieldProblem = { field: keyof PersonFormValues; message: string };

const GENDER_MISSING: FieldProblem = { field: 'gender', message: 'Hãy chọn giới tính.' };

const orNull = (text: string): string | null => text.trim() || null;

/** The values of a new person as createPerson takes them: empty optional fields are null. */
export function createPersonInputOf(values: PersonFormValues): CreatePersonInput | FieldProblem {
  if (!isGender(values.gender)) return GENDER_MISSING;
  return {
    fullName: values.fullName.trim(),
    birthDate: values.birthDate.trim(),
    gender: values.gender,
    ethnicityCode: orNull(values.ethnicityCode),
    citizenId: orNull(values.citizenId),
    oldIdNumber: orNull(values.oldIdNumber),
    phone: orNull(values.phone),
    residenceUnitCode: values.residenceUnitCode.trim(),
    address: orNull(values.address),
  };
}

/**
 * The changes of an edited person as updatePerson takes them: only the fields that differ from the
 * stored person, because a field sent as null is cleared, and a field the role may not read comes to
 * the form empty and must stay as stored. An emptied optional field is null (cleared); an emptied
 * required one is sent empty, for the API to say it is required.
 */
export function updatePersonInputOf(
  stored: PersonFormValues,
  values: PersonFormValues,
): UpdatePersonInput | FieldProblem {
  const changed = (field: keyof PersonFormValues) => values[field].trim() !== stored[field].trim();
  const input: UpdatePersonInput = {};
  if (changed('fullName')) input.fullName = values.fullName.trim();
  if (changed('birthDate')) input.birthDate = values.birthDate.trim();
  if (changed('gender')) {
    if (!isGender(values.gender)) return GENDER_MISSING;
    input.gender = values.gender;
  }
  if (changed('ethnicityCode')) input.ethnicityCode = orNull(values.ethnicityCode);
  if (changed('citizenId')) input.citizenId = orNull(values.citizenId);
  if (changed('oldIdNumber')) input.oldIdNumber = orNull(values.oldIdNumber);
  if (changed('phone')) input.phone = orNull(values.phone);
  if (changed('residenceUnitCode')) input.residenceUnitCode = values.residenceUnitCode.trim();
  if (changed('address')) input.address = orNull(values.address);
  return input;
}

export const isFieldProblem = (value: object): value is FieldProblem =>
  'field' in value && 'message' in value;
