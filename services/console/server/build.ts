import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Builds the single-page app into dist/ (`vite build`, about 2 s), in a process of its own. */
export async function buildConsole(): Promise<void> {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  const output: Buffer[] = [];
  const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: CONSOLE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  if (code !== 0)
    throw new Error(`console: vite build failed (${code})\n${Buffer.concat(output).toString()}`);
}
