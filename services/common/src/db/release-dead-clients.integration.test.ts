import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { releaseDeadClients } from './release-dead-clients.ts';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  releaseDeadClients(pool);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('releaseDeadClients', () => {
  it('leaves pool.query() working: pg-pool checks out with a callback, and its client comes back', async () => {
    for (let index = 0; index < 5; index += 1)
      expect((await pool.query<{ n: number }>('select $1::int as n', [index])).rows).toEqual([{ n: index }]);
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it('gives back as broken a client whose connection is ended while it is checked out', async () => {
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    await pool.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool.totalCount - pool.idleCount).toBe(0);
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});
