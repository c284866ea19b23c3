import { describe, expect, it, jest } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { cachedUnitScopes } from './unit-scope.ts';

/** An EntityManager that answers the unit lookup with the rows given, counting the lookups. */
function unitsDatabase(rows: Record<string, unknown>[]) {
  const execute = jest.fn(async (_sql: string, params: unknown[]) => {
    const codes = String(params[0]).replace(/[{}"]/g, '').split(',');
    return rows.filter((row) => codes.includes(row['code'] as string));
  });
  return { em: { execute } as unknown as EntityManager, execute };
}

const THANH_SEN = {
  id: 'u-18073',
  code: '18073',
  level: 'commune',
  path: '42.18073',
  scope_paths: ['42.18073', '42.436.18073'],
  valid_to: null,
};

describe('cachedUnitScopes', () => {
  it('asks the database once per code within the time to live, then again', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-03T03:00:00Z') });
    try {
      const { em, execute } = unitsDatabase([THANH_SEN]);
      const scopes = cachedUnitScopes(30_000);
      const first = await scopes(em, '18073');
      expect(first).toMatchObject({ unitId: 'u-18073', code: '18073', readPaths: THANH_SEN.scope_paths });
      expect(await scopes(em, '18073')).toBe(first);
      expect(execute).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(30_001);
      await scopes(em, '18073');
      expect(execute).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('asks again on a new day in Vietnam, when a reorganisation may have taken effect', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-03T16:59:50Z') });
    try {
      const { em, execute } = unitsDatabase([THANH_SEN]);
      const scopes = cachedUnitScopes(60_000);
      await scopes(em, '18073');
      jest.advanceTimersByTime(20_000); // 00:00:10 on 4 December in Vietnam
      await scopes(em, '18073');
      expect(execute).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps no answer for a code that names no unit', async () => {
    const { em, execute } = unitsDatabase([]);
    const scopes = cachedUnitScopes();
    expect(await scopes(em, '99999')).toBeUndefined();
    expect(await scopes(em, '99999')).toBeUndefined();
    expect(execute).toHaveBeenCalledTimes(2);
  });
});
