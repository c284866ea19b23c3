import { describe, expect, it } from '@jest/globals';
import { parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads fields and the line each record starts on, skipping blank lines and a byte-order mark', () => {
    expect(parseCsv('\uFEFFcode,name\r\n42,Hà Tĩnh\r\n\r\n436,"Hà Tĩnh, thành phố"\n')).toEqual({
      records: [
        { line: 1, fields: ['code', 'name'] },
        { line: 2, fields: ['42', 'Hà Tĩnh'] },
        { line: 4, fields: ['436', 'Hà Tĩnh, thành phố'] },
      ],
      error: null,
    });
  });

  it('keeps quotes, line breaks and empty fields inside quoted fields, and counts the lines', () => {
    const { records } = parseCsv('a,b,c\n"x ""y""","line 1\nline 2",\n1,2,3');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x "y"', 'line 1\nline 2', ''] },
      { line: 4, fields: ['1', '2', '3'] },
    ]);
  });

  it('reports an unclosed quote and a stray quote with their line', () => {
    expect(parseCsv('a,b\n1,"open\n').error).toEqual({ line: 2, message: expect.stringContaining('đóng') });
    expect(parseCsv('a,b\n1,x"y\n').error).toEqual({
      line: 2,
      message: expect.stringContaining('ngoặc kép'),
    });
  });
});
