// The npm registry reachable from our build machines lacks some platform-specific builds
// (darwin, win32, ...) of packages that list them as optional dependencies. `npm install` then
// leaves them out of package-lock.json and `npm ci` refuses the lockfile as out of sync. This
// adds each missing optional platform package to the lockfile with its os/cpu, so `npm ci`
// skips it on platforms it does not fit, exactly as it would with a complete lockfile.
// Run after `npm install` changes the lockfile: `npm run lock:complete`.
import { readFileSync, writeFileSync } from 'node:fs';

type LockEntry = {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
};

const OS_NAMES: Record<string, string> = {
  darwin: 'darwin',
  win32: 'win32',
  windows: 'win32',
  linux: 'linux',
  android: 'android',
  freebsd: 'freebsd',
  openharmony: 'openharmony',
};
const CPU_NAMES: Record<string, string> = {
  arm64: 'arm64',
  x64: 'x64',
  '64': 'x64',
  ia32: 'ia32',
  arm: 'arm',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

export function platformOf(packageName: string): { os?: string; cpu?: string } {
  const parts = packageName.split('/').pop()!.split('-');
  const os = parts.map((part) => OS_NAMES[part]).find(Boolean);
  const cpu = parts.map((part) => CPU_NAMES[part.replace(/(eabi|gnu|musl|msvc).*$/, '')]).find(Boolean);
  return { os, cpu };
}

export function completeLockfile(lock: { packages: Record<string, LockEntry> }): string[] {
  const added: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const base = path === '' ? '' : `${path}/`;
      const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
      if (candidates.some((candidate) => lock.packages[candidate])) continue;
      const { os, cpu } = platformOf(name);
      if (!os) continue; // not a platform build: a real missing optional package, leave it to npm
      lock.packages[`node_modules/${name}`] = {
        version,
        ...(entry.dev ? { dev: true } : {}),
        optional: true,
        os: [os],
        ...(cpu ? { cpu: [cpu] } : {}),
      };
      added.push(`${name}@${version}`);
    }
  }
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
  );
  return added;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? 'package-lock.json';
  const lock = JSON.parse(readFileSync(file, 'utf8'));
  const added = completeLockfile(lock);
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(
    added.length
      ? `added ${added.length} platform entries: ${added.join(', ')}`
      : 'lockfile already complete',
  );
}
