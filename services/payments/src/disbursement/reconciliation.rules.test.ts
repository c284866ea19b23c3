import { describe, expect, it } from '@jest/globals';
import { reconcile, type FoundLine } from './reconciliation.rules.ts';
import { parseResultFile } from './result-file.rules.ts';

const LIST = { id: 'list-12', month: '2026-12', provider: 'VBA' };
const NOW = new Date('2026-12-10T03:00:00Z');

const line = (lineCode: string, changes: Partial<FoundLine> = {}): FoundLine => ({
  id: `id-${lineCode}`,
  lineCode,
  listId: LIST.id,
  unitCode: '18073',
  month: LIST.month,
  status: 'pending',
  total: 500_000,
  channel: 'bank',
  accountKind: 'bank',
  providerCode: 'VBA',
  paidOn: null,
  ...changes,
});

const rowsOf = (...lines: string[]) =>
  parseResultFile(
    Buffer.from(['reference,amount,status,paid_at,provider_reference,reason', ...lines].join('\n')),
    NOW,
  );

describe('reconciliation', () => {
  it('matches rows to lines of the list and provider with the same amount, and lists every other row', () => {
    const lines = new Map(
      [
        line('CT1'),
        line('CT2', { status: 'unpaid' }),
        line('CT3', { total: 750_000 }),
        line('CT4', { status: 'paid', paidOn: '2026-12-03' }),
        line('CT5', { month: '2026-11', listId: 'list-11' }),
        line('CT6', { listId: 'list-other', unitCode: '18652' }),
        line('CT7', { channel: 'post', accountKind: null, providerCode: null }),
        line('CT8', { providerCode: 'VCB' }),
        line('CT9', { status: 'held' }),
        line('CT10'),
      ].map((found) => [found.lineCode, found]),
    );
    const result = reconcile(
      rowsOf(
        'CT1,500000,paid,2026-12-05 09:30,FT1,',
        'CT2,500000,failed,,,Sai số tài khoản',
        'CT3,500000,paid,2026-12-05 09:30,FT3,',
        'CT4,500000,paid,2026-12-05 09:30,FT4,',
        'CT5,500000,paid,2026-12-05 09:30,FT5,',
        'CT6,500000,paid,2026-12-05 09:30,FT6,',
        'CT7,500000,paid,2026-12-05 09:30,FT7,',
        'CT8,500000,paid,2026-12-05 09:30,FT8,',
        'CT9,500000,paid,2026-12-05 09:30,FT9,',
        'CT10,500000,paid,2026-12-05 09:30,FT10a,',
        'CTX,500000,paid,2026-12-05 09:30,FTX,',
        'CT10,500000,paid,2026-12-05 09:31,FT10b,',
        'CT11,abc,paid,2026-12-05 09:30,,',
      ),
      lines,
      LIST,
    );
    expect(result.paid.map((match) => [match.row, match.lineId, match.result.providerReference])).toEqual([
      [2, 'id-CT1', 'FT1'],
    ]);
    expect(result.failed.map((match) => [match.row, match.lineId, match.result.reason])).toEqual([
      [3, 'id-CT2', 'Sai số tài khoản'],
    ]);
    expect(result.mismatches.map((mismatch) => [mismatch.row, mismatch.reference, mismatch.kind])).toEqual([
      [4, 'CT3', 'AMOUNT_DIFFERS'],
      [5, 'CT4', 'ALREADY_PAID'],
      [6, 'CT5', 'WRONG_MONTH'],
      [7, 'CT6', 'WRONG_LIST'],
      [8, 'CT7', 'WRONG_PROVIDER'],
      [9, 'CT8', 'WRONG_PROVIDER'],
      [10, 'CT9', 'NOT_PAYABLE'],
      [11, 'CT10', 'DUPLICATE_ROW'],
      [12, 'CTX', 'UNKNOWN_REFERENCE'],
      [13, 'CT10', 'DUPLICATE_ROW'],
      [14, 'CT11', 'BAD_ROW'],
    ]);
    const byRow = new Map(result.mismatches.map((mismatch) => [mismatch.row, mismatch]));
    expect(byRow.get(4)).toMatchObject({
      expectedAmount: 750_000,
      foundAmount: 500_000,
      message: 'Số tiền của dòng CT3 là 750.000 đồng, tệp ghi 500.000 đồng.',
    });
    expect(byRow.get(5)!.message).toBe(
      'Dòng CT4 đã được ghi nhận chi trả ngày 03/12/2026: kết quả này không được ghi.',
    );
    expect(byRow.get(6)!.message).toBe(
      'Dòng CT5 thuộc danh sách chi trả tháng 11/2026, không phải tháng 12/2026 của danh sách này.',
    );
    expect(byRow.get(8)!.message).toBe('Dòng CT7 không chi qua VBA: hình thức chi trả của dòng là bưu điện.');
    expect(byRow.get(9)!.message).toMatch(/ngân hàng VCB/);
    expect(byRow.get(10)!.message).toMatch(/bị giữ lại/);
    expect(byRow.get(11)!.message).toBe(
      'Mã dòng CT10 có ở nhiều dòng của tệp (dòng 11, 13): không dòng nào được ghi nhận.',
    );
    expect(byRow.get(14)!.message).toMatch(/^Dòng 14: số tiền/);
    for (const mismatch of result.mismatches.filter((found) => found.kind !== 'AMOUNT_DIFFERS'))
      expect([mismatch.expectedAmount, mismatch.foundAmount]).toEqual([null, null]);
  });

  it('counts a broken row with a good reference as a duplicate of the other rows with it', () => {
    const result = reconcile(
      rowsOf('CT1,500000,paid,2026-12-05 09:30,,', 'CT1,x,paid,2026-12-05 09:30,,'),
      new Map([['CT1', line('CT1')]]),
      LIST,
    );
    expect(result.paid).toEqual([]);
    expect(result.mismatches.map((mismatch) => mismatch.kind)).toEqual(['DUPLICATE_ROW', 'BAD_ROW']);
  });
});
