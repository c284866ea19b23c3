import { describe, expect, it } from '@jest/globals';
import { foldText } from './fold-text.ts';

/** The rule as the documentation states it, for any text. */
const byRule = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

describe('foldText', () => {
  it('folds names for accent-insensitive comparison', () => {
    expect(foldText('Nguyễn  Văn Án')).toBe('nguyen van an');
    expect(foldText(' ĐẶNG\u00a0Thị\tHằng ')).toBe('dang thi hang');
    expect(foldText('Nguye\u0302\u0303n')).toBe('nguyen'); // written decomposed (NFD)
    expect(foldText('')).toBe('');
  });

  it('folds every character as the rule does, and texts of any script, spacing and composition', () => {
    for (let code = 0; code < 0x3000; code++) {
      const character = String.fromCharCode(code);
      expect([code, foldText(`a${character}b`)]).toEqual([code, byRule(`a${character}b`)]);
    }
    const pieces = [
      'Ư',
      'ơ',
      'Ệ',
      'đ',
      'e\u0302\u0301',
      ' ',
      '  ',
      '\u00a0',
      '\u3000',
      '\t',
      'Σ',
      'İ',
      'ß',
      'Ǆ',
      '中',
      'a',
    ];
    let seed = 11;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let text = 0; text < 3000; text++) {
      const sample = Array.from(
        { length: Math.floor(random() * 12) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
      expect(foldText(sample)).toBe(byRule(sample));
    }
  });
});
