import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';

const runUntilSignalUrl = new URL('./run-until-signal.ts', import.meta.url).href;
const requestContextUrl = new URL('./request-context.ts', import.meta.url).href;

type Outcome = { code: number | null; signal: string | null; output: string };

/**
 * Runs a real service process: `runUntilSignal` over a start function given as source, which
 * prints "ready" once started. `afterReady` runs when it is up; then the process gets SIGTERM.
 */
function runService(
  startSource: string,
  afterReady: (output: () => string) => Promise<void>,
): Promise<Outcome> {
  const script = `
    import { runUntilSignal } from ${JSON.stringify(runUntilSignalUrl)};
    import { withRequestId } from ${JSON.stringify(requestContextUrl)};
    await runUntilSignal(async () => {
      ${startSource}
      console.log('ready');
      return { stop: async () => console.log('stopped') };
    }, { name: 'test-service' });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    let readyHandled = false;
    child.stdout.on('data', () => {
      if (readyHandled || !output.includes('ready')) return;
      readyHandled = true;
      afterReady(() => output).then(
        () => child.exitCode === null && child.kill('SIGTERM'),
        (error: unknown) => {
          child.kill('SIGKILL');
          reject(error);
        },
      );
    });
    child.once('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('runUntilSignal', () => {
  it('logs an unhandled rejection with its request id and keeps serving', async () => {
    let aliveAfter = false;
    const outcome = await runService(
      `withRequestId('req-7', () => setTimeout(() => { Promise.reject(new Error('nobody awaited me')); }, 50));
       setInterval(() => console.log('tick'), 100);`,
      async (output) => {
        await wait(600);
        aliveAfter = output().split('tick').length > 3;
      },
    );
    expect(aliveAfter).toBe(true);
    const logged = outcome.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        requestId: 'req-7',
        service: 'test-service',
        msg: expect.stringContaining('unhandled rejection'),
        err: expect.objectContaining({ message: 'nobody awaited me' }),
      }),
    );
    expect(outcome.output).toContain('stopped');
    expect(outcome.code).toBe(0);
  });

  it('logs an uncaught exception with its request id, stops the service and exits 1', async () => {
    const outcome = await runService(
      `withRequestId('req-9', () => setTimeout(() => { throw new Error('state unknown'); }, 50));
       setInterval(() => undefined, 1000);`,
      () => wait(2000),
    );
    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain('stopped');
    const fatal = outcome.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>)
      .find((line) => line.level === 60);
    expect(fatal).toMatchObject({ requestId: 'req-9', err: { message: 'state unknown' } });
  });

  it('exits 1 with the reason when the service cannot start', async () => {
    const outcome = await runService(`throw new Error('DATABASE_URL is required');`, async () => undefined);
    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain('DATABASE_URL is required');
  });
});
