import { describe, expect, it } from '@jest/globals';
import { reportArgumentsOf } from './report-arguments.ts';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; field: string };
  }
  throw new Error('not refused');
};

describe('reportArgumentsOf', () => {
  it('keeps the arguments given, checked', () => {
    expect(
      reportArgumentsOf({
        unitCode: '18073',
        month: '2026-11',
        fromMonth: '2025-12',
        toMonth: '2026-02',
        fromDate: '2024-02-29',
        toDate: '2024-03-01',
      }),
    ).toEqual({
      unitCode: '18073',
      month: '2026-11',
      fromMonth: '2025-12',
      toMonth: '2026-02',
      fromDate: '2024-02-29',
      toDate: '2024-03-01',
    });
    expect(reportArgumentsOf({ unitCode: '42', month: null })).toEqual({ unitCode: '42' });
  });

  it('refuses a malformed unit code, month or day, and a reversed range, naming the field', () => {
    expect(refusal(() => reportArgumentsOf({ unitCode: '18O73' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.unitCode',
    });
    expect(refusal(() => reportArgumentsOf({ unitCode: '42', month: '2026-1' }))).toMatchObject({
      field: 'input.month',
    });
    expect(refusal(() => reportArgumentsOf({ unitCode: '42', toDate: '2026-02-29' }))).toMatchObject({
      field: 'input.toDate',
    });
    expect(
      refusal(() => reportArgumentsOf({ unitCode: '42', fromMonth: '2026-02', toMonth: '2025-12' })),
    ).toMatchObject({ field: 'input.toMonth' });
    expect(
      refusal(() => reportArgumentsOf({ unitCode: '42', fromDate: '2026-02-02', toDate: '2026-02-01' })),
    ).toMatchObject({ field: 'input.toDate' });
  });
});
