import { describe, expect, it } from '@jest/globals';
import { copyValue } from './copy-rows.ts';

describe('copyValue', () => {
  it('writes COPY text format: \\N for null, escaped tabs, newlines and backslashes', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(12)).toBe('12');
    expect(copyValue(true)).toBe('true');
    expect(copyValue('Thôn 1')).toBe('Thôn 1');
    expect(copyValue('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
  });
});
