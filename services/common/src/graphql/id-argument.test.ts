import { describe, expect, it } from '@jest/globals';
import { idArgument } from './id-argument.ts';

describe('idArgument', () => {
  it('passes a uuid, and refuses anything else as bad input on the field', () => {
    const id = '0194f3c2-7c1e-7d2a-9b1e-2f3a4b5c6d7e';
    expect(idArgument(id)).toBe(id);
    expect(() => idArgument('1; drop table persons', 'personId')).toThrow(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        field: 'personId',
        message: 'Mã định danh không hợp lệ.',
      }),
    );
    expect(() => idArgument('x'.repeat(10_000))).toThrow('Mã định danh không hợp lệ.');
  });
});
