import { describe, expect, it } from '@jest/globals';
import { Session } from '../auth/session.ts';
import type { Principal } from '../auth/token-verifier.ts';
import type { ScopedUnit } from '../db/unit-scope.ts';
import { subtreeFor, unitInScope } from './unit-scope.ts';

const officer = (unitCode: string, unitLevel: Principal['unitLevel']): Principal => ({
  subject: 's',
  username: `officer.${unitCode}`,
  unitCode,
  unitLevel,
  roles: ['officer'],
  clientId: 'c',
});

const unit = (
  id: string,
  code: string,
  level: ScopedUnit['level'],
  path: string,
  scopePaths: string[] = [path],
  validTo: string | null = null,
): ScopedUnit => ({ id, code, level, path, scopePaths, validTo });

// Hà Tĩnh across the 1 July 2025 reform: new 18073 took old 18073 and 18077 whole; district 436 ended.
const UNITS: Record<string, ScopedUnit> = {
  '42': unit('p', '42', 'province', '42_20250701', ['42_20250701', '42']),
  '18073': unit('n1', '18073', 'commune', '42_20250701.18073_20250701', [
    '42_20250701.18073_20250701',
    '42.436.18073',
    '42.436.18077',
  ]),
  '18100': unit('n2', '18100', 'commune', '42_20250701.18100_20250701'),
  '436': unit('d', '436', 'district', '42.436', ['42.436'], '2025-06-30'),
  '18077': unit('o2', '18077', 'commune', '42.436.18077', ['42.436.18077'], '2025-06-30'),
};
const units = { load: async (code: string) => UNITS[code] ?? null };

const sessionOf = (code: string, roles?: string[]) => {
  const scoped = UNITS[code]!;
  return Session.of(
    { ...officer(code, scoped.level), ...(roles ? { roles } : {}) },
    {
      unitId: scoped.id,
      code,
      level: scoped.level,
      path: scoped.path,
      readPaths: scoped.scopePaths,
      validTo: scoped.validTo,
    },
  );
};
const province = sessionOf('42');
const commune = sessionOf('18073');
const formerDistrict = sessionOf('436');

describe('subtreeFor', () => {
  it("answers the caller's read paths across eras without a unit code, else those of the named unit", async () => {
    expect(await subtreeFor(commune, 'person:read', undefined, units)).toEqual([
      '42_20250701.18073_20250701',
      '42.436.18073',
      '42.436.18077',
    ]);
    expect(await subtreeFor(province, 'person:read', '18073', units)).toEqual(UNITS['18073']!.scopePaths);
    // The province reads a former district's records; the former district reads only its own.
    expect(await subtreeFor(province, 'person:read', '436', units)).toEqual(['42.436']);
    expect(await subtreeFor(formerDistrict, 'person:read', undefined, units)).toEqual(['42.436']);
  });

  it('refuses a malformed code, an unknown unit and one outside the scope', async () => {
    await expect(subtreeFor(commune, 'person:read', '18073; --', units)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'unitCode',
    });
    await expect(subtreeFor(commune, 'person:read', '99999', units, 'filter.unitCode')).rejects.toMatchObject(
      {
        code: 'BAD_USER_INPUT',
        field: 'filter.unitCode',
        message: 'Không tìm thấy đơn vị có mã "99999".',
      },
    );
    await expect(subtreeFor(commune, 'person:read', '18100', units)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    // Today's 18073 does not read the province; the former district does not read today's communes.
    await expect(subtreeFor(commune, 'person:read', '42', units)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(subtreeFor(formerDistrict, 'person:read', '18073', units)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('unitInScope', () => {
  it('checks the action on the unit, and its level when asked', async () => {
    const options = { level: 'commune' } as const;
    expect(await unitInScope(province, 'person:write', '18073', units, options)).toBe(UNITS['18073']);
    await expect(unitInScope(province, 'person:write', '42', units, options)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'Không tìm thấy xã/phường có mã "42".',
    });
    await expect(
      unitInScope(sessionOf('18073', ['analyst']), 'person:write', '18073', units),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('reads an ended unit within the scope, and refuses to write to it, whoever asks', async () => {
    expect(await unitInScope(commune, 'person:read', '18077', units)).toBe(UNITS['18077']);
    await expect(unitInScope(province, 'person:write', '18077', units)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'unitCode',
      message: expect.stringContaining('đã chấm dứt hoạt động từ sau ngày 30/06/2025'),
    });
  });

  it("writes only under the caller's own unit, not under the units it inherited", async () => {
    // Old 18077 is read by today's 18073; nothing can be written to it, and today's 18073 writes only itself.
    await expect(unitInScope(commune, 'person:write', '18100', units)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await unitInScope(commune, 'person:write', '18073', units)).id).toBe('n1');
  });

  it('refuses every change to the account of a unit that has ended, and lets it read', async () => {
    await expect(unitInScope(formerDistrict, 'person:write', '436', units)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('Đơn vị 436 đã chấm dứt hoạt động từ sau ngày 30/06/2025'),
    });
    expect(() => formerDistrict.assert('duplicate:decide')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(formerDistrict.assert('person:read')).toBe('42.436');
    expect(formerDistrict.writable).toBe(false);
  });
});

describe('a national session (the ministry) and unit-code arguments', () => {
  const ministry = Session.of(
    { ...officer('00', 'national'), username: 'boyte', roles: ['ministry', 'officer'] },
    undefined,
  );

  it('is refused before any unit is looked up, with or without a unit code', async () => {
    const looked: string[] = [];
    const watched = { load: async (code: string) => (looked.push(code), UNITS[code] ?? null) };
    for (const code of [undefined, '42', '18073'])
      await expect(subtreeFor(ministry, 'person:read', code, watched)).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/cấp toàn quốc/),
      });
    await expect(unitInScope(ministry, 'person:write', '18073', watched)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(looked).toEqual([]);
  });
});
