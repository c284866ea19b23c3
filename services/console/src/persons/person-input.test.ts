import { describe, expect, it } from '@jest/globals';
import {
  createPersonInputOf,
  emptyPersonForm,
  isFieldProblem,
  personFilterOf,
  personFormOf,
  updatePersonInputOf,
  type PersonFormValues,
} from './person-input.ts';

describe('personFilterOf', () => {
  it('sends a 12-digit CCCD or a 9-digit CMND as an ID number, separators removed', () => {
    expect(personFilterOf(' 001090001234 ', '')).toEqual({ idNumber: '001090001234' });
    expect(personFilterOf('001 090 001 234', '')).toEqual({ idNumber: '001090001234' });
    expect(personFilterOf('123.456.789', '')).toEqual({ idNumber: '123456789' });
  });

  it('sends digits of another length as an ID number too, for the API to say what one looks like', () => {
    expect(personFilterOf('12345', '')).toEqual({ idNumber: '12345' });
  });

  it('sends any other text as words of a name, accents as typed', () => {
    expect(personFilterOf('  nguyen van an ', '')).toEqual({ name: 'nguyen van an' });
    expect(personFilterOf('Nguyễn Văn An 2', '')).toEqual({ name: 'Nguyễn Văn An 2' });
  });

  it('adds a known status and ignores an unknown one', () => {
    expect(personFilterOf('', 'DECEASED')).toEqual({ status: 'DECEASED' });
    expect(personFilterOf('an', 'toString')).toEqual({ name: 'an' });
    expect(personFilterOf('', '')).toEqual({});
  });
});

const filled: PersonFormValues = {
  fullName: ' Nguyễn Văn An ',
  birthDate: '05/03/1950',
  gender: 'MALE',
  ethnicityCode: '01',
  citizenId: '',
  oldIdNumber: ' ',
  phone: '0912345678',
  residenceUnitCode: '26734',
  address: '',
};

describe('createPersonInputOf', () => {
  it('trims the values and sends empty optional fields as null', () => {
    expect(createPersonInputOf(filled)).toEqual({
      fullName: 'Nguyễn Văn An',
      birthDate: '05/03/1950',
      gender: 'MALE',
      ethnicityCode: '01',
      citizenId: null,
      oldIdNumber: null,
      phone: '0912345678',
      residenceUnitCode: '26734',
      address: null,
    });
  });

  it('refuses a form without a gender at its field', () => {
    const answer = createPersonInputOf(emptyPersonForm('26734'));
    expect(isFieldProblem(answer)).toBe(true);
    expect(answer).toEqual({ field: 'gender', message: 'Hãy chọn giới tính.' });
  });
});

describe('personFormOf', () => {
  const hidden = {
    fullName: null,
    birthDate: null,
    gender: 'FEMALE',
    ethnicity: null,
    citizenId: null,
    oldIdNumber: null,
    phone: null,
    residenceUnitCode: '26734',
    address: null,
  };

  it('shows fields the role may not read as empty', () => {
    expect(personFormOf(hidden)).toEqual({ ...emptyPersonForm('26734'), gender: 'FEMALE' });
  });

  it('writes the birth date as officials do, or the year alone when only it is known', () => {
    expect(personFormOf({ ...hidden, birthDate: '1950-03-05' }).birthDate).toBe('05/03/1950');
    expect(personFormOf({ ...hidden, birthDate: '1950' }).birthDate).toBe('1950');
  });
});

describe('updatePersonInputOf', () => {
  const stored = personFormOf({
    fullName: 'Nguyễn Văn An',
    birthDate: '1950-03-05',
    gender: 'MALE',
    ethnicity: { code: '01' },
    citizenId: '001050001234',
    oldIdNumber: null,
    phone: null,
    residenceUnitCode: '26734',
    address: 'Thôn 1',
  });

  it('sends nothing when nothing changed, whatever the spaces around the text', () => {
    expect(updatePersonInputOf(stored, { ...stored, fullName: 'Nguyễn Văn An ' })).toEqual({});
  });

  it('sends only the changed fields, so that a field the role could not read stays as stored', () => {
    expect(updatePersonInputOf(stored, { ...stored, phone: '0912345678', gender: 'FEMALE' })).toEqual({
      phone: '0912345678',
      gender: 'FEMALE',
    });
  });

  it('clears an emptied optional field and sends an emptied required one empty, for the API to refuse', () => {
    expect(updatePersonInputOf(stored, { ...stored, address: ' ', fullName: '' })).toEqual({
      address: null,
      fullName: '',
    });
  });

  it('refuses a gender unset', () => {
    expect(updatePersonInputOf(stored, { ...stored, gender: '' })).toEqual({
      field: 'gender',
      message: 'Hãy chọn giới tính.',
    });
  });
});
