import { describe, expect, it } from '@jest/globals';
import { AppError } from '@ansinh/common';
import {
  canonicalBirthDate,
  checkBatchSize,
  contentDifferences,
  intakeFieldOf,
  readSubmission,
  type IntakeDossierInput,
} from './intake-input.rule.ts';

const CLIENT = 'ansinh-sync-42';
const today = '2026-12-03';

const input = (changes: Partial<IntakeDossierInput> = {}): IntakeDossierInput => ({
  source: CLIENT,
  externalCode: 'HT-2026-000123',
  communeCode: '18073',
  applicant: { citizenId: '042150001234', fullName: 'Trần Thị Lan', birthDate: '05/03/1950' },
  categoryCode: '5.5.a',
  filedOn: '2026-12-01',
  documents: [
    { kind: 'declaration', name: 'Tờ khai Mẫu số 1a' },
    { kind: 'citizen_id', name: 'Căn cước công dân', number: '042150001234', issuedOn: '2021-05-01' },
  ],
  ...changes,
});

function refusal(read: () => unknown): { code: string; field: string | undefined; message: string } {
  try {
    read();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

describe('readSubmission', () => {
  it('reads a dossier into its canonical content', () => {
    const submission = readSubmission(input(), CLIENT, today);
    expect(submission.externalCode).toBe('HT-2026-000123');
    expect(submission.content).toEqual({
      communeCode: '18073',
      categoryCode: '5.5.a',
      filedOn: '2026-12-01',
      memberCount: 1,
      applicant: {
        citizenId: '042150001234',
        fullName: 'Trần Thị Lan',
        birthDate: '1950-03-05',
        gender: null,
        ethnicityCode: null,
        phone: null,
        address: null,
      },
      documents: [
        { kind: 'citizen_id', name: 'Căn cước công dân', number: '042150001234', issuedOn: '2021-05-01' },
        { kind: 'declaration', name: 'Tờ khai Mẫu số 1a', number: null, issuedOn: null },
      ],
    });
    // As filed: in the order sent.
    expect(submission.documents.map((document) => document.kind)).toEqual(['declaration', 'citizen_id']);
  });

  it('gives the same content for the same dossier written differently', () => {
    const first = readSubmission(input(), CLIENT, today).content;
    const again = readSubmission(
      input({
        applicant: {
          citizenId: '042 150 001.234',
          fullName: '  Trần   Thị Lan ',
          birthDate: '1950-3-5',
          address: '',
        },
        documents: [...input().documents!].reverse(),
      }),
      CLIENT,
      today,
    ).content;
    expect(contentDifferences(first, again)).toEqual([]);
  });

  it.each<[string, Partial<IntakeDossierInput>, string, string]>([
    ['another system’s source', { source: 'ansinh-sync-01' }, 'source', 'BAD_USER_INPUT'],
    ['an empty code', { externalCode: '  ' }, 'externalCode', 'BAD_USER_INPUT'],
    ['a code with markup', { externalCode: 'HT<1>' }, 'externalCode', 'BAD_USER_INPUT'],
    ['a code too long', { externalCode: 'x'.repeat(51) }, 'externalCode', 'BAD_USER_INPUT'],
    ['a commune code of 4 digits', { communeCode: '1807' }, 'communeCode', 'BAD_USER_INPUT'],
    ['no category', { categoryCode: '' }, 'categoryCode', 'BAD_USER_INPUT'],
    ['a filing day in the future', { filedOn: '2026-12-04' }, 'filedOn', 'BAD_USER_INPUT'],
    ['a filing day not on the calendar', { filedOn: '2026-02-30' }, 'filedOn', 'BAD_USER_INPUT'],
    ['no members', { memberCount: 0 }, 'memberCount', 'BAD_USER_INPUT'],
    ['too many members', { memberCount: 21 }, 'memberCount', 'BAD_USER_INPUT'],
  ])('refuses %s, naming the field', (_case, changes, field, code) => {
    expect(refusal(() => readSubmission(input(changes), CLIENT, today))).toMatchObject({ code, field });
  });

  it.each<[string, Partial<IntakeDossierInput['applicant']>, string]>([
    ['a CCCD of 11 digits', { citizenId: '04215000123' }, 'applicant.citizenId'],
    ['a CCCD with letters', { citizenId: '04215000123A' }, 'applicant.citizenId'],
    ['an empty name', { fullName: ' ' }, 'applicant.fullName'],
    ['a name with digits of markup', { fullName: 'Lan <b>' }, 'applicant.fullName'],
    ['a birth date in words', { birthDate: 'March 1950' }, 'applicant.birthDate'],
    ['an address too long', { address: 'x'.repeat(301) }, 'applicant.address'],
  ])('refuses an applicant with %s', (_case, changes, field) => {
    const applicant = { ...input().applicant, ...changes };
    expect(refusal(() => readSubmission(input({ applicant }), CLIENT, today))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field,
    });
  });

  it('names a bad document by its place in the list', () => {
    const documents = [
      { kind: 'declaration' as const, name: 'Tờ khai' },
      { kind: 'other' as const, name: 'Giấy xác nhận', issuedOn: '2027-01-01' },
    ];
    expect(refusal(() => readSubmission(input({ documents }), CLIENT, today))).toMatchObject({
      field: 'documents[1].issuedOn',
    });
    const many = Array.from({ length: 21 }, () => ({ kind: 'other' as const, name: 'Giấy' }));
    expect(refusal(() => readSubmission(input({ documents: many }), CLIENT, today))).toMatchObject({
      field: 'documents',
    });
  });
});

describe('contentDifferences', () => {
  const stored = readSubmission(input(), CLIENT, today).content;

  it('lists every field that differs, as field paths', () => {
    const sent = readSubmission(
      input({
        categoryCode: '5.6.a',
        applicant: { ...input().applicant, fullName: 'Trần Thị Lành', phone: '0912345678' },
        documents: [{ kind: 'declaration', name: 'Tờ khai Mẫu số 1a' }],
      }),
      CLIENT,
      today,
    ).content;
    expect(contentDifferences(stored, sent)).toEqual([
      'categoryCode',
      'applicant.fullName',
      'applicant.phone',
      'documents',
    ]);
  });

  it('compares only what an older dossier holds', () => {
    const older = {
      categoryCode: '5.5.a',
      filedOn: '2026-12-01',
      memberCount: 1,
      documents: stored.documents,
    };
    const sent = readSubmission(
      input({ applicant: { ...input().applicant, fullName: 'Người Khác' } }),
      CLIENT,
      today,
    ).content;
    expect(contentDifferences(older, sent)).toEqual([]);
    expect(contentDifferences(older, { ...sent, filedOn: '2026-11-30' })).toEqual(['filedOn']);
  });
});

describe('helpers', () => {
  it('turns the application rules’ field names into the intake’s', () => {
    expect(intakeFieldOf('externalDossierCode')).toBe('externalCode');
    expect(intakeFieldOf('documents.12.name')).toBe('documents[12].name');
    expect(intakeFieldOf('documents')).toBe('documents');
    expect(intakeFieldOf('categoryId')).toBe('categoryCode');
  });

  it('writes birth dates one way', () => {
    expect(canonicalBirthDate('5/3/1950')).toBe('1950-03-05');
    expect(canonicalBirthDate('05.03.1950')).toBe('1950-03-05');
    expect(canonicalBirthDate('1950-03-05')).toBe('1950-03-05');
    expect(canonicalBirthDate('1950')).toBe('1950');
  });

  it('takes 1 to 1,000 dossiers a call', () => {
    expect(() => checkBatchSize(1)).not.toThrow();
    expect(() => checkBatchSize(1000)).not.toThrow();
    expect(refusal(() => checkBatchSize(0))).toMatchObject({ field: 'inputs' });
    expect(refusal(() => checkBatchSize(1001))).toMatchObject({
      field: 'inputs',
      message: expect.stringContaining('1.001'),
    });
  });
});
