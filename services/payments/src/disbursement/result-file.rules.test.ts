import { describe, expect, it } from '@jest/globals';
import { AppError } from '@ansinh/common';
import {
  csvRecords,
  MAX_RESULT_ROWS,
  paidAtOf,
  parseResultFile,
  type ParsedRow,
} from './result-file.rules.ts';

const HEADER = 'reference,amount,status,paid_at,provider_reference,reason';
const NOW = new Date('2026-12-10T03:00:00Z');

const file = (...lines: string[]) => Buffer.from([HEADER, ...lines].join('\r\n') + '\r\n', 'utf8');

function refusal(work: () => unknown): AppError {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('not refused');
}

const messageOf = (row: ParsedRow) => (row.ok ? undefined : row.message);

describe('result file', () => {
  it('reads CSV records as RFC 4180 writes them, with spreadsheet row numbers', () => {
    expect(csvRecords('a,b\r\n"x,1","say ""hi"""\n\n"two\nlines",z')).toEqual([
      { row: 1, fields: ['a', 'b'], malformed: false },
      { row: 2, fields: ['x,1', 'say "hi"'], malformed: false },
      { row: 3, fields: [''], malformed: false },
      { row: 4, fields: ['two\nlines', 'z'], malformed: false },
    ]);
    expect(csvRecords('a"b,c\n"d"e,f\n')).toEqual([
      { row: 1, fields: ['ab', 'c'], malformed: true },
      { row: 2, fields: ['de', 'f'], malformed: true },
    ]);
    expect(refusal(() => csvRecords('a,"b\nc')).message).toMatch(/dòng 1 không được đóng/);
  });

  it('reads paid rows and failed rows, a BOM and both time forms', () => {
    const rows = parseResultFile(
      Buffer.concat([
        Buffer.from('\ufeff'),
        file(
          'CT000001,750000,paid,2026-12-05T09:30:00+07:00,FT2612050001,',
          'CT000002,500000,PAID,2026-12-05 14:05,,',
          'CT000003,500000,failed,,,"Tài khoản đã đóng, trả lại"',
          '',
        ),
      ]),
      NOW,
    );
    expect(rows).toEqual([
      {
        row: 2,
        reference: 'CT000001',
        ok: true,
        value: {
          reference: 'CT000001',
          amount: 750000,
          status: 'paid',
          paidAt: new Date('2026-12-05T02:30:00Z'),
          providerReference: 'FT2612050001',
          reason: null,
        },
      },
      {
        row: 3,
        reference: 'CT000002',
        ok: true,
        value: {
          reference: 'CT000002',
          amount: 500000,
          status: 'paid',
          paidAt: new Date('2026-12-05T07:05:00Z'),
          providerReference: null,
          reason: null,
        },
      },
      {
        row: 4,
        reference: 'CT000003',
        ok: true,
        value: {
          reference: 'CT000003',
          amount: 500000,
          status: 'failed',
          paidAt: null,
          providerReference: null,
          reason: 'Tài khoản đã đóng, trả lại',
        },
      },
    ]);
  });

  it('reports rows it cannot read, with their row number, and reads the others', () => {
    const rows = parseResultFile(
      file(
        'CT1,1.000.000,paid,2026-12-05 09:30,,',
        'CT2,-5,paid,2026-12-05 09:30,,',
        'CT3,100,done,2026-12-05 09:30,,',
        'CT4,100,paid,05/12/2026,,',
        'CT5,100,paid,2026-02-30 09:30,,',
        'CT6,100,paid,2026-12-11 09:30,,',
        'CT7,100,paid,,,',
        'CT8,100,paid,2026-12-05 09:30,,,extra',
        ',100,paid,2026-12-05 09:30,,',
        'CT 9,100,paid,2026-12-05 09:30,,',
        'CT10,100,failed,,,=HYPERLINK(1)<b>',
        'CT11,100,paid,2026-12-05T09:30:00,,',
      ),
      NOW,
    );
    expect(rows.map((row) => [row.row, row.reference, messageOf(row)])).toEqual([
      [2, 'CT1', expect.stringMatching(/^Dòng 2: số tiền \(amount\) "1.000.000" phải là số nguyên đồng/)],
      [3, 'CT2', expect.stringMatching(/số tiền/)],
      [4, 'CT3', expect.stringMatching(/status\) "done" phải là paid hoặc failed/)],
      [5, 'CT4', expect.stringMatching(/paid_at\) "05\/12\/2026" không đúng dạng/)],
      [6, 'CT5', expect.stringMatching(/paid_at/)],
      [7, 'CT6', expect.stringMatching(/ở tương lai/)],
      [8, 'CT7', expect.stringMatching(/phải có thời điểm chi/)],
      [9, 'CT8', expect.stringMatching(/có 7 ô, mẫu có 6 cột/)],
      [10, null, expect.stringMatching(/thiếu mã dòng chi trả/)],
      [11, null, expect.stringMatching(/chỉ gồm chữ cái, chữ số/)],
      [12, 'CT10', expect.stringMatching(/Lý do/)],
      [13, 'CT11', expect.stringMatching(/paid_at/)],
    ]);
  });

  it('reads ISO 8601 times with any offset, and local times as Vietnam time', () => {
    expect(paidAtOf('2026-12-05T02:30:00Z')).toEqual(new Date('2026-12-05T02:30:00Z'));
    expect(paidAtOf('2026-12-05T02:30:00.250-01:30')).toEqual(new Date('2026-12-05T04:00:00.250Z'));
    expect(paidAtOf('2026-12-05 09:30:15')).toEqual(new Date('2026-12-05T02:30:15Z'));
    for (const bad of [
      '2026-12-05',
      '2026-12-05T24:00:00Z',
      '2026-13-01 09:00',
      '1999-12-31 09:00',
      '2026-12-05T09:30+15:00',
    ])
      expect(paidAtOf(bad)).toBeUndefined();
  });

  it('refuses a file of another layout whole, saying what is wrong', () => {
    const wrong = (text: string | Buffer) =>
      refusal(() => parseResultFile(typeof text === 'string' ? Buffer.from(text) : text, NOW));
    expect(wrong('reference,amount,status,paid_at,provider_reference\nCT1,1,paid,,\n').message).toMatch(
      /thiếu cột reason/,
    );
    expect(wrong(`${HEADER},note\nCT1,1,paid,,,,\n`).message).toMatch(/có cột không thuộc mẫu note/);
    expect(wrong('ref,amount,status,paid_at,provider_reference,reason\n').message).toMatch(
      /thiếu cột reference; có cột không thuộc mẫu ref/,
    );
    expect(wrong('amount,reference,status,paid_at,provider_reference,reason\nx\n').message).toMatch(
      /không đúng thứ tự/,
    );
    expect(wrong('reference;amount;status;paid_at;provider_reference;reason\n').message).toMatch(/thiếu cột/);
    expect(wrong(`${HEADER}\n`).message).toMatch(/không có dòng kết quả nào/);
    expect(wrong('').message).toMatch(/không có dữ liệu/);
    expect(wrong(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00])).message).toMatch(
      /không phải văn bản UTF-8/,
    );
    expect(wrong(`${HEADER}\nCT1,1,paid,,\u0000,\n`).message).toMatch(
      /ký tự điều khiển hoặc ký tự ẩn không hợp lệ ở dòng 2/,
    );
    expect(wrong(`${HEADER}\nCT1,1,paid,,\u202e,\n`).message).toMatch(/dòng 2/);
    expect(wrong(Buffer.alloc(5 * 1024 * 1024 + 1, 0x41)).message).toMatch(/quá lớn/);
    const many = `${HEADER}\n${'CT1,1,paid,2026-12-05 09:30,,\n'.repeat(MAX_RESULT_ROWS + 1)}`;
    expect(wrong(many).message).toMatch(/20\.001 dòng, quá 20\.000 dòng/);
    for (const text of ['', `${HEADER}\n`])
      expect(wrong(text)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileId' });
  });
});
