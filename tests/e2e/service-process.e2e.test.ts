import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MAINS = {
  registry: 'services/registry/src/main.ts',
  approvals: 'services/approvals/src/main.ts',
  payments: 'services/payments/src/main.ts',
  reporting: 'services/reporting/src/main.ts',
  gateway: 'gateway/src/main.ts',
};

type Exit = { code: number | null; output: string };

function run(
  entry: string,
  env: NodeJS.ProcessEnv,
  whileRunning?: (output: () => string) => Promise<void>,
): Promise<Exit> {
  const child = spawn(process.execPath, [entry], { cwd: root, env: { PATH: process.env.PATH, ...env } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code) => resolve({ code, output })));
  if (whileRunning) {
    void whileRunning(() => output).then(
      () => child.kill('SIGTERM'),
      () => child.kill('SIGKILL'),
    );
  }
  return exited;
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('service processes', () => {
  it.each(Object.entries(MAINS))(
    '%s refuses to start without its configuration, naming each variable',
    async (_name, entry) => {
      const { code, output } = await run(entry, { KEYCLOAK_URL: 'not a url', LOG_LEVEL: 'chatty' });
      expect(code).toBe(1);
      expect(output).toContain('KEYCLOAK_URL');
      expect(output).toContain('LOG_LEVEL');
      if (!entry.startsWith('gateway')) expect(output).toContain('DATABASE_URL is required but not set');
    },
  );

  it('serves /health and /ready, then stops cleanly on SIGTERM', async () => {
    const port = 41_000 + Math.floor(Math.random() * 1000);
    let health = 0;
    let ready: unknown;
    const { code } = await run(
      MAINS.registry,
      {
        DATABASE_URL: database.url,
        KEYCLOAK_URL: process.env.KEYCLOAK_URL,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      async () => {
        const deadline = Date.now() + 20_000;
        while (Date.now() < deadline) {
          const answer = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
          if (answer?.ok) {
            health = answer.status;
            ready = await (await fetch(`http://127.0.0.1:${port}/ready`)).json();
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error('registry did not start');
      },
    );
    expect(health).toBe(200);
    expect(ready).toEqual({ database: true, jwks: true });
    expect(code).toBe(0);
  });
});
