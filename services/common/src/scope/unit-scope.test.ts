import { describe, expect, it } from '@jest/globals';
import { Session } from '../auth/session.ts';
import type { Principal } from '../auth/token-verifier.ts';
import { subtreeFor, unitInScope, type ScopeUnit } from './unit-scope.ts';

const principal: Principal = {
  subject: 's',
  username: 'huyen.436',
  unitCode: '436',
  unitLevel: 'district',
  roles: ['officer'],
  clientId: 'c',
};
const district = Session.of(principal, '42.436');
const analyst = Session.of({ ...principal, roles: ['analyst'] }, '42.436');

const UNITS: Record<string, ScopeUnit> = {
  '436': { path: '42.436', level: 'district' },
  '18073': { path: '42.436.18073', level: 'commune' },
  '18229': { path: '42.440.18229', level: 'commune' },
};
/** Units as the registry's loader gives them, and as other subgraphs' path loaders do. */
const units = { load: async (code: string) => UNITS[code] ?? null };
const paths = { load: async (code: string) => UNITS[code]?.path };

describe('subtreeFor', () => {
  it("answers the caller's own scope without a unit code, else the named unit's path", async () => {
    expect(await subtreeFor(district, 'person:read', undefined, units)).toBe('42.436');
    expect(await subtreeFor(district, 'person:read', '18073', units)).toBe('42.436.18073');
    expect(await subtreeFor(district, 'person:read', '18073', paths)).toBe('42.436.18073');
  });

  it('refuses a malformed code, an unknown unit and one outside the scope', async () => {
    await expect(subtreeFor(district, 'person:read', '18073; --', units)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'unitCode',
    });
    await expect(
      subtreeFor(district, 'person:read', '99999', paths, 'filter.unitCode'),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.unitCode',
      message: 'Không tìm thấy đơn vị có mã "99999".',
    });
    await expect(subtreeFor(district, 'person:read', '18229', units)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('unitInScope', () => {
  it('checks the action on the unit, and its level when asked', async () => {
    const options = { level: 'commune' } as const;
    expect(await unitInScope(district, 'person:write', '18073', units, options)).toEqual({
      code: '18073',
      path: '42.436.18073',
    });
    await expect(unitInScope(district, 'person:write', '436', units, options)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'Không tìm thấy xã/phường có mã "436".',
    });
    // A lookup that knows only paths cannot tell a commune: it finds none rather than guess.
    await expect(unitInScope(district, 'person:write', '18073', paths, options)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(unitInScope(analyst, 'person:write', '18073', units)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
