import { describe, expect, it } from '@jest/globals';
import { birthDayOf, parseBirthDate, parseOldIdNumber, validateNewPerson, yearOf } from './person.rules.ts';

const today = new Date('2026-11-23T05:00:00Z');

describe('parseBirthDate', () => {
  const todayIso = '2026-11-23';

  it.each([
    ['05/03/1948', '1948-03-05'],
    ['5/3/1948', '1948-03-05'],
    ['05-03-1948', '1948-03-05'],
    ['05.03.1948', '1948-03-05'],
    ['1948-03-05', '1948-03-05'],
    ['1948-03-05T00:00:00.000Z', '1948-03-05'],
    ['29/02/1948', '1948-02-29'],
    ['1940', '1940'],
    ['23/11/2026', '2026-11-23'],
  ])('reads %p as %p', (written, stored) => {
    expect(parseBirthDate(written, todayIso)).toBe(stored);
  });

  it('refuses impossible, future, unreadable and empty dates, naming the field', () => {
    expect(parseBirthDate('31/02/1950', todayIso)).toEqual({
      field: 'birthDate',
      message: 'Ngày sinh không tồn tại trên lịch.',
    });
    expect(parseBirthDate('29/02/1900', todayIso)).toMatchObject({
      message: expect.stringContaining('lịch'),
    });
    expect(parseBirthDate('24/11/2026', todayIso)).toMatchObject({
      message: 'Ngày sinh không được ở tương lai.',
    });
    expect(parseBirthDate('2027', todayIso)).toMatchObject({ message: expect.stringContaining('tương lai') });
    expect(parseBirthDate('1850', todayIso)).toMatchObject({ message: 'Năm sinh không hợp lệ.' });
    expect(parseBirthDate('March 1950', todayIso)).toMatchObject({
      field: 'birthDate',
      message: expect.stringContaining('dd/mm/yyyy'),
    });
    expect(parseBirthDate('5/3/48', todayIso)).toMatchObject({ field: 'birthDate' });
    expect(parseBirthDate('05/03-1948', todayIso)).toMatchObject({ field: 'birthDate' });
    expect(parseBirthDate('', todayIso)).toMatchObject({ message: 'Ngày sinh không được để trống.' });
  });

  it('gives the parts of a stored birth date without building strings', () => {
    expect([yearOf('1948-03-05'), birthDayOf('1948-03-05'), yearOf('1940'), birthDayOf('1940')]).toEqual([
      1948,
      '1948-03-05',
      1940,
      null,
    ]);
  });
});

describe('parseOldIdNumber', () => {
  it('takes 9 or 12 digits, separators allowed', () => {
    expect(parseOldIdNumber('183 456 789')).toBe('183456789');
    expect(parseOldIdNumber('183.456.789.012')).toBe('183456789012');
    expect(parseOldIdNumber('1834567')).toMatchObject({ field: 'oldIdNumber' });
    expect(parseOldIdNumber('A12345678')).toMatchObject({ field: 'oldIdNumber' });
  });
});

describe('validateNewPerson', () => {
  it('takes today as it is in Vietnam: a baby born today while it is still yesterday in UTC', () => {
    const lateEvening = new Date('2026-11-23T18:30:00Z');
    const person = { fullName: 'Lê Bé', gender: 'female' as const, residenceUnitCode: '18073' };
    expect(validateNewPerson({ ...person, birthDate: '2026-11-24' }, lateEvening)).toMatchObject({
      person: { birthYear: 2026, birthDate: '2026-11-24' },
    });
    expect(validateNewPerson({ ...person, birthDate: '2026-11-25' }, lateEvening)).toMatchObject({
      problems: [{ field: 'birthDate' }],
    });
  });

  it('normalises the name to NFC with single spaces', () => {
    const decomposed = 'Nguye\u0302\u0303n  Va\u0306n An';
    const result = validateNewPerson(
      { fullName: decomposed, birthDate: '1950', gender: 'male', residenceUnitCode: '18073' },
      today,
    );
    expect(result).toMatchObject({ person: { fullName: 'Nguyễn Văn An', birthYear: 1950, birthDate: null } });
  });

  it('reports every problem at once', () => {
    const result = validateNewPerson(
      {
        fullName: '  ',
        birthDate: '1956',
        gender: 'female',
        citizenId: '042056000123',
        residenceUnitCode: '18073',
      },
      today,
    );
    expect(result).toEqual({
      problems: [
        { field: 'fullName', message: expect.any(String) },
        { field: 'citizenId', message: expect.stringContaining('Giới tính') },
      ],
    });
  });

  const base = {
    fullName: 'Nguyễn Văn An',
    birthDate: '1950',
    gender: 'male' as const,
    residenceUnitCode: '18073',
  };

  it('holds every text to the text policy, naming the field', () => {
    const problemsOf = (change: Record<string, string>) => {
      const result = validateNewPerson({ ...base, ...change }, today);
      return 'problems' in result ? result.problems : [];
    };
    expect(problemsOf({ fullName: 'Nguyễn\u200bVăn An' })).toEqual([
      { field: 'fullName', message: expect.stringContaining('ký tự ẩn') },
    ]);
    expect(problemsOf({ fullName: 'A'.repeat(100_000) })).toEqual([
      { field: 'fullName', message: 'Họ và tên không được dài quá 100 ký tự.' },
    ]);
    expect(problemsOf({ address: 'x'.repeat(1_000_000) })).toEqual([
      { field: 'address', message: 'Địa chỉ không được dài quá 300 ký tự.' },
    ]);
    expect(problemsOf({ fullName: '=HYPERLINK("x")' })).toEqual([
      { field: 'fullName', message: expect.stringContaining('"="') },
    ]);
    expect(problemsOf({ fullName: 'An\u0000' })).toEqual([
      { field: 'fullName', message: 'Họ và tên chứa ký tự điều khiển không hợp lệ.' },
    ]);
    expect(problemsOf({ ethnicityCode: 'x'.repeat(100_000) })).toEqual([
      { field: 'ethnicityCode', message: 'Mã dân tộc không được dài quá 10 ký tự.' },
    ]);
    expect(problemsOf({ residenceUnitCode: '180\u000073' })).toEqual([
      { field: 'residenceUnitCode', message: 'Mã xã chứa ký tự điều khiển không hợp lệ.' },
    ]);
    expect(problemsOf({ residenceUnitCode: '1807' })).toEqual([
      { field: 'residenceUnitCode', message: 'Mã xã "1807" phải gồm đúng 5 chữ số.' },
    ]);
    expect(problemsOf({ phone: '0912\u202e345678' })).toEqual([
      { field: 'phone', message: 'Số điện thoại chứa ký tự đảo chiều văn bản không hợp lệ.' },
    ]);
  });

  it('does not hold stored values to newer rules on an update, only what changes', () => {
    const stored = { ...base, fullName: 'Lê Văn <Thử>', address: 'Thôn\u200b1' };
    expect(validateNewPerson(stored, today, new Set(['fullName', 'address']))).toMatchObject({
      person: { fullName: 'Lê Văn <Thử>', address: 'Thôn\u200b1' },
    });
    expect(validateNewPerson(stored, today, new Set(['address']))).toMatchObject({
      problems: [{ field: 'fullName' }],
    });
  });

  it('keeps stored values as stored, and checks the CCCD again when the birth date or gender changes', () => {
    // Stored under older rules: a phone from before the 2018 renumbering.
    const stored = { ...base, phone: '0123456789', citizenId: '042050000123' };
    const fields = Object.keys({ ...stored, address: null }) as (keyof typeof stored)[];
    const unchangedBut = (changed: string) => new Set(fields.filter((field) => field !== changed));
    expect(validateNewPerson({ ...stored, address: 'Thôn 2' }, today, unchangedBut('address'))).toMatchObject(
      {
        person: { phone: '0123456789', citizenId: '042050000123', address: 'Thôn 2' },
      },
    );
    expect(validateNewPerson({ ...stored, gender: 'female' }, today, unchangedBut('gender'))).toMatchObject({
      problems: [{ field: 'citizenId' }],
    });
    expect(
      validateNewPerson({ ...stored, birthDate: '1951' }, today, unchangedBut('birthDate')),
    ).toMatchObject({
      problems: [{ field: 'citizenId' }],
    });
    expect(validateNewPerson(stored, today, unchangedBut('phone'))).toMatchObject({
      problems: [{ field: 'phone' }],
    });
  });
});
