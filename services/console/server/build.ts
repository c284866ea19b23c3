import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(CONSOLE_ROOT, '..', '..');

/**
 * Builds the single-page app into dist/, in processes of its own: the screens' typed operations
 * (`npm run codegen`, generated files are not checked in, so a fresh clone has none), then `vite build`;
 * about 6 s.
 */
export async function buildConsole(): Promise<void> {
  const resolve = createRequire(import.meta.url).resolve;
  const codegen = join(dirname(resolve('@graphql-codegen/cli/package.json')), 'esm', 'bin.js');
  await run('codegen', [codegen, '--config', 'codegen.ts'], REPO_ROOT);
  const vite = join(dirname(resolve('vite/package.json')), 'bin/vite.js');
  await run('vite build', [vite, 'build', '--logLevel', 'warn'], CONSOLE_ROOT);
}

async function run(what: string, args: string[], cwd: string): Promise<void> {
  const output: Buffer[] = [];
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  if (code !== 0) throw new Error(`console: ${what} failed (${code})\n${Buffer.concat(output).toString()}`);
}
