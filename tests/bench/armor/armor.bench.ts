import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { DEMO_PASSWORD, ensurePostgres, passwordGrant, repoRoot } from '@ansinh/infra';
import type { BenchResult } from '../bench-report.ts';
import { Random } from '../generator/random.ts';
import { hostileCases, type HostileCase, type Target } from './hostile-requests.ts';
import type { Answer } from './raw-http.ts';

const GATEWAY = 'http://127.0.0.1:4000/graphql';
const KEYCLOAK = process.env.KEYCLOAK_URL ?? 'http://localhost:8180';
const SERVICES = {
  gateway: 'gateway/src/main.ts',
  registry: 'services/registry/src/main.ts',
  approvals: 'services/approvals/src/main.ts',
  payments: 'services/payments/src/main.ts',
  reporting: 'services/reporting/src/main.ts',
} as const;
type Service = keyof typeof SERVICES;
const SUBGRAPH_PORTS: Record<string, number> = {
  registry: 4001,
  approvals: 4002,
  payments: 4003,
  reporting: 4004,
};
const SEED = 8;
/** Every case with its verdict and the start of its answer, for reading after a run (not committed). */
const CASES_LOG = join(repoRoot, '.cache', 'armor-cases.tsv');
const MEMORY_BOUND_MB = 512;

export type Verdict = 'clear' | 'server-error' | 'not-refused' | 'no-answer' | 'unclear' | 'answered';

type GraphQLBody = {
  data?: Record<string, unknown> | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
  error?: string;
};

/** How an answer stands against what the case expected. */
export function verdictOf(expect: HostileCase['expect'], answer: Answer): Verdict {
  if ('failure' in answer) return expect === 'survive' ? 'clear' : 'no-answer';
  let body: GraphQLBody | undefined;
  try {
    body = JSON.parse(answer.text) as GraphQLBody;
  } catch {
    body = undefined;
  }
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  if (answer.status >= 500 || errors.some((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR'))
    return 'server-error';
  const clearErrors =
    errors.length > 0 && errors.every((error) => Boolean(error.message) && Boolean(error.extensions?.code));
  if (answer.status >= 400) return clearErrors || typeof body?.error === 'string' ? 'clear' : 'unclear';
  if (errors.length > 0) return clearErrors ? 'clear' : 'unclear';
  // An import that reports every row refused is a refusal too: the importer keeps good rows only.
  const job = body?.data?.importPersons as
    { personImport?: { created?: number; updated?: number } } | undefined;
  const imported = job?.personImport;
  if (imported && imported.created === 0 && imported.updated === 0) return 'clear';
  return expect === 'refused' ? 'not-refused' : 'answered';
}

/** Rows in every table of the four subgraphs' schemas. */
async function rowCounts(client: pg.Client): Promise<Map<string, number>> {
  const { rows: tables } = await client.query<{ name: string }>(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables
      where schemaname in ('registry', 'approvals', 'payments', 'reporting') order by 1`,
  );
  const counts = new Map<string, number>();
  for (const { name } of tables) {
    const { rows } = await client.query<{ count: string }>(`select count(*) from ${name}`);
    counts.set(name, Number(rows[0]!.count));
  }
  return counts;
}

/** Rows added or removed between two counts, over every table. */
function rowDelta(before: Map<string, number>, after: Map<string, number>): number {
  let delta = 0;
  for (const [table, count] of after) delta += Math.abs(count - (before.get(table) ?? 0));
  return delta;
}

/** The launcher's children by service, from the process table. */
function servicePids(launcher: number): Partial<Record<Service, number>> {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).trim().split('\n');
  const found: Partial<Record<Service, number>> = {};
  for (const row of rows) {
    const [pid, ppid, ...args] = row.trim().split(/\s+/);
    if (Number(ppid) !== launcher) continue;
    const command = args.join(' ');
    for (const [service, entry] of Object.entries(SERVICES) as [Service, string][])
      if (command.includes(entry)) found[service] = Number(pid);
  }
  return found;
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
    return line ? Math.round(Number(line[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

async function healthy(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(5000) }).then(
    (response) => response.ok,
    () => false,
  );
}

async function post(token: string, query: string) {
  const response = await fetch(GATEWAY, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data: any; errors?: unknown[] };
}

/**
 * The armor benchmark: starts the product as `npm start` does, throws a seeded corpus of hostile
 * requests and files at it (the issue's attacks, generated malformed GraphQL, multipart and
 * spreadsheets), and counts how each was answered, whether any service died, the services' peak
 * memory, and the rows that refused inputs wrote.
 */
export async function benchArmor(): Promise<BenchResult> {
  if (await healthy('http://127.0.0.1:4000/health'))
    throw new Error('The gateway is already running: stop `npm start` before this benchmark.');
  const launcher = spawn(process.execPath, [join(repoRoot, 'infra', 'src', 'start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let launcherLog = '';
  const keep = (chunk: Buffer) => {
    launcherLog = (launcherLog + chunk.toString('utf8')).slice(-200_000);
  };
  launcher.stdout.on('data', keep);
  launcher.stderr.on('data', keep);
  const launcherExited = new Promise<void>((resolve) => launcher.once('exit', () => resolve()));
  const postgres = await ensurePostgres({ databaseUrl: process.env.DATABASE_URL, repoRoot });
  const database = new pg.Client({ connectionString: postgres.url });

  try {
    const started = performance.now();
    while (!(await healthy('http://127.0.0.1:4000/ready'))) {
      if (launcher.exitCode !== null) throw new Error(`npm start exited:\n${launcherLog.slice(-3000)}`);
      if (performance.now() - started > 300_000)
        throw new Error('the graph did not become ready in 5 minutes');
      await sleep(250);
    }
    await database.connect();
    const login = (username: string) =>
      passwordGrant({ keycloakUrl: KEYCLOAK, username, password: DEMO_PASSWORD });
    const tokens = { officer: '', district: '', province: '' };
    let loggedInAt = -Infinity;
    // Demo tokens live a few minutes and the corpus runs longer: log in again before they expire.
    const freshTokens = async () => {
      if (performance.now() - loggedInAt < 60_000) return;
      const [officer, district, province] = await Promise.all(
        ['xa.18073', 'huyen.436', 'tinh.42'].map(login),
      );
      Object.assign(tokens, { officer, district, province });
      loggedInAt = performance.now();
    };
    await freshTokens();
    const inScope = await post(tokens.officer, '{ persons(first: 1) { edges { node { id } } } }');
    const outOfScope = await post(
      tokens.province,
      '{ persons(unitCode: "18229", first: 1) { edges { node { id } } } }',
    );
    if (!inScope.data?.persons || !outOfScope.data?.persons)
      throw new Error(`demo persons not readable: ${JSON.stringify([inScope.errors, outOfScope.errors])}`);
    const target: Target = {
      gateway: GATEWAY,
      subgraphs: Object.fromEntries(
        Object.entries(SUBGRAPH_PORTS).map(([name, port]) => [name, `http://127.0.0.1:${port}/graphql`]),
      ),
      issuer: `${KEYCLOAK}/realms/ansinh`,
      tokens,
      personInScope: inScope.data.persons.edges[0].node.id,
      personOutOfScope: outOfScope.data.persons.edges[0].node.id,
    };

    // ARMOR_ONLY=family,family runs part of the corpus, to look into one kind of input; results then say so.
    const only = process.env.ARMOR_ONLY?.split(',');
    const cases = (await hostileCases(target, new Random(SEED))).filter(
      (hostile) => !only || only.includes(hostile.family),
    );
    const firstPids = servicePids(launcher.pid!);
    const peaks: Record<string, number> = Object.fromEntries(Object.keys(SERVICES).map((name) => [name, 0]));
    const before = await rowCounts(database);
    const verdicts = new Map<Verdict, number>();
    const failures: string[] = [];
    const details: string[] = [];
    let crashes = 0;
    const clock = performance.now();
    let rowsByValidInputs = 0;
    for (const [index, hostile] of cases.entries()) {
      await freshTokens();
      // A fuzzed input may happen to be valid: what it writes is no refused input's doing.
      const countsBefore = hostile.expect === 'any' ? await rowCounts(database) : undefined;
      const answer = await hostile.send();
      const verdict = verdictOf(hostile.expect, answer);
      if (countsBefore && verdict === 'answered') {
        rowsByValidInputs += rowDelta(countsBefore, await rowCounts(database));
      }
      details.push(
        `${verdict}\t${hostile.family}\t${hostile.name}\t${'failure' in answer ? answer.failure : `${answer.status} ${answer.text.slice(0, 300).replaceAll('\n', ' ')}`}`,
      );
      verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
      if (verdict !== 'clear' && verdict !== 'answered')
        failures.push(
          `${verdict}: ${hostile.family}: ${hostile.name}: ${'failure' in answer ? answer.failure : `${answer.status} ${answer.text.slice(0, 200)}`}`,
        );
      const pids = servicePids(launcher.pid!);
      for (const [service, pid] of Object.entries(pids))
        peaks[service] = Math.max(peaks[service]!, peakRssMb(pid));
      details[details.length - 1] += `\tpeak MB so far ${Object.values(peaks).join(' ')}`;
      const died = (Object.keys(SERVICES) as Service[]).filter(
        (service) => pids[service] !== firstPids[service],
      );
      if (died.length > 0 || launcher.exitCode !== null) {
        crashes += 1;
        failures.push(`crash after ${hostile.family}: ${hostile.name}: ${died.join(', ') || 'launcher'}`);
        break;
      }
      if (index % 25 === 0) process.stderr.write(`[armor] ${index + 1}/${cases.length}\n`);
    }
    const seconds = (performance.now() - clock) / 1000;
    await mkdir(join(repoRoot, '.cache'), { recursive: true });
    await writeFile(CASES_LOG, `${details.join('\n')}\n`);
    const after = await rowCounts(database);
    const changed = [...after].filter(([table, count]) => count !== before.get(table));
    const rowsWritten = rowDelta(before, after) - rowsByValidInputs;

    const fields = {
      inputsTried: cases.length,
      clearErrors: verdicts.get('clear') ?? 0,
      serverErrors: verdicts.get('server-error') ?? 0,
      crashes,
      peakRssMbPerService: peaks,
      rowsWrittenByRefusedInputs: rowsWritten,
      notRefused: verdicts.get('not-refused') ?? 0,
      noAnswer: verdicts.get('no-answer') ?? 0,
      unclearErrors: verdicts.get('unclear') ?? 0,
      fuzzedInputsAnswered: verdicts.get('answered') ?? 0,
      rowsWrittenByValidFuzzedInputs: rowsByValidInputs,
      seconds: Number(seconds.toFixed(1)),
    };
    const families = new Map<string, number>();
    for (const hostile of cases) families.set(hostile.family, (families.get(hostile.family) ?? 0) + 1);
    return {
      name: 'armor',
      fields,
      table: [
        ['hostile inputs tried', fields.inputsTried, ''],
        ['clear errors (4xx or GraphQL error with a code)', fields.clearErrors, ''],
        ['valid fuzzed inputs answered normally', fields.fuzzedInputsAnswered, ''],
        ['server errors (5xx, INTERNAL_SERVER_ERROR)', fields.serverErrors, ''],
        ['crashes (a service died)', fields.crashes, ''],
        ['hostile inputs accepted', fields.notRefused, ''],
        ['no answer (dropped, timed out)', fields.noAnswer, ''],
        ['errors without a code or message', fields.unclearErrors, ''],
        ['rows written by refused inputs', fields.rowsWrittenByRefusedInputs, ''],
        [
          'rows written by fuzzed inputs that were valid (not counted above)',
          fields.rowsWrittenByValidFuzzedInputs,
          '',
        ],
        ...Object.entries(peaks).map(
          ([service, mb]) =>
            [`peak RSS ${service} (bound ${MEMORY_BOUND_MB} MB)`, mb, 'MB'] as [string, number, string],
        ),
        ['time for the whole corpus', fields.seconds, 's'],
      ],
      notes: [
        `Corpus (seed ${SEED}${only ? `, only ${only.join(', ')}` : ''}): ${[...families].map(([family, count]) => `${family} ${count}`).join(', ')}.`,
        "Against `npm start` (services as child processes, NODE_ENV development, demo realm); peak RSS is each process's VmHWM.",
        ...(changed.length
          ? [
              `Tables whose row count changed over the run, by the valid fuzzed inputs too: ${changed.map(([table]) => table).join(', ')}.`,
            ]
          : []),
        ...failures
          .slice(0, 40)
          .map((failure) => `Failed: ${failure.replaceAll('|', '/').replaceAll('\n', ' ')}`),
      ],
    };
  } finally {
    await database.end().catch(() => undefined);
    if (launcher.exitCode === null) {
      launcher.kill('SIGINT');
      await Promise.race([launcherExited, sleep(60_000)]);
    }
  }
}
