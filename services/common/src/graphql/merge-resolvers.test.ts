import { describe, expect, it } from '@jest/globals';
import { mergeResolvers } from './merge-resolvers.ts';

describe('mergeResolvers', () => {
  it("joins each type's fields from every capability", () => {
    const a = () => 1;
    const b = () => 2;
    const merged = mergeResolvers('test', { Query: { a } }, { Query: { b }, Person: { a } });
    expect(Object.keys(merged.Query!)).toEqual(['a', 'b']);
    expect(merged.Person!.a).toBe(a);
  });

  it('refuses a field resolved by two capabilities', () => {
    expect(() => mergeResolvers('test', { Query: { a: () => 1 } }, { Query: { a: () => 2 } })).toThrow(
      'test: Query.a is resolved twice',
    );
  });
});
