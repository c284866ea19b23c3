import { describe, expect, it } from '@jest/globals';
import { Session } from './session.ts';
import type { Principal } from './token-verifier.ts';

const commune: Principal = {
  subject: 's',
  username: 'xa.18073',
  unitCode: '18073',
  unitLevel: 'commune',
  roles: ['officer'],
  clientId: 'c',
};

describe('Session', () => {
  it('covers its own unit and the units below it, nothing beside it', () => {
    const district = Session.of({ ...commune, unitCode: '436', unitLevel: 'district' }, '42.436');
    expect(district.covers('42.436')).toBe(true);
    expect(district.covers('42.436.18073')).toBe(true);
    expect(district.covers('42.4360.1')).toBe(false);
    expect(district.covers('42.440.18229')).toBe(false);
    expect(district.covers('42')).toBe(false);
  });

  it('refuses actions that no role of the user grants', () => {
    const session = Session.of(commune, '42.436.18073');
    expect(session.assert('person:write')).toBe('42.436.18073');
    expect(() => Session.of({ ...commune, roles: ['analyst'] }, '42').assert('person:write')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('refuses everything when the unit of the account is unknown', () => {
    expect(() => Session.of(commune, undefined).assert('person:read')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('asks anonymous callers to log in', () => {
    expect(() => Session.anonymous().assert('person:read')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });

  it('grants a field action when any role of the user does, and names the field when it refuses', () => {
    const payer = Session.of({ ...commune, roles: ['payer'] }, '42.436.18073');
    expect(payer.allows('account:read-number')).toBe(true);
    expect(payer.allows('history:read-values')).toBe(false);
    expect(() => payer.assertField('history:read-values', 'before')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('"before"') }),
    );
    expect(
      Session.of({ ...commune, roles: ['analyst', 'auditor'] }, '42').allows('history:read-values'),
    ).toBe(true);
    expect(Session.anonymous().allows('person:read-identity')).toBe(false);
    expect(() => Session.anonymous().assertField('person:read-identity', 'citizenId')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });
});
