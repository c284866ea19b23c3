import { describe, expect, it } from '@jest/globals';
import { parseBirthDate, validateNewPerson } from './person.rules.ts';

const today = new Date('2026-11-23T05:00:00Z');

describe('parseBirthDate', () => {
  it('reads dd/mm/yyyy, ISO dates and year-only dates', () => {
    expect(parseBirthDate('05/03/1948', today)).toEqual({ birthYear: 1948, birthDate: '1948-03-05' });
    expect(parseBirthDate('1948-03-05', today)).toEqual({ birthYear: 1948, birthDate: '1948-03-05' });
    expect(parseBirthDate(' 1940 ', today)).toEqual({ birthYear: 1940, birthDate: null });
  });

  it('accepts a baby born today in Vietnam while it is still yesterday in UTC', () => {
    expect(parseBirthDate('2026-11-24', new Date('2026-11-23T18:30:00Z'))).toEqual({
      birthYear: 2026,
      birthDate: '2026-11-24',
    });
    expect(parseBirthDate('2026-11-25', new Date('2026-11-23T18:30:00Z'))).toMatchObject({
      field: 'birthDate',
    });
  });

  it('refuses impossible, future and unreadable dates, naming the field', () => {
    expect(parseBirthDate('31/02/1950', today)).toMatchObject({
      field: 'birthDate',
      message: expect.stringContaining('không tồn tại'),
    });
    expect(parseBirthDate('01/01/2027', today)).toMatchObject({
      field: 'birthDate',
      message: expect.stringContaining('tương lai'),
    });
    expect(parseBirthDate('March 1950', today)).toMatchObject({ field: 'birthDate' });
  });
});

describe('validateNewPerson', () => {
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
      { field: 'residenceUnitCode', message: 'Mã xã phải gồm đúng 5 chữ số.' },
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
});
