import { describe, expect, it } from '@jest/globals';
import { isMobileNumber, parsePhone, phoneNumberOf, PHONE_PROBLEM } from './phone.rule.ts';

describe('phoneNumberOf', () => {
  it.each([
    ['0912345678', '0912345678'],
    ['0912.345.678', '0912345678'],
    ['0386 123 456', '0386123456'],
    ['+84 912 345 678', '0912345678'],
    ['+84 (0) 912 345 678', '0912345678'],
    ['84912345678', '0912345678'],
    // Landlines: Hà Nội (024 + 8 digits), a province (0239 + 7 digits), and from abroad.
    ['024 3825 1234', '02438251234'],
    ['(0239) 3855 123', '02393855123'],
    ['+84 24 3825 1234', '02438251234'],
    ['842438251234', '02438251234'],
  ])('reads %p as %p', (written, stored) => {
    expect(phoneNumberOf(written)).toBe(stored);
    expect(parsePhone(written)).toBe(stored);
  });

  it.each([
    '091234567', // 9 digits
    '09123456789', // a mobile with a digit too many
    '0123456789', // an 01x mobile, renumbered in 2018
    '0412345678', // a landline before 2017 (04 Hà Nội)
    '0612345678',
    '03812345678', // 11 digits not from 02
    '0241234567', // a landline a digit short
    '+1 202 555 0100',
    '+849123',
    '0912 345 678 / 0983 111 222',
    'không có',
  ])('refuses %p', (written) => {
    expect(phoneNumberOf(written)).toBeNull();
    expect(parsePhone(written)).toBe(PHONE_PROBLEM);
  });

  it('tells mobiles, on which wallets are opened, from landlines', () => {
    expect(isMobileNumber('0912345678')).toBe(true);
    expect(isMobileNumber('02438251234')).toBe(false);
  });
});
