import { describe, expect, it } from '@jest/globals';
import { AppError } from '@ansinh/common';
import {
  asciiFold,
  disbursementFileName,
  disbursementHeader,
  disbursementRecord,
  MAX_CONTENT_LENGTH,
  paidThrough,
  paymentContent,
  providerArgument,
} from './disbursement-file.rules.ts';

describe('disbursement file layout', () => {
  it('takes a provider code in capitals, and refuses anything else', () => {
    expect(providerArgument(' vba ')).toBe('VBA');
    expect(providerArgument('VIETTELMONEY')).toBe('VIETTELMONEY');
    expect(providerArgument('post')).toBe('POST');
    for (const bad of ['', 'V', 'VB A', 'VBA;', 'x'.repeat(21), 'Ngân hàng']) {
      let refused: unknown;
      try {
        providerArgument(bad);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'provider' });
    }
  });

  it('pays a line through a provider by its channel and account', () => {
    const bank = { channel: 'bank', accountKind: 'bank', providerCode: 'VBA' };
    expect(paidThrough(bank, 'VBA')).toBe(true);
    expect(paidThrough(bank, 'VCB')).toBe(false);
    expect(paidThrough(bank, 'POST')).toBe(false);
    // A bank line whose account is a wallet is not the bank's to pay.
    expect(paidThrough({ channel: 'bank', accountKind: 'e_wallet', providerCode: 'VBA' }, 'VBA')).toBe(false);
    expect(paidThrough({ channel: 'e_wallet', accountKind: 'e_wallet', providerCode: 'MOMO' }, 'MOMO')).toBe(
      true,
    );
    expect(paidThrough({ channel: 'post', accountKind: null, providerCode: null }, 'POST')).toBe(true);
    expect(paidThrough({ channel: 'cash', accountKind: null, providerCode: null }, 'POST')).toBe(false);
    expect(paidThrough({ channel: 'bank', accountKind: null, providerCode: null }, 'VBA')).toBe(false);
  });

  it('writes the payment text in ASCII, at most 140 characters', () => {
    expect(paymentContent('2026-12', 'CT000123')).toBe('Tro cap XH thang 12/2026 CT000123');
    expect(asciiFold('Đỗ Thị Ánh  Hằng\t✓')).toBe('Do Thi Anh Hang');
    expect(paymentContent('2026-01', 'C'.repeat(200))).toHaveLength(MAX_CONTENT_LENGTH);
  });

  it('writes a BOM, a header and CRLF records, quoting only what needs it', () => {
    expect(disbursementHeader()).toBe('\ufeffreference,account,holder,amount,content\r\n');
    expect(
      disbursementRecord('2026-12', {
        lineCode: 'CT000123',
        account: '0123456789',
        holder: 'Nguyễn Văn An',
        amount: 750_000,
      }),
    ).toBe('CT000123,0123456789,Nguyễn Văn An,750000,Tro cap XH thang 12/2026 CT000123\r\n');
    expect(
      disbursementRecord('2026-12', { lineCode: 'CT7', account: null, holder: 'Lê, "Bà" Tư', amount: 0 }),
    ).toBe('CT7,,"Lê, ""Bà"" Tư",0,Tro cap XH thang 12/2026 CT7\r\n');
    // Nothing a spreadsheet would run as a formula.
    expect(
      disbursementRecord('2026-12', { lineCode: 'CT8', account: '=1+1', holder: 'A', amount: 1 }),
    ).toContain(",'=1+1,");
    expect(disbursementFileName('18073', '2026-12', 'VBA')).toBe('chi-tra-18073-2026-12-VBA.csv');
  });
});
