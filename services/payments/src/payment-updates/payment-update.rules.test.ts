import { describe, expect, it } from '@jest/globals';
import {
  checkAgainstLine,
  checkUpdates,
  cutOffOf,
  isDay,
  isLate,
  localDayOf,
  parseInstant,
  refusalCode,
  refusalMessage,
  requestHash,
  type CheckedUpdate,
  type LineFacts,
  type UpdateInput,
} from './payment-update.rules.ts';

const LINE = '0b5c3a52-8a3e-4d0c-9a57-0d3f0a1b2c3d';
const OTHER = '1c6d4b63-9b4f-4e1d-8b68-1e4f1b2c3d4e';
/** 2 December 2026, 10:00 in Vietnam. */
const NOW = new Date('2026-12-02T10:00:00+07:00');

const paid = (overrides: Partial<UpdateInput> = {}): UpdateInput => ({
  lineId: LINE,
  expectedVersion: 1,
  status: 'paid',
  paidAt: '2026-12-02T09:15:00+07:00',
  receiver: 'person',
  ...overrides,
});

describe('the 17:30 cut-off', () => {
  it('is 17:30 Asia/Ho_Chi_Minh of the day (10:30 UTC)', () => {
    expect(cutOffOf('2026-12-02').toISOString()).toBe('2026-12-02T10:30:00.000Z');
  });

  it('is not late at 17:29:59 local, late from 17:30:00', () => {
    expect(isLate('2026-12-02', new Date('2026-12-02T17:29:59+07:00'))).toBe(false);
    expect(isLate('2026-12-02', new Date('2026-12-02T17:29:59.999+07:00'))).toBe(false);
    expect(isLate('2026-12-02', new Date('2026-12-02T17:30:00+07:00'))).toBe(true);
    expect(isLate('2026-12-02', new Date('2026-12-02T23:59:59+07:00'))).toBe(true);
  });

  it('makes an update for the previous day late, whatever the hour today', () => {
    expect(isLate('2026-12-01', new Date('2026-12-02T00:00:01+07:00'))).toBe(true);
    expect(isLate('2026-12-01', new Date('2026-12-02T08:00:00+07:00'))).toBe(true);
  });

  it('goes by the local day, not the UTC one', () => {
    // 2 December 00:30 in Vietnam is still 1 December in UTC.
    const earlyMorning = new Date('2026-12-01T17:30:00Z');
    expect(localDayOf(earlyMorning)).toBe('2026-12-02');
    expect(isLate('2026-12-02', earlyMorning)).toBe(false);
    // 1 December 23:00 UTC is 2 December 06:00 in Vietnam: the 1st is late, the 2nd is not.
    const utcEvening = new Date('2026-12-01T23:00:00Z');
    expect(isLate('2026-12-01', utcEvening)).toBe(true);
    expect(isLate('2026-12-02', utcEvening)).toBe(false);
    // 10:29:59 UTC is 17:29:59 local; 10:30 UTC is the cut-off.
    expect(isLate('2026-12-02', new Date('2026-12-02T10:29:59Z'))).toBe(false);
    expect(isLate('2026-12-02', new Date('2026-12-02T10:30:00Z'))).toBe(true);
  });
});

describe('days and instants', () => {
  it('accepts real calendar days only', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('2026-1-01')).toBe(false);
  });

  it('accepts an ISO 8601 instant with its offset only', () => {
    expect(parseInstant('2026-12-02T09:15:00+07:00')?.toISOString()).toBe('2026-12-02T02:15:00.000Z');
    expect(parseInstant('2026-12-02T02:15Z')?.toISOString()).toBe('2026-12-02T02:15:00.000Z');
    expect(parseInstant('2026-12-02T09:15:00')).toBeUndefined();
    expect(parseInstant('2026-02-30T09:15:00+07:00')).toBeUndefined();
    expect(parseInstant('02/12/2026 09:15')).toBeUndefined();
  });
});

describe('checking updates as entered', () => {
  it('dates a paid update by the local day of paidAt and an unpaid one today', () => {
    const { checked, problems } = checkUpdates(
      [
        paid({ paidAt: '2026-12-01T17:45:00Z' }), // 2 December 00:45 local
        { lineId: OTHER, expectedVersion: 3, status: 'unreachable', note: '  đi  vắng ' },
      ],
      NOW,
    );
    expect(problems).toEqual([]);
    expect(checked[0]).toMatchObject({ forDate: '2026-12-02', late: false, receiver: 'person' });
    expect(checked[1]).toMatchObject({
      forDate: '2026-12-02',
      paidAt: null,
      receiver: null,
      note: 'đi vắng',
    });
  });

  it('marks late an update for an earlier day (a payment made yesterday, recorded today)', () => {
    const { checked } = checkUpdates(
      [
        paid({ paidAt: '2026-12-01T16:00:00+07:00' }),
        { lineId: OTHER, expectedVersion: 1, status: 'unpaid', forDate: '2026-12-01' },
      ],
      NOW,
    );
    expect(checked.map((update) => [update.forDate, update.late])).toEqual([
      ['2026-12-01', true],
      ['2026-12-01', true],
    ]);
  });

  it('refuses a paid time in the future, a future day, and fields a status does not take', () => {
    const { checked, problems } = checkUpdates(
      [
        paid({ paidAt: '2026-12-02T10:00:01+07:00' }),
        {
          lineId: OTHER,
          expectedVersion: 1,
          status: 'unpaid',
          forDate: '2026-12-03',
          paidAt: '2026-12-02T08:00:00+07:00',
          receiver: 'person',
        },
      ],
      NOW,
    );
    expect(checked).toEqual([]);
    expect(problems.map((problem) => [problem.index, problem.field])).toEqual([
      [0, 'updates.0.paidAt'],
      [1, 'updates.1.paidAt'],
      [1, 'updates.1.receiver'],
      [1, 'updates.1.forDate'],
    ]);
    expect(problems[0]!.message).toBe('Thời điểm chi trả không được ở tương lai.');
  });

  it('needs paidAt and receiver for PAID, a name for an authorised receiver, and takes a paid time exactly now', () => {
    const { checked, problems } = checkUpdates(
      [
        { lineId: LINE, expectedVersion: 1, status: 'paid' },
        paid({ lineId: OTHER, receiver: 'authorised', paidAt: NOW.toISOString() }),
      ],
      NOW,
    );
    expect(checked).toEqual([]);
    expect(problems.map((problem) => problem.field)).toEqual([
      'updates.0.paidAt',
      'updates.0.receiver',
      'updates.1.receiverName',
    ]);
  });

  it('cleans and bounds texts: receiver name, reference, note', () => {
    const { checked, problems } = checkUpdates(
      [
        paid({
          receiver: 'authorised',
          receiverName: " H'Hen  Niê ",
          reference: 'PC-12/2026',
          note: 'Nhận thay\n mẹ',
        }),
        paid({
          lineId: OTHER,
          receiver: 'authorised',
          receiverName: '=HYPERLINK("x")',
          reference: 'a'.repeat(101),
          note: 'x'.repeat(501),
        }),
      ],
      NOW,
    );
    expect(checked[0]).toMatchObject({
      receiverName: "H'Hen Niê",
      reference: 'PC-12/2026',
      note: 'Nhận thay\nmẹ',
    });
    expect(problems.map((problem) => problem.field)).toEqual([
      'updates.1.receiverName',
      'updates.1.reference',
      'updates.1.note',
    ]);
  });

  it('refuses a receiver name for the person themself, a malformed id, a line twice, a version below 1', () => {
    const { problems } = checkUpdates(
      [
        paid({ receiverName: 'Nguyễn Văn A' }),
        paid({ lineId: 'not-a-uuid' }),
        paid({ lineId: LINE.toUpperCase(), expectedVersion: 0 }),
      ],
      NOW,
    );
    expect(problems.map((problem) => [problem.field, problem.code])).toEqual([
      ['updates.0.receiverName', 'BAD_USER_INPUT'],
      ['updates.1.lineId', 'BAD_USER_INPUT'],
      ['updates.2.lineId', 'BAD_USER_INPUT'],
      ['updates.2.expectedVersion', 'BAD_USER_INPUT'],
    ]);
    expect(problems[2]!.message).toContain('dòng thứ 1');
    // A malformed id is not echoed back.
    expect(problems[1]!.lineId).toBeNull();
    expect(problems[2]!.lineId).toBe(LINE);
  });
});

describe('checking an update against its line', () => {
  const update = (overrides: Partial<CheckedUpdate> = {}): CheckedUpdate => ({
    index: 4,
    lineId: LINE,
    expectedVersion: 2,
    status: 'paid',
    paidAt: new Date('2026-12-02T09:15:00+07:00'),
    forDate: '2026-12-02',
    receiver: 'person',
    receiverName: null,
    reference: null,
    note: null,
    late: false,
    ...overrides,
  });
  const line = (overrides: Partial<LineFacts> = {}): LineFacts => ({
    id: LINE,
    month: '2026-12',
    listState: 'paying',
    status: 'pending',
    holdReason: null,
    version: 2,
    paidAt: null,
    updatedAt: null,
    updatedBy: null,
    unitCode: '18073',
    writable: true,
    ...overrides,
  });

  it('accepts a line of the caller, in a list approved or paying, at the version read', () => {
    expect(checkAgainstLine(update(), line())).toBeUndefined();
    expect(checkAgainstLine(update(), line({ listState: 'approved' }))).toBeUndefined();
  });

  it('says NOT_FOUND for a line the caller does not read, BAD_USER_INPUT for one of another commune', () => {
    expect(checkAgainstLine(update(), undefined)).toMatchObject({
      code: 'NOT_FOUND',
      field: 'updates.4.lineId',
    });
    const other = checkAgainstLine(update(), line({ writable: false, unitCode: '18262' }));
    expect(other).toMatchObject({ code: 'BAD_USER_INPUT', field: 'updates.4.lineId' });
    expect(other!.message).toContain('18262');
  });

  it('refuses a draft or closed list, and a held line', () => {
    expect(checkAgainstLine(update(), line({ listState: 'draft' }))!.message).toContain('đang lập');
    expect(checkAgainstLine(update(), line({ listState: 'closed' }))!.message).toContain('đã đóng');
    expect(
      checkAgainstLine(update(), line({ status: 'held', holdReason: 'Cảnh báo trùng' }))!.message,
    ).toContain('Cảnh báo trùng');
  });

  it('answers a version mismatch with CONFLICT and the current state', () => {
    const problem = checkAgainstLine(
      update(),
      line({
        version: 3,
        status: 'paid',
        paidAt: '2026-12-02T01:00:00.000Z',
        updatedAt: '2026-12-02T01:05:00.000Z',
        updatedBy: 'ketoan.18073',
      }),
    );
    expect(problem).toMatchObject({
      code: 'CONFLICT',
      field: 'updates.4.expectedVersion',
      current: {
        status: 'paid',
        version: 3,
        paidAt: '2026-12-02T01:00:00.000Z',
        updatedAt: '2026-12-02T01:05:00.000Z',
        updatedBy: 'ketoan.18073',
      },
    });
    expect(problem!.message).toContain('ketoan.18073 cập nhật lúc 08:05 02/12/2026');
  });

  it('refuses a day before the list’s month', () => {
    expect(checkAgainstLine(update({ forDate: '2026-11-30' }), line())).toMatchObject({
      field: 'updates.4.paidAt',
    });
    expect(
      checkAgainstLine(update({ status: 'unpaid', paidAt: null, forDate: '2026-11-30' }), line()),
    ).toMatchObject({ field: 'updates.4.forDate' });
    expect(checkAgainstLine(update({ forDate: '2026-12-01' }), line())).toBeUndefined();
  });
});

describe('refusals and requests', () => {
  const problem = (index: number, code: 'BAD_USER_INPUT' | 'CONFLICT' | 'NOT_FOUND') => ({
    index,
    lineId: LINE,
    code,
    field: `updates.${index}.lineId`,
    message: 'x',
  });

  it('is a CONFLICT only when every refused line is one', () => {
    expect(refusalCode([problem(0, 'CONFLICT'), problem(1, 'CONFLICT')])).toBe('CONFLICT');
    expect(refusalCode([problem(0, 'CONFLICT'), problem(1, 'NOT_FOUND')])).toBe('NOT_FOUND');
    expect(refusalCode([problem(0, 'NOT_FOUND'), problem(1, 'BAD_USER_INPUT')])).toBe('NOT_FOUND');
    expect(refusalCode([problem(0, 'CONFLICT'), problem(1, 'BAD_USER_INPUT')])).toBe('BAD_USER_INPUT');
  });

  it('says how many lines are refused and that none was written', () => {
    expect(
      refusalMessage([problem(3, 'NOT_FOUND'), problem(1, 'CONFLICT'), problem(1, 'CONFLICT')], 500),
    ).toBe(
      'Không ghi nhận được 2/500 dòng cập nhật nên chưa ghi dòng nào. Dòng thứ 2: x (và 2 lỗi khác, xem chi tiết từng dòng)',
    );
  });

  it('hashes the same request the same, whatever the spelling of ids, instants and spaces', () => {
    const first = requestHash('recordPayments', [paid({ note: 'đã  nhận' })]);
    expect(
      requestHash('recordPayments', [
        paid({ lineId: LINE.toUpperCase(), paidAt: '2026-12-02T02:15:00Z', note: ' đã nhận' }),
      ]),
    ).toBe(first);
    expect(requestHash('recordPayments', [paid({ expectedVersion: 2 })])).not.toBe(first);
    expect(requestHash('recordPayments', [paid(), paid({ lineId: OTHER })])).not.toBe(
      requestHash('recordPayments', [paid({ lineId: OTHER }), paid()]),
    );
  });
});
