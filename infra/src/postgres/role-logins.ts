import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { subgraphRole } from '@ansinh/common';
import type { RoleLogins } from './role-passwords.ts';
import pg from 'pg';

/**
 * A SCRAM-SHA-256 verifier of the password, as PostgreSQL stores it (RFC 5802, RFC 7677): `alter role`
 * is given the verifier, so the password itself appears in no statement log. The password's bytes are
 * hashed as they are, without SASLprep, as node-postgres does when it logs in.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * Lets each subgraph's role (created NOLOGIN by its migrations) log in with its password. With
 * `logins`, every role gets its password; without, only roles that cannot log in yet get the
 * development password (their name), so a cluster set up by `npm run migrate` keeps its passwords.
 * Roles are cluster-wide: concurrent runs on one cluster may collide, and the loser retries.
 */
export async function grantRoleLogins(
  databaseUrl: string,
  schemas: readonly string[],
  logins?: RoleLogins,
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) {
      const role = subgraphRole(schema);
      const { rows } = await client.query<{ rolcanlogin: boolean }>(
        'select rolcanlogin from pg_roles where rolname = $1',
        [role],
      );
      if (!rows[0]) throw new Error(`the database role ${role} does not exist: its migrations have not run`);
      const password = logins?.[schema] ?? (rows[0].rolcanlogin ? undefined : role);
      if (password === undefined) continue;
      const sql = `alter role "${role}" with login password ${client.escapeLiteral(scramVerifier(password))}`;
      for (let attempt = 1; ; attempt += 1) {
        try {
          await client.query(sql);
          break;
        } catch (error) {
          if (attempt >= 5 || !/concurrently updated/.test((error as Error).message)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        }
      }
    }
  } finally {
    await client.end();
  }
}
