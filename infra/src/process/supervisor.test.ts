import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { pidAlive } from './pid-alive.ts';
import { createSupervisor, type ChildSpec } from './supervisor.ts';

/** A real Node child running `code`. */
const node = (name: string, code: string): ChildSpec => ({
  name,
  command: process.execPath,
  args: ['-e', code],
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

const FAST = { backoffMs: 50, maxBackoffMs: 200, stdio: 'ignore' as const };

describe('the launcher’s supervisor, with real child processes', () => {
  it('restarts a child killed by SIGKILL, a bounded number of times, then gives up and stops', async () => {
    const lines: string[] = [];
    const gaveUp: string[] = [];
    const supervisor = createSupervisor({
      ...FAST,
      maxRestarts: 2,
      log: (line) => lines.push(line),
      onGiveUp: (name) => gaveUp.push(name),
    });
    supervisor.start(node('registry', `setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100)`));
    await until(() => gaveUp.length > 0);
    expect(gaveUp).toEqual(['registry']);
    expect(lines.filter((line) => line.includes('was killed by SIGKILL'))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/restarted 2 times already, giving up/);
    // Stopping after a child died by a signal returns at once (it used to wait for that exit forever).
    const started = Date.now();
    await supervisor.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('restarts a child that exits with code 1 after a growing wait, and keeps it once it stays up', async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor({
      ...FAST,
      backoffMs: 200,
      maxBackoffMs: 1000,
      maxRestarts: 3,
      log: (line) => lines.push(line),
    });
    // Fails on its first two starts (counted in a file), then stays up.
    const attempts = join(await mkdtemp(join(tmpdir(), 'ansinh-supervisor-')), 'attempts');
    await writeFile(attempts, '');
    const flaky = node(
      'payments',
      `const fs = require('node:fs'); fs.appendFileSync(${JSON.stringify(attempts)}, 'x');
       if (fs.readFileSync(${JSON.stringify(attempts)}, 'utf8').length <= 2) process.exit(1);
       setInterval(() => {}, 1000);`,
    );
    const started = Date.now();
    supervisor.start(flaky);
    await until(() => readFileSync(attempts, 'utf8') === 'xxx');
    await sleep(300);
    expect(supervisor.running().has('payments')).toBe(true);
    // 200 ms, then 400 ms of backoff before the third start.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(lines).toEqual([
      'payments exited with code 1; restarting in 0.2 s (1/3)',
      'payments exited with code 1; restarting in 0.4 s (2/3)',
    ]);
    const pid = supervisor.running().get('payments')!;
    await supervisor.stop();
    expect(pidAlive(pid)).toBe(false);
    await rm(dirname(attempts), { recursive: true, force: true });
  });

  it('kills a child that ignores SIGTERM once the grace period is over', async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor({ ...FAST, stopGraceMs: 300, log: (line) => lines.push(line) });
    const ready = join(await mkdtemp(join(tmpdir(), 'ansinh-supervisor-')), 'ready');
    supervisor.start(
      node(
        'gateway',
        `process.on('SIGTERM', () => {}); require('node:fs').writeFileSync(${JSON.stringify(ready)}, '');
         setInterval(() => {}, 1000)`,
      ),
    );
    supervisor.start(node('approvals', 'setInterval(() => {}, 1000)'));
    await until(() => supervisor.running().size === 2 && existsSync(ready));
    const pids = [...supervisor.running().values()];
    const started = Date.now();
    await supervisor.stop();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(5000);
    expect(lines).toEqual(['gateway did not stop within 0.3 s; killing it']);
    for (const pid of pids) expect(pidAlive(pid)).toBe(false);
    await rm(dirname(ready), { recursive: true, force: true });
  });

  it('does not restart anything once stopping, even a child that dies during the stop', async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor({ ...FAST, log: (line) => lines.push(line) });
    supervisor.start(
      node('reporting', `process.on('SIGTERM', () => process.exit(3)); setInterval(() => {}, 1000)`),
    );
    await until(() => supervisor.running().size === 1);
    await sleep(200);
    await supervisor.stop();
    await sleep(300);
    expect(supervisor.running().size).toBe(0);
    expect(lines).toEqual([]);
  });

  it('reports a program that cannot be started instead of throwing', async () => {
    const gaveUp: string[] = [];
    const lines: string[] = [];
    const supervisor = createSupervisor({
      ...FAST,
      maxRestarts: 1,
      log: (line) => lines.push(line),
      onGiveUp: (name) => gaveUp.push(name),
    });
    supervisor.start({ name: 'missing', command: '/nonexistent/node', args: [] });
    await until(() => gaveUp.length > 0);
    expect(lines[0]).toMatch(/^missing could not start: spawn \/nonexistent\/node ENOENT/);
    await supervisor.stop();
  });
});

describe('the launcher’s Ctrl-C', () => {
  const fixture = fileURLToPath(new URL('./supervisor.fixture.ts', import.meta.url));

  /** Runs the fixture launcher; resolves with its output once it has started its stubborn child. */
  function launch(graceMs: number) {
    const launcher = spawn(process.execPath, [fixture, String(graceMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    launcher.stdout.on('data', (chunk) => (output += chunk));
    launcher.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      launcher.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return {
      launcher,
      exited,
      output: () => output,
      childPid: async () => {
        await until(() => /child (\d+) up/.test(output));
        return Number(/child (\d+) up/.exec(output)![1]);
      },
    };
  }

  it('stops on the first Ctrl-C: the stubborn child is killed after its grace period', async () => {
    const run = launch(500);
    const child = await run.childPid();
    run.launcher.kill('SIGINT');
    const started = Date.now();
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(run.output()).toContain('stubborn did not stop within 0.5 s; killing it');
    expect(pidAlive(child)).toBe(false);
  });

  it('forces on the second Ctrl-C, without waiting for the grace period', async () => {
    const run = launch(60_000);
    const child = await run.childPid();
    run.launcher.kill('SIGINT');
    await until(() => run.output().includes('stopping'));
    run.launcher.kill('SIGINT');
    const started = Date.now();
    expect(await run.exited).toEqual({ code: 130, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.output()).toContain('SIGINT again: forcing');
    await until(() => !pidAlive(child), 2000);
  });
});
