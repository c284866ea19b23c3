import { describe, expect, it } from '@jest/globals';
import { digitsOf } from './digits.ts';

describe('digitsOf', () => {
  it('takes the digits of a number written with spaces, dots, dashes or parentheses', () => {
    expect(digitsOf('042195000123')).toBe('042195000123');
    expect(digitsOf('042 195.000-123')).toBe('042195000123');
    expect(digitsOf('(0239) 3855 123')).toBe('02393855123');
  });

  it('refuses letters, other signs and text without a digit', () => {
    expect(digitsOf('0912 345 678 / 0983 111 222')).toBeNull();
    expect(digitsOf('+84912345678')).toBeNull();
    expect(digitsOf('12a')).toBeNull();
    expect(digitsOf(' - ')).toBeNull();
  });
});
