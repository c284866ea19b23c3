import { describe, expect, it } from '@jest/globals';
import { exportInput, exportPeriodOf, type ExportForm } from './export-reports.ts';

const FORM: ExportForm = {
  report: 'payment-summary',
  format: 'XLSX',
  unitCode: ' 42 ',
  month: '2026-03',
  fromMonth: '2026-01',
  toMonth: '2026-03',
  fromDate: '2026-03-01',
  toDate: '2026-03-31',
};

describe('exportPeriodOf', () => {
  it('knows the period each report takes', () => {
    expect(exportPeriodOf('entitlement-changes')).toBe('month');
    expect(exportPeriodOf('missing-payment-lists')).toBe('months');
    expect(exportPeriodOf('late-daily-updates')).toBe('days');
    expect(exportPeriodOf('resolution-42-summary')).toBe('none');
  });
});

describe('exportInput', () => {
  it('sends a monthly report its month only', () => {
    expect(exportInput(FORM)).toEqual({
      report: 'payment-summary',
      format: 'XLSX',
      unitCode: '42',
      month: '2026-03',
    });
  });

  it('sends a report over months its months, and one over days its days', () => {
    expect(exportInput({ ...FORM, report: 'missing-payment-lists', format: 'CSV' })).toEqual({
      report: 'missing-payment-lists',
      format: 'CSV',
      unitCode: '42',
      fromMonth: '2026-01',
      toMonth: '2026-03',
    });
    expect(exportInput({ ...FORM, report: 'late-daily-updates' })).toMatchObject({
      fromDate: '2026-03-01',
      toDate: '2026-03-31',
    });
  });

  it('sends a report without a period no period at all', () => {
    expect(exportInput({ ...FORM, report: 'data-completeness', format: 'PDF' })).toEqual({
      report: 'data-completeness',
      format: 'PDF',
      unitCode: '42',
    });
  });
});
