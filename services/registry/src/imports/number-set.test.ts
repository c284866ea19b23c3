import { describe, expect, it } from '@jest/globals';
import { NumberSet } from './number-set.ts';

describe('NumberSet', () => {
  it('tells new numbers from ones already added, past several growths', () => {
    const set = new NumberSet();
    for (let serial = 0; serial < 300_000; serial++) expect(set.add(42_056_000_000 + serial * 7)).toBe(true);
    expect(set.size).toBe(300_000);
    expect(set.add(42_056_000_000)).toBe(false);
    expect(set.add(42_056_000_000 + 299_999 * 7)).toBe(false);
    expect(set.add(0)).toBe(true);
    expect(set.add(0)).toBe(false);
    expect(set.add(999_999_999_999)).toBe(true);
    expect(set.size).toBe(300_002);
  });
});
