import { describe, expect, it } from '@jest/globals';
import {
  identityConflictMessage,
  identityDifferences,
  intakeGender,
  type StoredIdentity,
} from './person-intake.rules.ts';

const stored: StoredIdentity = {
  fullName: 'Trần Thị Lan',
  birthYear: 1950,
  birthDate: '1950-03-05',
  gender: 'female',
  residenceUnitId: 'commune-1',
};
const sent = {
  fullName: 'Trần Thị Lan',
  birthDate: '1950-03-05',
  gender: null,
  residenceUnitId: 'commune-1',
};

describe('intakeGender', () => {
  it('takes the gender sent, else the one the CCCD encodes, else unknown', () => {
    expect(intakeGender('male', '042150001234')).toBe('male');
    expect(intakeGender(null, '042150001234')).toBe('female');
    expect(intakeGender(undefined, '042 050 001 234')).toBe('male');
    expect(intakeGender(null, '042350001234')).toBe('female');
    expect(intakeGender(null, '042950001234')).toBe('unknown');
    expect(intakeGender(null, 'not a number')).toBe('unknown');
  });
});

describe('identityDifferences', () => {
  it('finds none for the same person, whatever the case of the name', () => {
    expect(identityDifferences(stored, sent)).toEqual([]);
    expect(identityDifferences(stored, { ...sent, fullName: 'TRẦN THỊ LAN' })).toEqual([]);
  });

  it('takes a year alone on either side as agreeing with a day of that year', () => {
    expect(identityDifferences(stored, { ...sent, birthDate: '1950' })).toEqual([]);
    expect(identityDifferences({ ...stored, birthDate: null }, { ...sent, birthDate: '1950-07-01' })).toEqual(
      [],
    );
    expect(identityDifferences({ ...stored, birthDate: null }, { ...sent, birthDate: '1951-07-01' })).toEqual(
      ['birthDate'],
    );
  });

  it('compares the gender only when sent and known', () => {
    expect(identityDifferences(stored, { ...sent, gender: 'male' })).toEqual(['gender']);
    expect(identityDifferences(stored, { ...sent, gender: 'unknown' })).toEqual([]);
    expect(identityDifferences({ ...stored, gender: 'unknown' }, { ...sent, gender: 'male' })).toEqual([]);
  });

  it('names every field that differs, the commune of residence included', () => {
    expect(
      identityDifferences(stored, {
        fullName: 'Trần Thị Lành',
        birthDate: '1950-03-06',
        gender: 'male',
        residenceUnitId: 'commune-2',
      }),
    ).toEqual(['fullName', 'birthDate', 'gender', 'residenceUnitCode']);
    expect(identityConflictMessage(['fullName', 'birthDate'])).toContain('họ tên, ngày sinh');
  });
});
