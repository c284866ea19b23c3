import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompress } from 'node:zlib';

const REPO_ROOT = new URL('../../../', import.meta.url);

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH when set, Debian's chromium where installed,
 * else the headless build that `npm ci` installs with @sparticuz/chromium (x86-64), unpacked once
 * per version into .cache/chromium/. The package's own executablePath() is not used: it reuses any
 * /tmp/chromium whatever its version.
 */
export async function chromiumExecutable(): Promise<string> {
  const chosen = process.env['CHROMIUM_PATH'];
  if (chosen) return chosen;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const require = createRequire(import.meta.url);
  const packageDir = dirname(dirname(require.resolve('@sparticuz/chromium')));
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = new URL(`.cache/chromium/${version}/chromium`, REPO_ROOT).pathname;
  if (existsSync(target)) return target;
  await mkdir(dirname(target), { recursive: true });
  const binary = await promisify(brotliDecompress)(await readFile(join(packageDir, 'bin/chromium.br')));
  const partial = `${target}.${process.pid}.part`;
  await writeFile(partial, binary);
  await chmod(partial, 0o755);
  await rename(partial, target);
  return target;
}

/** Flags for a closed network and a machine without a GPU. */
export const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
];
