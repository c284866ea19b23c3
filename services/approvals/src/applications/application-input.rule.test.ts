import { describe, expect, it } from '@jest/globals';
import {
  checkDocuments,
  checkExternalCode,
  checkFiledOn,
  checkMemberCount,
  checkReason,
} from './application-input.rule.ts';

const WINDOW = {
  categoryFrom: '2021-07',
  categoryTo: null,
  programFrom: '2021-07',
  programTo: null,
  unitValidFrom: '2025-07-01',
};

describe('checkFiledOn', () => {
  const today = '2026-03-02';

  it('takes a past day of a month the category takes dossiers in', () => {
    expect(checkFiledOn('2026-03-02', today, WINDOW)).toBe('2026-03-02');
  });

  it.each([
    ['2026-03-03', /tương lai/],
    ['02/03/2026', /YYYY-MM-DD/],
    ['2026-02-30', /YYYY-MM-DD/],
    ['2025-06-30', /bắt đầu hoạt động \(01\/07\/2025\)/],
  ])('refuses %p', (filedOn, message) => {
    expect(() => checkFiledOn(filedOn, today, WINDOW)).toThrow(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        field: 'filedOn',
        message: expect.stringMatching(message),
      }),
    );
  });

  it('refuses a month before the category opens or after it closes', () => {
    expect(() => checkFiledOn('2026-01-15', today, { ...WINDOW, categoryFrom: '2026-02' })).toThrow(
      /từ tháng 02\/2026/,
    );
    expect(() =>
      checkFiledOn('2025-07-15', today, { ...WINDOW, categoryTo: '2025-06', unitValidFrom: null }),
    ).toThrow(/sau tháng 06\/2025/);
    expect(() => checkFiledOn('2026-01-15', today, { ...WINDOW, programFrom: '2026-02' })).toThrow(
      /từ tháng 02\/2026/,
    );
  });
});

describe('checkDocuments', () => {
  const today = '2026-03-02';

  it('keeps bounded, cleaned metadata', () => {
    expect(
      checkDocuments(
        [
          {
            kind: 'citizen_id',
            name: '  Căn cước   công dân ',
            number: '042150001234',
            issuedOn: '2021-05-01',
          },
        ],
        today,
      ),
    ).toEqual([
      { kind: 'citizen_id', name: 'Căn cước công dân', number: '042150001234', issuedOn: '2021-05-01' },
    ]);
  });

  it('refuses more than 20, an unknown kind, an empty name, markup, a future date', () => {
    const document = { kind: 'other' as const, name: 'Giấy' };
    expect(() =>
      checkDocuments(
        Array.from({ length: 21 }, () => document),
        today,
      ),
    ).toThrow(expect.objectContaining({ field: 'documents' }));
    expect(() => checkDocuments([{ ...document, kind: 'x' as never }], today)).toThrow(
      expect.objectContaining({ field: 'documents.0.kind' }),
    );
    expect(() => checkDocuments([{ ...document, name: ' ' }], today)).toThrow(
      expect.objectContaining({ field: 'documents.0.name' }),
    );
    expect(() => checkDocuments([{ ...document, name: '<script>' }], today)).toThrow(
      expect.objectContaining({ field: 'documents.0.name' }),
    );
    expect(() => checkDocuments([{ ...document, issuedOn: '2026-03-03' }], today)).toThrow(
      expect.objectContaining({ field: 'documents.0.issuedOn' }),
    );
  });
});

describe('other inputs', () => {
  it('needs a reason, a code, and a member count the category counts', () => {
    expect(() => checkReason('')).toThrow(
      expect.objectContaining({ field: 'reason', message: 'Cần ghi lý do.' }),
    );
    expect(checkReason(' Thiếu  tờ khai ')).toBe('Thiếu tờ khai');
    expect(() => checkExternalCode('=HYPERLINK()')).toThrow(
      expect.objectContaining({ field: 'externalDossierCode' }),
    );
    expect(checkExternalCode('000.00.21.H23-250701-0001')).toBe('000.00.21.H23-250701-0001');
    expect(checkMemberCount(undefined, false)).toBe(1);
    expect(checkMemberCount(3, true)).toBe(3);
    expect(() => checkMemberCount(3, false)).toThrow(expect.objectContaining({ field: 'memberCount' }));
    expect(() => checkMemberCount(21, true)).toThrow(expect.objectContaining({ field: 'memberCount' }));
  });
});
