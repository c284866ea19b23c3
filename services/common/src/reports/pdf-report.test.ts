import { describe, expect, it } from '@jest/globals';
import { AppError } from '../errors/app-error.ts';
import { MAX_PDF_ROWS, writePdfReport } from './pdf-report.ts';
import { CollectingTarget, PAYMENT_ROWS, paymentTable, sumOf } from './report-fixture.ts';
import type { ReportRow, ReportTable } from './report-table.ts';

/** The text of each page, as a reader's copy-paste or a screen reader gets it. */
async function pageTexts(pdf: Buffer): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const loading = pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false });
  const document = await loading.promise;
  const pages: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await loading.destroy();
  return pages;
}

async function written(table: ReportTable) {
  const target = new CollectingTarget();
  const result = await writePdfReport(table, target);
  return { result, pdf: target.content, pages: await pageTexts(target.content) };
}

const vnd = (amount: number) => new Intl.NumberFormat('vi-VN').format(amount);

describe('writePdfReport', () => {
  it('shows the Vietnamese title, subtitle, headers, names with diacritics and formatted figures', async () => {
    const { result, pdf, pages } = await written(paymentTable());
    expect(result).toEqual({ rowCount: PAYMENT_ROWS.length });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The font is embedded (a subset of DejaVu Sans), not left to the reader's machine.
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2/);
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(pages).toHaveLength(1);
    const text = pages[0]!;
    for (const expected of [
      'Danh sách chi trả trợ cấp xã hội hằng tháng',
      'Đơn vị: Tỉnh Hà Tĩnh · Kỳ: 1/2026',
      'Họ và tên',
      'Số tiền (đồng)',
      'Phường Thành Sen',
      'Nguyễn Thị Hồng',
      'Trần Văn Đức, "Út"',
      '1/2026',
      '12/2025',
      '05/01/2026',
      vnd(1_234_567_890),
      'Tổng cộng',
      vnd(sumOf(PAYMENT_ROWS, 'amount')),
      'Trang 1/1',
    ])
      expect(text).toContain(expected);
    expect(vnd(sumOf(PAYMENT_ROWS, 'amount'))).toBe('1.237.227.890');
  });

  it('repeats the header on every page and numbers the pages', async () => {
    const rows: ReportRow[] = Array.from({ length: 120 }, (_, index) => ({
      ...PAYMENT_ROWS[0]!,
      fullName: `Lê Thị Ánh ${index + 1}`,
      amount: 1_000 * (index + 1),
    }));
    const { pages } = await written(paymentTable({ rows }));
    expect(pages.length).toBeGreaterThan(2);
    pages.forEach((text, index) => {
      expect(text).toContain('Họ và tên');
      expect(text).toContain('Ngày chi trả');
      expect(text).toContain(`Trang ${index + 1}/${pages.length}`);
    });
    expect(pages[0]).toContain('Danh sách chi trả trợ cấp xã hội hằng tháng');
    const all = pages.join(' ');
    for (let index = 1; index <= 120; index++) expect(all).toContain(`Lê Thị Ánh ${index} `);
    expect(pages.at(-1)).toContain(vnd(sumOf(rows, 'amount')));
  });

  it('cuts a cell too long for its column with an ellipsis', async () => {
    const long = `Nguyễn Thị Hồng ${'rất dài '.repeat(30)}cuối`;
    const { pages } = await written(paymentTable({ rows: [{ ...PAYMENT_ROWS[0]!, fullName: long }] }));
    expect(pages[0]).toContain('Nguyễn Thị Hồng rất dài');
    expect(pages[0]).toContain('…');
    expect(pages[0]).not.toContain('cuối');
  });

  it(`refuses more than ${MAX_PDF_ROWS} rows before writing anything, pointing to XLSX or CSV`, async () => {
    function* rows() {
      for (let index = 0; index <= MAX_PDF_ROWS; index++) yield PAYMENT_ROWS[0]!;
    }
    const target = new CollectingTarget();
    const refusal = await writePdfReport(paymentTable({ rows: rows() }), target).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT', field: 'format' });
    expect((refusal as AppError).message).toMatch(/20\.000 dòng.*XLSX hoặc CSV/);
    expect(target.content).toHaveLength(0);
    expect(target.destroyed).toBe(true);
  });
});
