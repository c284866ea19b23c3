import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One row of `ps`: a process, its parent, its resident memory and its command line. */
export type ProcessRow = { pid: number; ppid: number; rssKb: number; args: string };

export function processTable(): ProcessRow[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [pid, ppid, rss, ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), rssKb: Number(rss), args: args.join(' ') };
    });
}

/** A process and all its descendants. */
export function subtree(table: readonly ProcessRow[], root: number): ProcessRow[] {
  const children = new Map<number, ProcessRow[]>();
  for (const row of table) children.set(row.ppid, [...(children.get(row.ppid) ?? []), row]);
  const found: ProcessRow[] = [];
  const stack = table.filter((row) => row.pid === root);
  while (stack.length) {
    const row = stack.pop()!;
    found.push(row);
    stack.push(...(children.get(row.pid) ?? []));
  }
  return found;
}

/** Resident memory (MB) of a process and all its descendants. */
export const rssMbOf = (table: readonly ProcessRow[], root: number): number =>
  Math.round(subtree(table, root).reduce((sum, row) => sum + row.rssKb, 0) / 1024);

/**
 * Proportional set size (kB) of a process: its resident memory with each shared page divided among
 * the processes that map it. PostgreSQL's backends all map its shared buffers; summing their RSS
 * counts those once per backend.
 */
function pssKb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return Number(line?.[1] ?? 0);
  } catch {
    return 0; // ended meanwhile
  }
}

/** Proportional memory (MB) of a process and all its descendants: what the tree really takes. */
export const pssMbOf = (table: readonly ProcessRow[], root: number): number =>
  Math.round(subtree(table, root).reduce((sum, row) => sum + pssKb(row.pid), 0) / 1024);

/**
 * The processes whose CPU the benchmark counts, each named by the root of its subtree, except those
 * counted `alone` (the load generator, whose subtree holds the whole stack).
 */
export type StackProcesses = { pids: Record<string, number>; alone: readonly string[] };

/**
 * The services `npm start` runs (found by their entry points under its launcher), PostgreSQL's
 * postmaster (the one `npm start` runs, or the one DATABASE_URL names, by its port), and the others
 * given by name (the peer gateways, the load generator itself).
 */
export function stackProcesses(
  table: readonly ProcessRow[],
  launcher: number,
  others: Record<string, number>,
  postgresPort: number,
  alone: readonly string[] = [],
): StackProcesses {
  const pids: Record<string, number> = {};
  const mine = subtree(table, launcher);
  for (const name of ['registry', 'approvals', 'payments', 'reporting']) {
    const row = mine.find((each) => each.args.includes(`services/${name}/src/main.ts`));
    if (row) pids[name] = row.pid;
  }
  const gateway = mine.find((each) => each.args.includes('gateway/src/main.ts'));
  if (gateway) pids['gateway'] = gateway.pid;
  // The postmaster: a postgres process listening on the port, whose parent is not itself postgres.
  const postmaster = table.find(
    (row) =>
      /(^|\/)postgres\b/.test(row.args) &&
      row.args.includes(String(postgresPort)) &&
      !/postgres\b/.test(table.find((parent) => parent.pid === row.ppid)?.args ?? ''),
  );
  if (postmaster) pids['postgres'] = postmaster.pid;
  return { pids: { ...pids, ...others }, alone };
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU (ms) of a process; with its reaped children's when `children` (a postmaster's ended backends). */
function cpuTicks(pid: number, children: boolean): number {
  try {
    // The command name may hold spaces: the fields start after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((index) => Number(fields[index]));
    return utime! + stime! + (children ? cutime! + cstime! : 0);
  } catch {
    return 0; // ended meanwhile
  }
}

/** CPU (ms) so far of each named process and its live descendants (and what they reaped). */
export function cpuMsOf(processes: StackProcesses): Record<string, number> {
  const table = processTable();
  return Object.fromEntries(
    Object.entries(processes.pids).map(([name, pid]) => {
      const ticks = processes.alone.includes(name)
        ? cpuTicks(pid, false)
        : subtree(table, pid).reduce((sum, row) => sum + cpuTicks(row.pid, row.pid === pid), 0);
      return [name, (ticks * 1000) / TICKS_PER_SECOND];
    }),
  );
}

/** Proportional memory (MB) of each process of the stack: the launcher alone, each service, Keycloak's JVM, PostgreSQL with its backends. */
export function stackPssMb(table: readonly ProcessRow[], launcher: number): Record<string, number> {
  const mb = (kb: number) => Math.round(kb / 1024);
  const mine = subtree(table, launcher);
  const named: Record<string, number> = {};
  const add = (name: string, kb: number) => (named[name] = (named[name] ?? 0) + mb(kb));
  for (const row of mine) {
    const service = /(services\/(\w+)|(gateway))\/(src|server)\/main\.ts/.exec(row.args);
    const kb = pssKb(row.pid);
    if (row.pid === launcher) add('launcher', kb);
    else if (service) add(service[2] ?? service[3]!, kb);
    else if (/\bjava\b/.test(row.args)) add('keycloak', kb);
    else if (/postgres/.test(row.args)) add('postgres', kb);
    else add('other', kb);
  }
  return named;
}
