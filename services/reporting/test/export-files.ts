import { expect } from '@jest/globals';
import ExcelJS from 'exceljs';
import { graphql } from '@ansinh/tests/support';

/**
 * What the export tests of reporting, registry and payments share: following an export job to its end,
 * downloading its file through the subgraph's file route, and opening it as an official would (XLSX
 * parsed back, CSV decoded, PDF text extracted).
 */

export const EXPORT_FIELDS = 'report format rows file { id fileName contentType bytes expiresAt url }';

export type ExportedJob = {
  id: string;
  kind: string;
  state: string;
  error: string | null;
  progress: { phase: string | null; done: number; total: number | null };
  [field: string]: unknown;
};

/** The job, read every 200 ms until `until` holds (by default: it has ended). */
export async function followJob(
  url: string,
  token: string,
  id: string,
  resultField: string,
  until: (job: ExportedJob) => boolean = (job) => ['DONE', 'FAILED', 'CANCELLED'].includes(job.state),
  seconds = 60,
): Promise<ExportedJob> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const answer = await graphql(
      url,
      `query ($id: ID!) { job(id: $id) { id kind state error progress { phase done total } ${resultField} { ${EXPORT_FIELDS} } } }`,
      { token, variables: { id } },
    );
    expect(answer.errors).toBeUndefined();
    const job = answer.data!.job as ExportedJob;
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The file at the path a result gave (the gateway's `/files/<service>/<id>` is the subgraph's `/files/<id>`). */
export async function download(
  subgraphUrl: string,
  token: string,
  url: string,
): Promise<{ status: number; bytes: Buffer; type: string | null; disposition: string | null }> {
  expect(url).toMatch(/^\/files\/[a-z]+\/[0-9a-f-]{36}$/);
  const response = await fetch(new URL(`/files/${url.split('/').at(-1)}`, subgraphUrl), {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    type: response.headers.get('content-type'),
    disposition: response.headers.get('content-disposition'),
  };
}

export type SheetValue = string | number | Date | null;

/** The first sheet of a workbook, row by row, each cell's value (a formula's cached result), from column A. */
export async function xlsxRows(bytes: Buffer): Promise<SheetValue[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const rows: SheetValue[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    const values: SheetValue[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) {
      const value = row.getCell(column).value;
      values.push(
        value === null || value === undefined
          ? null
          : typeof value === 'object' && !(value instanceof Date)
            ? ((value as { result?: SheetValue }).result ?? null)
            : (value as SheetValue),
      );
    }
    rows[number - 1] = values;
  });
  return Array.from(rows, (row) => row ?? []);
}

/** A CSV written for Excel: UTF-8 with a byte order mark, RFC 4180 quoting, CRLF; its rows of fields. */
export function csvRows(bytes: Buffer): string[][] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index++;
    } else field += character;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

/** The text of a PDF, page after page (pdfjs-dist's legacy build, as a reader's copy-paste gets it). */
export async function pdfText(bytes: Buffer): Promise<string> {
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const loading = pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false });
  const document = await loading.promise;
  const pages: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await loading.destroy();
  return pages.join('\n');
}

/** `1.234.000`: how the PDF and the XLSX display show an amount. */
export const vnd = (amount: number) => new Intl.NumberFormat('vi-VN').format(amount);
