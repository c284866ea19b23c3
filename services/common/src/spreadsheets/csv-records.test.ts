import { describe, expect, it } from '@jest/globals';
import { CsvFormatError, csvRecords } from './csv-records.ts';
import { parse } from 'csv-parse/sync';

async function records(chunks: string[], delimiter = ';', maxRecordChars = 1000): Promise<string[][]> {
  const read: string[][] = [];
  async function* given() {
    yield* chunks;
  }
  for await (const record of csvRecords(given(), { delimiter, maxRecordChars })) read.push(record);
  return read;
}

/** The text cut at every place, two chunks at a time: what a stream may hand over. */
function everyCut(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, at) => [text.slice(0, at), text.slice(at)]);
}

describe('csvRecords', () => {
  it('splits fields and records (CRLF, LF, CR), keeping empty lines and empty fields', async () => {
    expect(await records(['a;b\r\nc;\n\n;d\re'])).toEqual([['a', 'b'], ['c', ''], [''], ['', 'd'], ['e']]);
    expect(await records(['a;b\n'])).toEqual([['a', 'b']]);
    expect(await records(['a;'])).toEqual([['a', '']]);
    expect(await records([''])).toEqual([]);
  });

  it('reads quoted fields with delimiters, line breaks and doubled quotes; a quote inside text is text', async () => {
    expect(await records(['"Thôn 1; xóm 2";"dòng\r\nhai";"nói ""có""";""\n'])).toEqual([
      ['Thôn 1; xóm 2', 'dòng\r\nhai', 'nói "có"', ''],
    ]);
    expect(await records(['Nguyễn "Út" An;5 "B"\n'])).toEqual([['Nguyễn "Út" An', '5 "B"']]);
    expect(await records(['"a"b;c\n'])).toEqual([['"a"b', 'c']]);
  });

  it('drops a leading byte-order mark, and reads the same records however the text is cut', async () => {
    const text = '\ufeffHọ và tên;"Địa ""chỉ"""\r\nAn;"Thôn\r\n1"\r\n\r\nBình;x\r';
    const expected = [['Họ và tên', 'Địa "chỉ"'], ['An', 'Thôn\r\n1'], [''], ['Bình', 'x']];
    for (const chunks of everyCut(text)) expect(await records(chunks)).toEqual(expected);
  });

  it('takes the delimiter it is given', async () => {
    expect(await records(['a,b;c\td\n'], ',')).toEqual([['a', 'b;c\td']]);
    expect(await records(['a,b;c\td\n'], '\t')).toEqual([['a,b;c', 'd']]);
  });

  it('stops at a quote never closed, and at a record longer than allowed, naming the record', async () => {
    const unclosed = records(['a;b\n\n"c;d\ne;f\n']);
    await expect(unclosed).rejects.toThrow(CsvFormatError);
    await expect(unclosed).rejects.toMatchObject({ problem: 'QUOTE_NOT_CLOSED', recordNumber: 3 });
    await expect(records(['a;b\n' + 'x'.repeat(30) + '\n'], ';', 20)).rejects.toMatchObject({
      problem: 'RECORD_TOO_LONG',
      recordNumber: 2,
    });
  });
});

describe('csvRecords against csv-parse', () => {
  it('reads random texts of quotes, delimiters and line breaks as csv-parse does, where csv-parse reads them', async () => {
    const pieces = ['a', 'Ư', ' ', '"', '""', ';', '\n', '\r\n', '\r'];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    let compared = 0;
    for (let text = 0; text < 2000; text++) {
      const csv = Array.from(
        { length: 1 + Math.floor(random() * 30) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
      let expected: string[][];
      try {
        expected = parse(csv, {
          delimiter: ';',
          record_delimiter: ['\r\n', '\n', '\r'],
          relax_column_count: true,
          relax_quotes: true,
        });
      } catch {
        continue; // csv-parse refuses what csvRecords reads leniently (text after a closing quote)
      }
      const cuts = [[csv], [csv.slice(0, csv.length >> 1), csv.slice(csv.length >> 1)]];
      for (const chunks of cuts) expect(await records(chunks).catch(() => 'refused')).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(500);
  });
});
