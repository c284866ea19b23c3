import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TestDatabase = { url: string; drop(): Promise<void> };

function adminUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

/**
 * A fresh database for one test file, cloned from the migrated template that the jest global
 * setup prepared (`CREATE DATABASE ... TEMPLATE`), so test files run in parallel without sharing rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const templateUrl = process.env.ANSINH_TEST_TEMPLATE_URL;
  if (!templateUrl) throw new Error('ANSINH_TEST_TEMPLATE_URL is not set: run the tests with `npm test`.');
  const template = new URL(templateUrl).pathname.slice(1);
  // Named after the run (the template's machine and process id) so that a later run can tell leftovers apart.
  const run = template.replace('ansinh_test_template_', '');
  const name = `test_${run}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl(templateUrl) });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        break;
      } catch (error) {
        // Two clones of one template started at the same instant can collide; the next try succeeds.
        if (attempt >= 5 || !String((error as Error).message).includes('is being accessed by other users'))
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl(templateUrl) });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}
