import { describe, expect, it } from '@jest/globals';
import { arrayLiteral } from './array-literal.ts';

describe('arrayLiteral', () => {
  it('quotes every element and escapes quotes and backslashes', () => {
    expect(arrayLiteral(['42', 'a,b', 'say "hi"', 'back\\slash'])).toBe(
      '{"42","a,b","say \\"hi\\"","back\\\\slash"}',
    );
    expect(arrayLiteral([])).toBe('{}');
  });
});
