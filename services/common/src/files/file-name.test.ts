import { describe, expect, it } from '@jest/globals';
import { cleanFileName, uploadFileName } from './file-name.ts';

describe('uploadFileName', () => {
  it.each([
    ['an encoded Vietnamese name', 'danh-s%C3%A1ch.xlsx', 'danh-sách.xlsx'],
    ['a broken encoding', '%E0%A4%A', '%E0%A4%A'],
    ['a path', '..%2F..%2Fetc%2Fpasswd', 'passwd'],
    ['a Windows path', 'C%3A%5CUsers%5Cxa%5Cds.csv', 'ds.csv'],
    ['control and bidirectional characters', 'a%00b%E2%80%AEc.xlsx', 'abc.xlsx'],
    ['no name', undefined, 'upload'],
    ['a name that is only a folder', '..%2F', 'upload'],
    ['a 5,000-character name', 'x'.repeat(5000), 'x'.repeat(255)],
    ['the first of repeated headers', ['a.csv', 'b.csv'], 'a.csv'],
  ])('%s', (_label, header, expected) => {
    expect(uploadFileName(header)).toBe(expected);
  });
});

describe('cleanFileName', () => {
  it('keeps a plain name and cleans one that is not', () => {
    expect(cleanFileName('loi-nhap-danh-sach.xlsx')).toBe('loi-nhap-danh-sach.xlsx');
    expect(cleanFileName(' \u202ebáo cáo.xlsx ')).toBe('báo cáo.xlsx');
    expect(cleanFileName('')).toBe('upload');
  });
});
