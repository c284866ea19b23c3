import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { print } from 'graphql';
import { DEVELOPMENT_SUBGRAPH_SECRET, GATEWAY_CREDENTIAL_HEADER } from '@ansinh/common/graphql';
import pg from 'pg';
import { approvalsSubgraph } from '@ansinh/approvals';
import { DEMO_PASSWORD, ensurePostgres, passwordGrant, repoRoot } from '@ansinh/infra';
import { paymentsSubgraph } from '@ansinh/payments';
import { registrySubgraph } from '@ansinh/registry';
import { reportingSubgraph } from '@ansinh/reporting';
import type { BenchResult } from './bench-report.ts';
import { sdlForGrafbase } from './graph/peer-sdl.ts';
import {
  cpuMsOf,
  processTable,
  pssMbOf,
  rssMbOf,
  stackProcesses,
  stackPssMb,
  type StackProcesses,
} from './graph/processes.ts';

/**
 * The graph's request path against its peers, in one run on the same running subgraphs: `npm start`
 * (Ansinh's gateway on :4000), Hive Gateway and Grafbase's gateway (`grafbase dev`) on the same
 * supergraph and subgraphs, forwarding the caller's `authorization`, and the floor: the same data
 * read by hand-written SQL over one pool. Rounds interleave the targets and concurrencies, so the
 * machine's noise falls on all of them alike. Every answer is checked against the expected data.
 */
const GATEWAY = 'http://127.0.0.1:4000/graphql';
const HIVE_PORT = 4010;
const GRAFBASE_PORT = 4020;
const KEYCLOAK = 'http://localhost:8180';
const CONCURRENCIES = [8, 32] as const;
const ROUNDS = Number(process.env['GRAPH_BENCH_ROUNDS'] ?? 3);
const ROUND_SECONDS = Number(process.env['GRAPH_BENCH_SECONDS'] ?? 6);
const WARM_UP_SECONDS = 3;
const WORK_DIR = join(repoRoot, '.cache', 'bench-graph');

const PERSON_QUERY = `query ($id: ID!) { person(id: $id) { fullName residenceUnit { name } entitlements { monthlyAmount } payments { month total status } } }`;

type Person = {
  fullName: string | null;
  residenceUnit: { name: string };
  entitlements: { monthlyAmount: number }[];
  payments: { month: string; total: number; status: string }[];
};

type Target = {
  name: 'ansinh' | 'hive' | 'grafbase' | 'direct';
  read: (id: string) => Promise<Person | null>;
};

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function answers(url: string, init?: RequestInit): Promise<boolean> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(1000) }).then(
    (response) => response.ok,
    () => false,
  );
}

async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  child: ChildProcess,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (child.exitCode !== null) throw new Error(`${what} exited before it answered`);
    if (Date.now() > deadline) throw new Error(`${what} did not answer within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

function launch(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await Promise.race([exited, sleep(30_000)]);
    },
  };
}

/** The peers' configuration, from the repository's supergraph and the subgraphs' own SDL. */
function writePeerConfigs(): { hiveDir: string; grafbaseConfig: string } {
  // The peers prove themselves to the subgraphs as Ansinh's gateway does (the subgraphs' `_entities` ask it).
  const secret = process.env['SUBGRAPH_SECRET'] ?? DEVELOPMENT_SUBGRAPH_SECRET;
  mkdirSync(WORK_DIR, { recursive: true });
  const urls: Record<string, string> = {
    registry: 'http://127.0.0.1:4001/graphql',
    approvals: 'http://127.0.0.1:4002/graphql',
    payments: 'http://127.0.0.1:4003/graphql',
    reporting: 'http://127.0.0.1:4004/graphql',
  };
  const supergraph = readFileSync(join(repoRoot, 'schema', 'supergraph.graphql'), 'utf8').replace(
    /http:\/\/(\w+)\.subgraph\.invalid\/graphql/g,
    (_match, name: string) => urls[name] ?? _match,
  );
  writeFileSync(join(WORK_DIR, 'supergraph.graphql'), supergraph);
  writeFileSync(
    join(WORK_DIR, 'gateway.config.ts'),
    `import { defineConfig } from '@graphql-hive/gateway';
export const gatewayConfig = defineConfig({
  supergraph: './supergraph.graphql',
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({
      authorization: request.headers.get('authorization') ?? '',
      '${GATEWAY_CREDENTIAL_HEADER}': ${JSON.stringify(secret)},
    }),
  },
});
`,
  );
  const subgraphs = [registrySubgraph, approvalsSubgraph, paymentsSubgraph, reportingSubgraph];
  const toml = subgraphs.map((subgraph) => {
    const sdlPath = join(WORK_DIR, `${subgraph.name}.graphql`);
    writeFileSync(sdlPath, print(sdlForGrafbase(subgraph.typeDefs)));
    return `[subgraphs.${subgraph.name}]\nurl = "${urls[subgraph.name]}"\nschema_path = "${sdlPath}"\n`;
  });
  const grafbaseConfig = join(WORK_DIR, 'grafbase.toml');
  writeFileSync(
    grafbaseConfig,
    `${toml.join('\n')}\n[[headers]]\nrule = "forward"\nname = "authorization"\n\n` +
      `[[headers]]\nrule = "insert"\nname = "${GATEWAY_CREDENTIAL_HEADER}"\nvalue = ${JSON.stringify(secret)}\n`,
  );
  return { hiveDir: WORK_DIR, grafbaseConfig };
}

/** A GraphQL endpoint as a target: the person of each id, or null on any error. */
function graphTarget(name: Target['name'], url: string, token: () => string): Target {
  return {
    name,
    read: async (id) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
        body: JSON.stringify({ query: PERSON_QUERY, variables: { id } }),
      });
      const body = (await response.json()) as { data?: { person: Person | null }; errors?: unknown[] };
      if (!response.ok || body.errors?.length)
        throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
      return body.data?.person ?? null;
    },
  };
}

/** The floor: the same answer from one hand-written statement over one pool, as the tables' owner. */
function directTarget(pool: pg.Pool): Target {
  const statement = {
    name: 'graph-bench-person',
    text: `select json_build_object(
        'fullName', p.full_name,
        'residenceUnit', json_build_object('name', u.name),
        'entitlements', coalesce((select json_agg(json_build_object('monthlyAmount', coalesce(a.monthly_amount, 0)) order by e.start_month, e.id)
                                    from approvals.entitlements e left join approvals.v_active_entitlements a on a.entitlement_id = e.id
                                   where e.person_id = p.id), '[]'),
        'payments', coalesce((select json_agg(json_build_object('month', l.month, 'total', l.amount + l.arrears + l.carried_over + l.one_off - l.recovery, 'status', upper(l.status::text))
                                    order by l.month desc, l.line_code)
                                from payments.payment_lines l where l.person_id = p.id), '[]')) as person
      from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
      where p.id = $1`,
  };
  return {
    name: 'direct',
    read: async (id) => {
      const { rows } = await pool.query<{ person: Person }>({ ...statement, values: [id] });
      return rows[0]?.person ?? null;
    },
  };
}

/**
 * What the direct statement can check of a graph answer: names, unit and payments as they are, and how
 * many entitlements (their amounts follow the ledger's rules for the month, which the statement does
 * not repeat).
 */
const comparable = (person: Person) => ({ ...person, entitlements: person.entitlements.length });

type Run = {
  target: Target['name'];
  concurrency: number;
  requests: number;
  errors: number;
  latencies: number[];
  seconds: number;
  cpuMs: Record<string, number>;
  /** What the first wrong answer was, to say why. */
  firstFailure?: string;
};

/** `concurrency` clients asking for a different person each time, for `seconds`. */
async function load(
  target: Target,
  ids: readonly string[],
  expected: ReadonlyMap<string, Person>,
  concurrency: number,
  seconds: number,
  processes: StackProcesses,
): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  let firstFailure: string | undefined;
  let next = Math.floor(Math.random() * ids.length);
  const before = cpuMsOf(processes);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const id = ids[next++ % ids.length]!;
        const begin = performance.now();
        const person = await target.read(id).catch((error: unknown) => {
          firstFailure ??= String(error);
          return null;
        });
        latencies.push(performance.now() - begin);
        const want = expected.get(id)!;
        const same =
          person !== null &&
          (target.name === 'direct'
            ? isDeepStrictEqual(comparable(person), comparable(want))
            : isDeepStrictEqual(person, want));
        if (!same) {
          errors += 1;
          firstFailure ??= `${JSON.stringify(person)} instead of ${JSON.stringify(want)}`;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const after = cpuMsOf(processes);
  const cpuMs = Object.fromEntries(
    Object.keys(after).map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)]),
  );
  return {
    target: target.name,
    concurrency,
    requests: latencies.length,
    errors,
    latencies,
    seconds: elapsed,
    cpuMs,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

export async function benchGraph(): Promise<BenchResult> {
  for (const url of [`${KEYCLOAK}/realms/ansinh`, GATEWAY, `http://127.0.0.1:${HIVE_PORT}/graphql`])
    if (await answers(url))
      throw new Error(`${url} already answers: stop \`npm start\` (and \`npm test\`) before this benchmark.`);

  const stack = launch(process.execPath, [join(repoRoot, 'infra', 'src', 'start.ts')], {
    env: { LOG_LEVEL: 'warn' },
  });
  let peakStackRssMb = 0;
  let peakStackPssMb = 0;
  const sampler = setInterval(() => {
    const table = processTable();
    peakStackRssMb = Math.max(peakStackRssMb, rssMbOf(table, stack.child.pid!));
    peakStackPssMb = Math.max(peakStackPssMb, pssMbOf(table, stack.child.pid!));
  }, 250);
  const peers: { stop(): Promise<void> }[] = [];
  let pool: pg.Pool | undefined;
  try {
    const publicQuery = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ administrativeUnit(code: "42") { fullName } }' }),
    };
    await waitUntil('npm start', () => answers(GATEWAY, publicQuery), stack.child, 300_000);

    const { hiveDir, grafbaseConfig } = writePeerConfigs();
    const hive = launch(
      process.execPath,
      [
        join(repoRoot, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js'),
        'supergraph',
        '--port',
        String(HIVE_PORT),
      ],
      { cwd: hiveDir },
    );
    peers.push(hive);
    const grafbase = launch(
      join(repoRoot, 'node_modules', '@grafbase', 'cli-x86_64-unknown-linux-musl', 'grafbase'),
      ['dev', '--config', grafbaseConfig, '--port', String(GRAFBASE_PORT)],
      { cwd: WORK_DIR },
    );
    peers.push(grafbase);
    const hiveUrl = `http://127.0.0.1:${HIVE_PORT}/graphql`;
    const grafbaseUrl = `http://127.0.0.1:${GRAFBASE_PORT}/graphql`;
    await waitUntil('Hive Gateway', () => answers(hiveUrl, publicQuery), hive.child, 120_000);
    await waitUntil('grafbase dev', () => answers(grafbaseUrl, publicQuery), grafbase.child, 120_000);

    // A province account reads every demo person of Hà Tĩnh; tokens are renewed well within their life.
    const grant = () =>
      passwordGrant({ keycloakUrl: KEYCLOAK, username: 'tinh.42', password: DEMO_PASSWORD });
    let token = await grant();
    const renew = setInterval(
      () =>
        void grant().then(
          (fresh) => (token = fresh),
          () => undefined,
        ),
      60_000,
    );
    try {
      // The database `npm start` runs on (already running: this only finds it).
      const connectionString = (await ensurePostgres({ databaseUrl: process.env['DATABASE_URL'], repoRoot }))
        .url;
      pool = new pg.Pool({ connectionString, max: 16 });
      const targets: Target[] = [
        graphTarget('ansinh', GATEWAY, () => token),
        graphTarget('hive', hiveUrl, () => token),
        graphTarget('grafbase', grafbaseUrl, () => token),
        directTarget(pool),
      ];

      // The expected answers: Ansinh's, each checked against the direct statement's.
      const { rows } = await pool.query<{ id: string }>(
        `select p.id from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
          where u.path <@ '42' order by p.id`,
      );
      const ids = rows.map((row) => row.id);
      const expected = new Map<string, Person>();
      for (const id of ids) {
        const person = await targets[0]!.read(id);
        const direct = await targets[3]!.read(id);
        if (!person || !direct || !isDeepStrictEqual(comparable(person), comparable(direct)))
          throw new Error(
            `the graph's answer for person ${id} differs from the direct statement's: ${JSON.stringify(person)} against ${JSON.stringify(direct)}`,
          );
        expected.set(id, person);
      }

      const processes = stackProcesses(
        processTable(),
        stack.child.pid!,
        { hive: hive.child.pid!, grafbase: grafbase.child.pid!, bench: process.pid },
        Number(new URL(connectionString).port || 5432),
        ['bench'],
      );
      for (const target of targets) await load(target, ids, expected, 8, WARM_UP_SECONDS, processes);

      const runs: Run[] = [];
      for (let index = 0; index < ROUNDS; index += 1) {
        // Each round in another order, so no target always follows the same one.
        const order = targets.map((_, position) => targets[(position + index) % targets.length]!);
        for (const concurrency of CONCURRENCIES)
          for (const target of order)
            runs.push(await load(target, ids, expected, concurrency, ROUND_SECONDS, processes));
      }
      const pssByProcess = stackPssMb(processTable(), stack.child.pid!);
      return summarise(
        runs,
        ids.length,
        { rss: peakStackRssMb, pss: peakStackPssMb },
        pssByProcess,
        processes,
      );
    } finally {
      clearInterval(renew);
    }
  } finally {
    clearInterval(sampler);
    await pool?.end().catch(() => undefined);
    await Promise.all(peers.map((peer) => peer.stop()));
    await stack.stop('SIGINT');
  }
}

type Figures = {
  rps: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
  requests: number;
  cpuMsPerRequest: Record<string, number>;
};

function summarise(
  runs: readonly Run[],
  persons: number,
  peak: { rss: number; pss: number },
  pssByProcess: Record<string, number>,
  processes: StackProcesses,
): BenchResult {
  const figures = (target: Target['name'], concurrency: number): Figures => {
    const mine = runs.filter((run) => run.target === target && run.concurrency === concurrency);
    const requests = mine.reduce((sum, run) => sum + run.requests, 0);
    const seconds = mine.reduce((sum, run) => sum + run.seconds, 0);
    const latencies = mine.flatMap((run) => run.latencies).sort((a, b) => a - b);
    const cpu: Record<string, number> = {};
    for (const run of mine)
      for (const [name, ms] of Object.entries(run.cpuMs)) cpu[name] = (cpu[name] ?? 0) + ms;
    // Each target is charged only for the processes on its path (and the load generator).
    const onPath = (name: string) =>
      name === 'bench' ||
      name === 'postgres' ||
      (target === 'direct' ? false : ['registry', 'approvals', 'payments', 'reporting'].includes(name)) ||
      (target === 'ansinh' && name === 'gateway') ||
      (target === 'hive' && name === 'hive') ||
      (target === 'grafbase' && name === 'grafbase');
    const perRequest = Object.fromEntries(
      Object.entries(cpu)
        .filter(([name]) => onPath(name))
        .map(([name, ms]) => [name, round(ms / Math.max(1, requests), 2)]),
    );
    perRequest['total'] = round(
      Object.entries(perRequest)
        .filter(([name]) => name !== 'bench')
        .reduce((sum, [, ms]) => sum + ms, 0),
      2,
    );
    return {
      rps: round(requests / seconds),
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      errors: mine.reduce((sum, run) => sum + run.errors, 0),
      requests,
      cpuMsPerRequest: perRequest,
    };
  };
  const fields: BenchResult['fields'] = {
    peakStackRssMb: peak.rss,
    peakStackPssMb: peak.pss,
    persons,
    rounds: ROUNDS,
    roundSeconds: ROUND_SECONDS,
  };
  const table: BenchResult['table'] = [];
  for (const concurrency of CONCURRENCIES) {
    const ansinh = figures('ansinh', concurrency);
    const hive = figures('hive', concurrency);
    const grafbase = figures('grafbase', concurrency);
    const direct = figures('direct', concurrency);
    const gatewayCpu = (f: Figures, name: string) => f.cpuMsPerRequest[name] ?? 0;
    const at = `c${concurrency}`;
    for (const [name, f] of Object.entries({ ansinh, hive, grafbase, direct })) {
      fields[`${name}_${at}`] = {
        rps: f.rps,
        p50Ms: f.p50Ms,
        p95Ms: f.p95Ms,
        errors: f.errors,
        requests: f.requests,
        ...prefixed(f.cpuMsPerRequest),
      };
      table.push(
        [`${name}, ${concurrency} clients: requests/s`, f.rps, '/s'],
        [`${name}, ${concurrency} clients: p50 / p95`, f.p50Ms, `ms / ${f.p95Ms} ms`],
        [
          `${name}, ${concurrency} clients: CPU per request (all but the load generator)`,
          f.cpuMsPerRequest['total'] ?? 0,
          'ms',
        ],
        [`${name}, ${concurrency} clients: errors`, f.errors, `of ${f.requests}`],
      );
    }
    fields[`ratios_${at}`] = {
      ratioToGrafbase: round(ansinh.rps / grafbase.rps, 2),
      ratioToHive: round(ansinh.rps / hive.rps, 2),
      ratioToDirectSql: round(ansinh.rps / direct.rps, 2),
      gatewayCpuRatioToGrafbase: round(
        gatewayCpu(ansinh, 'gateway') / Math.max(0.01, gatewayCpu(grafbase, 'grafbase')),
        2,
      ),
    };
    table.push(
      [`${concurrency} clients: Ansinh rps / Grafbase rps`, round(ansinh.rps / grafbase.rps, 2), '×'],
      [`${concurrency} clients: Ansinh rps / Hive rps`, round(ansinh.rps / hive.rps, 2), '×'],
      [`${concurrency} clients: Ansinh rps / direct SQL rps`, round(ansinh.rps / direct.rps, 2), '×'],
      [
        `${concurrency} clients: gateway CPU per request, Ansinh / Grafbase`,
        (fields[`ratios_${at}`] as Record<string, number>)['gatewayCpuRatioToGrafbase']!,
        '×',
      ],
    );
  }
  fields['pssMbAtEnd'] = pssByProcess;
  table.push(
    ['peak RSS of the stack (npm start, all its processes; shared pages once per process)', peak.rss, 'MB'],
    ['peak PSS of the stack (shared pages divided among the processes sharing them)', peak.pss, 'MB'],
  );
  for (const [name, mb] of Object.entries(pssByProcess)) table.push([`PSS at the end: ${name}`, mb, 'MB']);
  return {
    name: 'graph',
    fields,
    table,
    notes: [
      ...runs
        .filter(
          (run, index) =>
            run.firstFailure &&
            runs.findIndex((other) => other.target === run.target && other.firstFailure) === index,
        )
        .map((run) => `First wrong answer of ${run.target}: ${run.firstFailure!.slice(0, 400)}`),
      `Query: one person with residence unit, entitlements and payments (registry, approvals, payments), a different person per request among the ${persons} demo persons of Hà Tĩnh, as \`tinh.42\`.`,
      `${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s per target and concurrency, on the same running subgraphs; each round in another order.`,
      "CPU per request: user + system time of each process on the target's path (/proc), over the requests it answered; `total` leaves out the load generator, which runs on the same 2 cores for every target alike.",
      "Every answer is compared with the expected one (Ansinh's, checked first against the direct statement); any difference or error counts as an error.",
      `Peers: Hive Gateway ${version('@graphql-hive/gateway')} and \`grafbase dev\` (${version('@grafbase/cli-x86_64-unknown-linux-musl')}), configured from schema/supergraph.graphql and the subgraphs' SDL, forwarding authorization. Processes: ${Object.keys(processes.pids).join(', ')}.`,
    ],
  };
}

const prefixed = (cpu: Record<string, number>) =>
  Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [`cpuMsPerRequest_${name}`, ms]));

function version(name: string): string {
  return (
    JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
}
