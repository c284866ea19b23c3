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

describe('a national session (the ministry, unit_level national)', () => {
  const ministry: Principal = {
    subject: 'm',
    username: 'boyte',
    unitCode: '00',
    unitLevel: 'national',
    roles: ['ministry'],
    clientId: 'ansinh-test-login',
  };
  const unitScope = {
    unitId: 'p',
    code: '42',
    level: 'province' as const,
    path: '42_20250701',
    readPaths: ['42_20250701', '42'],
    validTo: null,
  };

  it('is authenticated but has no unit scope, whatever scope it is given', () => {
    for (const scope of [undefined, '42_20250701', unitScope]) {
      const session = Session.of(ministry, scope);
      expect(session.isAuthenticated).toBe(true);
      expect(session.isNational).toBe(true);
      expect(session.scope).toBeUndefined();
      expect(session.scopePath).toBeUndefined();
      expect(session.readPaths).toEqual([]);
      expect(session.writable).toBe(false);
      expect(session.covers('42_20250701')).toBe(false);
      expect(session.covers('42_20250701.18073_20250701')).toBe(false);
      expect(session.coversForWrite('42_20250701.18073_20250701')).toBe(false);
    }
    expect(Session.of(commune, '42.436.18073').isNational).toBe(false);
    expect(Session.anonymous().isNational).toBe(false);
  });

  it('is refused every scoped action with a message that says why, even with roles that would grant it', () => {
    const national = Session.of(ministry, undefined);
    const withRoles = Session.of({ ...ministry, roles: ['officer', 'admin', 'ministry'] }, unitScope);
    for (const session of [national, withRoles]) {
      for (const action of ['person:read', 'person:write', 'sync:read', 'national-sync:read'] as const) {
        expect(() => session.assert(action)).toThrow(
          expect.objectContaining({
            code: 'FORBIDDEN',
            message: expect.stringMatching(/cấp toàn quốc.*không gắn với đơn vị hành chính/),
          }),
        );
      }
    }
  });

  it('is granted the actions on no unit by role alone (assertUnscoped), and only by role', () => {
    expect(Session.of(ministry, undefined).assertUnscoped('national-sync:read')).toBe(ministry);
    // A province's administrator reads its own sync status (scoped), not the national table.
    const admin = Session.of({ ...commune, unitCode: '42', unitLevel: 'province', roles: ['admin'] }, '42');
    expect(() => admin.assertUnscoped('national-sync:read')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringMatching(/^Chỉ Bộ Y tế/) }),
    );
    expect(() => Session.anonymous().assertUnscoped('national-sync:read')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });

  it('reads no field of records: there are none in its scope', () => {
    const session = Session.of(ministry, undefined);
    expect(session.allows('person:read-identity')).toBe(false);
    expect(() => session.assertField('person:read-identity', 'citizenId')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });
});
