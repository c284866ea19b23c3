import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { csvField, isNeutralizedFormula, neutralizeFormula, spreadsheetValue } from './spreadsheet-cell.ts';

describe('neutralizeFormula', () => {
  it.each(['=HYPERLINK("http://evil.example","x")', '+1+2', '-2+3', '@SUM(A1:A2)', '\t=1', '\r=1', '＝1+1'])(
    'puts an apostrophe before %j',
    (text) => {
      expect(neutralizeFormula(text)).toBe(`'${text}`);
      expect(isNeutralizedFormula(neutralizeFormula(text))).toBe(true);
    },
  );

  it('leaves other text, numbers, dates and empty cells alone', () => {
    for (const text of ['Nguyễn Văn An', "'quoted", 'a=b', ' =1', '', '042195000123']) {
      expect(neutralizeFormula(text)).toBe(text);
      expect(isNeutralizedFormula(text)).toBe(false);
    }
    const date = new Date(0);
    expect(spreadsheetValue(-5)).toBe(-5);
    expect(spreadsheetValue(date)).toBe(date);
    expect(spreadsheetValue(null)).toBeNull();
    expect(spreadsheetValue('-5')).toBe("'-5");
  });

  it('never leaves text that a spreadsheet starts a formula with', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(neutralizeFormula(text)).not.toMatch(/^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('csvField', () => {
  it('quotes what must be quoted and neutralises formulas', () => {
    expect(csvField('Nguyễn Văn An')).toBe('Nguyễn Văn An');
    expect(csvField('=cmd|"/c calc"!A1')).toBe(`"'=cmd|""/c calc""!A1"`);
    expect(csvField('Thôn 3; xã Nam Hà')).toBe('"Thôn 3; xã Nam Hà"');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField(12)).toBe('12');
    expect(csvField(null)).toBe('');
  });
});
