import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { REPORT_FORMATS } from './report-table.ts';
import { REPORT_CONTENT_TYPES, reportFileName } from './report-file.ts';

describe('reportFileName', () => {
  it('spells the Vietnamese title without marks, with dashes and the extension', () => {
    expect(reportFileName('Tổng hợp chi trả 11/2026', 'xlsx')).toBe('tong-hop-chi-tra-11-2026.xlsx');
    expect(reportFileName('Danh sách đối tượng – Phường Thành Sen (18073)', 'pdf')).toBe(
      'danh-sach-doi-tuong-phuong-thanh-sen-18073.pdf',
    );
    expect(reportFileName('ĐẮK LẮK', 'csv')).toBe('dak-lak.csv');
  });

  it('keeps no folder, control character or quote, and is never empty', () => {
    expect(reportFileName('../../etc/passwd\u0000"x"', 'csv')).toBe('etc-passwd-x.csv');
    expect(reportFileName('', 'xlsx')).toBe('bao-cao.xlsx');
    expect(reportFileName('***', 'pdf')).toBe('bao-cao.pdf');
    expect(reportFileName('a'.repeat(500), 'xlsx')).toBe(`${'a'.repeat(100)}.xlsx`);
  });

  it('always answers lower-case letters, digits and inner dashes before the extension', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom(...REPORT_FORMATS), (base, format) => {
        expect(reportFileName(base, format)).toMatch(
          /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?\.(xlsx|csv|pdf)$/,
        );
      }),
    );
  });
});

describe('REPORT_CONTENT_TYPES', () => {
  it('names the media type of each format', () => {
    expect(REPORT_CONTENT_TYPES).toEqual({
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      csv: 'text/csv',
      pdf: 'application/pdf',
    });
  });
});
