import { execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { DEMO_PASSWORD, ensureKeycloak, ensurePostgres, passwordGrant, repoRoot } from '@ansinh/infra';
import type { BenchResult } from './bench-report.ts';

const GATEWAY = 'http://localhost:4000/graphql';
const KEYCLOAK = 'http://localhost:8180';
const QUERIES = 300;

/** Resident memory (MB) of a process and all its descendants: node services, the Keycloak JVM, PostgreSQL. */
function treeRssMb(rootPid: number, exclude = new Set<number>()): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const rss = new Map(rows.map(([pid, , kb]) => [pid, kb]));
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    if (!exclude.has(pid)) total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return Math.round(total / 1024);
}

async function answers(url: string, init?: RequestInit): Promise<boolean> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(1000) }).then(
    (response) => response.ok,
    () => false,
  );
}

const PUBLIC_QUERY = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: '{ administrativeUnit(code: "42") { fullName } }' }),
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * `npm start` measured: seconds from launch until the gateway answers, against the floor of
 * starting PostgreSQL and Keycloak alone in the same run; the stack's peak memory while starting
 * and serving cross-subgraph queries; query latency; and the time Ctrl-C takes to stop it all.
 */
export async function benchStack(): Promise<BenchResult> {
  if ((await answers(`${KEYCLOAK}/realms/ansinh`)) || (await answers(GATEWAY, PUBLIC_QUERY))) {
    throw new Error(
      'Keycloak or the gateway is already running: stop `npm start` (and `npm test`) before this benchmark.',
    );
  }

  // Baseline: the infrastructure alone (embedded PostgreSQL and Keycloak, both from their caches).
  const infraStart = performance.now();
  const [postgres, keycloak] = await Promise.all([
    ensurePostgres({ repoRoot }),
    ensureKeycloak({ repoRoot }),
  ]);
  const infraSeconds = (performance.now() - infraStart) / 1000;
  const infraRssMb = treeRssMb(process.pid, new Set([process.pid]));
  await Promise.all([keycloak.stop(), postgres.stop()]);

  // The product, as a user starts it.
  const started = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'infra', 'src', 'start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let peakRssMb = 0;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, treeRssMb(child.pid!))), 200);
  try {
    while (!(await answers(GATEWAY, PUBLIC_QUERY))) {
      if (child.exitCode !== null) throw new Error('npm start exited before the graph answered');
      if (performance.now() - started > 300_000) throw new Error('the graph did not answer within 5 minutes');
      await sleep(100);
    }
    const graphSeconds = (performance.now() - started) / 1000;
    const readyRssMb = treeRssMb(child.pid!);

    const token = await passwordGrant({
      keycloakUrl: KEYCLOAK,
      username: 'xa.18073',
      password: DEMO_PASSWORD,
    });
    const post = (query: string, variables: Record<string, unknown> = {}) =>
      fetch(GATEWAY, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      }).then((response) => response.json() as Promise<{ data: any; errors?: unknown[] }>);
    const page = await post('{ persons(first: 20) { edges { node { id } } } }');
    const ids: string[] = page.data.persons.edges.map((edge: { node: { id: string } }) => edge.node.id);
    const latencies: number[] = [];
    for (let index = 0; index < QUERIES; index += 1) {
      const begin = performance.now();
      const answer = await post(
        `query ($id: ID!) { person(id: $id) { fullName residenceUnit { name } entitlements { monthlyAmount } payments { month total status } } }`,
        { id: ids[index % ids.length] },
      );
      latencies.push(performance.now() - begin);
      if (answer.errors) throw new Error(`query failed: ${JSON.stringify(answer.errors)}`);
    }
    latencies.sort((a, b) => a - b);
    const servedRssMb = treeRssMb(child.pid!);

    const stopping = performance.now();
    child.kill('SIGINT');
    await exited;
    const stopSeconds = (performance.now() - stopping) / 1000;

    const fields = {
      graphReadySeconds: round(graphSeconds),
      infraReadySeconds: round(infraSeconds),
      ratioToInfra: round(graphSeconds / infraSeconds, 2),
      peakRssMb,
      readyRssMb,
      servedRssMb,
      infraRssMb,
      queryP50Ms: round(percentile(latencies, 50)),
      queryP95Ms: round(percentile(latencies, 95)),
      stopSeconds: round(stopSeconds),
    };
    return {
      name: 'stack',
      fields,
      table: [
        ['npm start until the graph answers', fields.graphReadySeconds, 's'],
        ['baseline: PostgreSQL + Keycloak alone', fields.infraReadySeconds, 's'],
        ['ratio to baseline', fields.ratioToInfra, '×'],
        ['peak RSS of the whole stack', fields.peakRssMb, 'MB'],
        ['RSS when ready', fields.readyRssMb, 'MB'],
        [`RSS after ${QUERIES} queries`, fields.servedRssMb, 'MB'],
        ['baseline RSS: PostgreSQL + Keycloak', fields.infraRssMb, 'MB'],
        ['cross-subgraph query p50', fields.queryP50Ms, 'ms'],
        ['cross-subgraph query p95', fields.queryP95Ms, 'ms'],
        ['Ctrl-C until everything stopped', fields.stopSeconds, 's'],
      ],
      notes: [
        'RSS sums every process of the stack (5 Node services, the launcher, the Keycloak JVM, PostgreSQL and its backends); shared pages are counted once per process, so it overstates slightly.',
        `Query: one person with residence unit, entitlements and payments (registry, approvals, payments through the gateway), ${QUERIES} in sequence with a commune token.`,
        'Both starts are warm (Keycloak distribution and its build cached under .cache/, PostgreSQL data under .data/).',
      ],
    };
  } finally {
    clearInterval(sampler);
    if (child.exitCode === null) {
      child.kill('SIGINT');
      await exited;
    }
  }
}
