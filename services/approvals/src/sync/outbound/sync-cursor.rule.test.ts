import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, isSequence } from './sync-cursor.rule.ts';

describe('the feed cursor', () => {
  it('round-trips the sequence of its province, and is opaque', () => {
    const cursor = encodeCursor('42', '123');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('123');
    expect(decodeCursor(cursor, '42')).toEqual({ ok: true, sequence: '123' });
  });

  it('refuses another province’s cursor and anything not made by encodeCursor', () => {
    expect(decodeCursor(encodeCursor('01', '5'), '42')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/tỉnh khác/),
    });
    for (const bad of [
      '',
      'abc',
      '!!!',
      'x'.repeat(101),
      Buffer.from('v1:42:-1').toString('base64url'),
      Buffer.from('v1:42:1:2').toString('base64url'),
      Buffer.from('v2:42:1').toString('base64url'),
      Buffer.from(`v1:42:${'9'.repeat(19)}`).toString('base64url'),
      Buffer.from('v1:42:007').toString('base64url'),
    ]) {
      expect(decodeCursor(bad, '42')).toMatchObject({ ok: false });
    }
  });

  it('bounds sequences given as text', () => {
    expect(isSequence('1')).toBe(true);
    expect(isSequence('999999999999999999')).toBe(true);
    for (const bad of ['', '-1', '01', '1.5', '1e3', '9'.repeat(19)]) expect(isSequence(bad)).toBe(false);
  });
});
