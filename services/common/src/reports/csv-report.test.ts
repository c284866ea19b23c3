import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { writeCsvReport } from './csv-report.ts';
import {
  CollectingTarget,
  manyRows,
  PAYMENT_COLUMNS,
  PAYMENT_ROWS,
  paymentTable,
  sumOf,
} from './report-fixture.ts';
import type { ReportTable } from './report-table.ts';

async function written(table: ReportTable, target = new CollectingTarget()) {
  const result = await writeCsvReport(table, target);
  const bytes = target.content;
  const text = bytes.toString('utf8');
  const records: string[][] = parse(text, { bom: true, relax_column_count: false });
  return { result, bytes, text, records };
}

describe('writeCsvReport', () => {
  it('starts with a UTF-8 byte order mark, ends lines with CRLF and heads the columns in Vietnamese', async () => {
    const { bytes, text, records } = await written(paymentTable());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.split('\r\n').at(-1)).toBe('');
    expect(text.replace(/"[^"]*"/g, '')).not.toMatch(/[^\r]\n/);
    expect(records[0]).toEqual(PAYMENT_COLUMNS.map((column) => column.header));
  });

  it('writes the rows: plain integers, dd/mm/yyyy days, m/yyyy months, quoted commas, quotes and line breaks', async () => {
    const { result, records, text } = await written(paymentTable());
    expect(result).toEqual({ rowCount: PAYMENT_ROWS.length });
    expect(records[1]).toEqual([
      '18073',
      'Phường Thành Sen',
      'Nguyễn Thị Hồng',
      '1/2026',
      '1',
      '500000',
      '05/01/2026',
    ]);
    expect(records[2]).toEqual([
      '18073',
      'Phường Thành Sen',
      'Trần Văn Đức, "Út"',
      '12/2025',
      '2',
      '1234567890',
      '05/01/2026',
    ]);
    expect(text).toContain('"Trần Văn Đức, ""Út"""');
    expect(records[4]![1]).toBe('Xã Thạch Hà\nthôn 2');
    expect(records[4]!.slice(4, 6)).toEqual(['', '']);
  });

  it('neutralises text that would run as a formula', async () => {
    const { records } = await written(paymentTable());
    expect(records[3]![2]).toBe('\'=HYPERLINK("http://x","bấm")');
    expect(records[4]![2]).toBe("'+84 912 345 678");
  });

  it('ends with the totals row: its label and the sums of the total columns', async () => {
    const { records } = await written(paymentTable({ totalsLabel: 'Cộng toàn tỉnh' }));
    expect(records).toHaveLength(PAYMENT_ROWS.length + 2);
    expect(records.at(-1)).toEqual([
      'Cộng toàn tỉnh',
      '',
      '',
      '',
      String(sumOf(PAYMENT_ROWS, 'people')),
      String(sumOf(PAYMENT_ROWS, 'amount')),
      '',
    ]);
    const plain = await written(
      paymentTable({ columns: PAYMENT_COLUMNS.map((column) => ({ ...column, total: false })) }),
    );
    expect(plain.records).toHaveLength(PAYMENT_ROWS.length + 1);
  });

  it('waits for a slow target: every row arrives, in order', async () => {
    const count = 30_000;
    const target = new CollectingTarget({ slow: true });
    const { result, records } = await written(paymentTable({ rows: manyRows(count) }), target);
    expect(result.rowCount).toBe(count);
    expect(records).toHaveLength(count + 2);
    expect(records[count]![2]).toBe(`Nguyễn Thị Hồng ${count - 1}`);
    let expected = 0;
    for (let index = 0; index < count; index++) expected += 500_000 + (index % 1000);
    expect(records.at(-1)![5]).toBe(String(expected));
    expect(target.chunks.length).toBeGreaterThan(10);
  });
});
