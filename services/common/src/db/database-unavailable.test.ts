import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { databaseUnavailable } from './database-unavailable.ts';

describe('databaseUnavailable', () => {
  it('knows a refused connection, a shutdown and a lost connection, wrapped or not', () => {
    expect(
      databaseUnavailable(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(databaseUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      true,
    );
    expect(databaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      databaseUnavailable(new Error('outer', { cause: Object.assign(new Error('x'), { code: '08006' }) })),
    ).toBe(true);
    expect(
      databaseUnavailable(
        new AggregateError([new Error('a'), Object.assign(new Error('b'), { code: 'ECONNRESET' })]),
      ),
    ).toBe(true);
  });

  it('knows them when they come from another realm than the code asking', () => {
    const foreign = runInNewContext(
      `Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })`,
    );
    expect(foreign instanceof Error).toBe(false);
    expect(databaseUnavailable(foreign)).toBe(true);
  });

  it('leaves other errors alone', () => {
    expect(databaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(databaseUnavailable('ECONNREFUSED')).toBe(false);
    expect(databaseUnavailable(null)).toBe(false);
  });
});
