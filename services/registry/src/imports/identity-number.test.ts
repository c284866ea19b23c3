import { describe, expect, it } from '@jest/globals';
import { splitIdentityNumber } from './identity-number.ts';

describe('splitIdentityNumber', () => {
  it.each([
    ['a CCCD as text', '042190001234', { citizenId: '042190001234', oldIdNumber: null }],
    ['a CMND as text, with spaces', '012 345 678', { citizenId: null, oldIdNumber: '012 345 678' }],
    [
      'a CCCD Excel stored as a number (its 0 lost)',
      42190001234,
      { citizenId: '042190001234', oldIdNumber: null },
    ],
    ['a CMND Excel stored as a number (its 0 lost)', 12345678, { citizenId: null, oldIdNumber: '012345678' }],
    ['a CMND stored as a number', 212345678, { citizenId: null, oldIdNumber: '212345678' }],
    ['an empty cell', null, { citizenId: null, oldIdNumber: null }],
    ['a wrong length goes to the CCCD rules', '04219000123', { citizenId: '04219000123', oldIdNumber: null }],
    ['a short number goes to the CCCD rules', 1234, { citizenId: 1234, oldIdNumber: null }],
    ['text that is no number', 'chưa có', { citizenId: 'chưa có', oldIdNumber: null }],
  ])('%s', (_, cell, expected) => {
    expect(splitIdentityNumber(cell)).toEqual(expected);
  });
});
