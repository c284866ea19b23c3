// `npm start`: the whole product on this machine. PostgreSQL (DATABASE_URL or embedded) and
// Keycloak (KEYCLOAK_URL or the project's own) come up, migrations run, the country's units (the
// national lists) and the demo data are loaded once (Hà Tĩnh's persons with pre-reform records,
// carried across the 1 July 2025 reform by the reform tool), then the four subgraphs and the gateway start as child processes, restarted if they die.
// Ctrl-C stops all of it; a second Ctrl-C does not wait.
// The launcher loads none of the subgraphs' code: migrating and seeding run in a child (seed.ts) that ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { databasePasswordVariable, roleLoginUrl } from '@ansinh/common/config';
import { DEMO_PASSWORD, DEMO_USERS, syncClientId, syncClientSecret } from './keycloak/demo-users.ts';
import { ensureKeycloak, type RunningKeycloak } from './keycloak/keycloak.ts';
import { roleLoginsOrExit } from './postgres/role-passwords.ts';
import { ensurePostgres, type RunningPostgres } from './postgres/postgres.ts';
import { createSupervisor, onStopSignals, withTimeout } from './process/supervisor.ts';
import { repoRoot } from './repo-root.ts';
import { DEMO_REFORM_DATE } from './demo/demo-units.ts';
import { SERVICE_NODE_FLAGS, SUBGRAPH_SERVICES } from './subgraph-services.ts';

const startedAt = Date.now();
const log = (line: string) => console.log(`[ansinh] ${line}`);
const gatewayPort = Number(process.env.PORT ?? 4000);
// The realm lists the console's web origins on this port (infra/keycloak/realm-ansinh.json).
const consolePort = 4100;
const consoleOrigins = [`http://localhost:${consolePort}`, `http://127.0.0.1:${consolePort}`];
const logins = roleLoginsOrExit('npm start', process.env);

// A child that dies is restarted a few times; one that keeps dying stops everything.
const supervisor = createSupervisor({
  log,
  onGiveUp: (name) => {
    log(`${name} keeps failing; stopping everything`);
    void stopAll(1);
  },
});
let keycloakStarting: Promise<RunningKeycloak> | undefined;
let keycloak: RunningKeycloak | undefined;
let postgres: RunningPostgres | undefined;
let seeding: ChildProcess | undefined;
let stopping: Promise<void> | undefined;
/** Stops the services, then Keycloak, then PostgreSQL (what this launcher started), and exits. */
function stopAll(code: number): Promise<void> {
  stopping ??= (async () => {
    log('stopping…');
    seeding?.kill('SIGTERM');
    await supervisor.stop();
    const keycloakStopped = await withTimeout(
      (keycloakStarting ?? Promise.resolve(undefined)).then(
        (running) => running?.stop(),
        () => undefined,
      ),
      40_000,
    );
    if (keycloakStopped === 'timeout') log('Keycloak did not stop in 40 s; leaving it');
    const postgresStopped = await withTimeout(postgres?.stop() ?? Promise.resolve(), 30_000);
    if (postgresStopped === 'timeout') log('PostgreSQL did not stop in 30 s; leaving it');
    process.exit(code);
  })();
  return stopping;
}
const signals = onStopSignals({
  log,
  stop: () => stopAll(0),
  force: () => {
    supervisor.kill();
    log('forced to stop: the services are killed; Keycloak and PostgreSQL may still be running');
    process.exit(130);
  },
});

try {
  keycloakStarting = ensureKeycloak({ keycloakUrl: process.env.KEYCLOAK_URL, repoRoot, log });
  keycloakStarting.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
  postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot, log });
  signals.reclaim();
  seeding = spawn(process.execPath, [join(repoRoot, 'infra', 'src', 'seed.ts')], {
    env: { ...process.env, DATABASE_URL: postgres.url },
    stdio: 'inherit',
  });
  const [code, signal] = (await once(seeding, 'exit')) as [number | null, NodeJS.Signals | null];
  seeding = undefined;
  if (code !== 0)
    throw new Error(`migrating and loading the demo data failed (${signal ?? `exit code ${code}`})`);
  keycloak = await keycloakStarting;
  signals.reclaim();
} catch (error) {
  // A Ctrl-C while seeding ends the child too: that is a stop, not a failure to report.
  if (!stopping) log(`could not start: ${(error as Error).message}`);
  await stopAll(1);
}

// Each child gets only what it needs: a subgraph its own role's login (never the owner's), the gateway no database at all.
const baseEnv: NodeJS.ProcessEnv = { ...process.env, KEYCLOAK_URL: keycloak!.url };
delete baseEnv.DATABASE_URL;
for (const subgraph of SUBGRAPH_SERVICES) delete baseEnv[databasePasswordVariable(subgraph.schema)];
const subgraphUrls: Record<string, string> = Object.fromEntries(
  SUBGRAPH_SERVICES.map((subgraph) => [
    `${subgraph.name.toUpperCase()}_URL`,
    `http://127.0.0.1:${subgraph.defaultPort}/graphql`,
  ]),
);
for (const subgraph of SUBGRAPH_SERVICES) {
  supervisor.start({
    name: subgraph.name,
    command: process.execPath,
    args: [...SERVICE_NODE_FLAGS, join(repoRoot, 'services', subgraph.name, 'src', 'main.ts')],
    env: {
      ...baseEnv,
      // The sync intake (approvals) finds or registers applicants through the registry's API.
      ...subgraphUrls,
      DATABASE_URL: roleLoginUrl(postgres!.url, subgraph.schema, logins[subgraph.schema]!),
      PORT: String(subgraph.defaultPort),
    },
  });
}
await waitFor(Object.values(subgraphUrls).map((url) => url.replace('/graphql', '/ready')));
supervisor.start({
  name: 'gateway',
  command: process.execPath,
  args: [...SERVICE_NODE_FLAGS, join(repoRoot, 'gateway', 'src', 'main.ts')],
  env: { ...baseEnv, ...subgraphUrls, PORT: String(gatewayPort), CORS_ORIGINS: consoleOrigins.join(',') },
});
const graphUrl = `http://localhost:${gatewayPort}/graphql`;
supervisor.start({
  name: 'console',
  command: process.execPath,
  args: [join(repoRoot, 'services', 'console', 'server', 'main.ts'), '--build'],
  env: { ...baseEnv, PORT: String(consolePort), CONSOLE_GRAPHQL_URL: graphUrl },
});
await waitFor([`http://127.0.0.1:${gatewayPort}/ready`, `http://127.0.0.1:${consolePort}/health`]);

console.log(`
Ansinh is running (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s).
  Console         : ${consoleOrigins[0]}  (bảng điều khiển: log in with a demo account below)
  GraphQL gateway : ${graphUrl}
  Keycloak        : ${keycloak!.url}  (realm ansinh; admin console: ${keycloak!.url}/admin/ansinh/console/)
  PostgreSQL      : ${postgres!.url.replace(/:[^:@/]+@/, ':***@')}

Hà Tĩnh as it is today (two tiers since ${DEMO_REFORM_DATE}); the demo persons were registered in the old
communes of districts 436, 437 and 440 and carried across the reform.
Demo accounts (password for all: ${DEMO_PASSWORD}):
${DEMO_USERS.map((user) => `  ${user.username.padEnd(12)} ${user.unitLevel.padEnd(8)} ${user.unitCode.padEnd(6)} ${user.displayName.padEnd(20)} ${user.roles.join(', ')}\n${' '.repeat(15)}${user.shows}`).join('\n')}

Provincial one-stop systems (two-way sync; client credentials, one client per province):
  ${syncClientId('42')} / ${syncClientSecret('42')}   Hà Tĩnh (sync mode: two-way); ${syncClientId('<code>')} / ${syncClientSecret('<code>')} for the others

Get a token and ask the graph:
  TOKEN=$(curl -s -d grant_type=password -d client_id=ansinh-test-login -d username=xa.18073 -d password='${DEMO_PASSWORD}' \\
    ${keycloak!.url}/realms/ansinh/protocol/openid-connect/token | node -e "process.stdin.on('data',d=>console.log(JSON.parse(d).access_token))")
  curl -s ${graphUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"query":"{ persons(first: 3) { totalCount edges { node { fullName residenceUnit { code name } entitlements { monthlyAmount } payments { month total status } } } } }"}'

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
      if (stopping) return stopping;
      if (Date.now() > deadline) {
        log(`${url} did not become ready in ${timeoutMs / 1000} s`);
        return stopAll(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
