import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidAlive } from '../process/pid-alive.ts';

export const KEYCLOAK_VERSION = '26.7.3';
export const REALM = 'ansinh';
export const DEFAULT_KEYCLOAK_PORT = 8180;
export const TEST_LOGIN_CLIENT_ID = 'ansinh-test-login';

/** Java majors Keycloak 26.7 supports ("Supported configurations" guide); 17 and 25 were tried here. */
const SUPPORTED_JAVA_MAJORS = [17, 21, 25] as const;
const READY_TIMEOUT_MS = 180_000;
const EXTERNAL_READY_TIMEOUT_MS = 120_000;
const LOCK_TIMEOUT_MS = 15 * 60_000;
const ALTERNATIVES =
  'Alternatives: set KEYCLOAK_URL to a running Keycloak that has the realm from infra/keycloak/realm-ansinh.json, ' +
  'or start one with Docker: `docker compose -f infra/docker-compose.yml up -d keycloak`.';

export type RunningKeycloak = {
  /** Base URL, without trailing slash, e.g. http://localhost:8180 */
  url: string;
  realm: string;
  /** The realm's `iss`, as announced by its discovery document. */
  issuer: string;
  startedHere: boolean;
  /** Stops the server if this call started it; a no-op otherwise. */
  stop(): Promise<void>;
};

export type EnsureKeycloakOptions = {
  /** An existing Keycloak to use; falls back to the KEYCLOAK_URL environment variable. */
  keycloakUrl?: string | undefined;
  repoRoot: string;
  /** HTTP port of the local server (default 8180); its management port is port + 1000. */
  port?: number;
  /** Keep the local server running after this process exits (default false). */
  detached?: boolean;
  log?: (line: string) => void;
};

type State = {
  pid: number;
  port: number;
  realmHash: string;
  version: string;
  detached: boolean;
  ready: boolean;
  javaHome: string;
  startedAt: string;
};

type Paths = {
  cacheDir: string;
  distDir: string;
  kcSh: string;
  logFile: string;
  stateFile: string;
  lockDir: string;
  realmFile: string;
};

function pathsFor(repoRoot: string): Paths {
  // Real path, because kc.sh resolves its own location and java's command line shows that.
  const root = existsSync(repoRoot) ? realpathSync(repoRoot) : repoRoot;
  const cacheDir = join(root, '.cache', 'keycloak');
  const distDir = join(cacheDir, `keycloak-${KEYCLOAK_VERSION}`);
  return {
    cacheDir,
    distDir,
    kcSh: join(distDir, 'bin', 'kc.sh'),
    logFile: join(cacheDir, 'keycloak.log'),
    stateFile: join(cacheDir, 'state.json'),
    lockDir: join(cacheDir, 'lock'),
    realmFile: join(root, 'infra', 'keycloak', `realm-${REALM}.json`),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function discoveryUrl(url: string): string {
  return `${url}/realms/${REALM}/.well-known/openid-configuration`;
}

type Probe =
  { kind: 'ready'; issuer: string } | { kind: 'no-realm'; status: number } | { kind: 'down'; reason: string };

async function probe(url: string): Promise<Probe> {
  try {
    const response = await fetch(discoveryUrl(url), { signal: AbortSignal.timeout(3000) });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { kind: 'no-realm', status: response.status };
    }
    const body = (await response.json()) as { issuer?: unknown };
    return {
      kind: 'ready',
      issuer: typeof body.issuer === 'string' ? body.issuer : `${url}/realms/${REALM}`,
    };
  } catch (error) {
    return {
      kind: 'down',
      reason:
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error),
    };
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Guards against pid reuse: the recorded pid must still run from our distribution (the watchdog
 * shell, kc.sh, or java itself, which kc.sh execs after a rebuild of the configuration).
 */
function isOurKeycloak(paths: Paths, pid: number): boolean {
  if (!pidAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(paths.distDir);
  } catch {
    // No procfs (macOS): trust the pid.
    return true;
  }
}

function readState(paths: Paths): State | undefined {
  try {
    return JSON.parse(readFileSync(paths.stateFile, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

function writeState(paths: Paths, state: State): void {
  const tmp = `${paths.stateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, paths.stateFile);
}

function removeStateIfPid(paths: Paths, pid: number): void {
  if (readState(paths)?.pid === pid) rmSync(paths.stateFile, { force: true });
}

/** SIGTERM to the whole process group (launcher, kc.sh, java), then SIGKILL if it lingers. */
async function stopGroup(pgid: number, timeoutMs = 30_000): Promise<void> {
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, name);
    } catch {
      // ESRCH: nothing left to signal.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) {
      signal('SIGKILL');
      await sleep(500);
      if (!groupAlive(pgid)) break;
      throw new Error(`Keycloak process group ${pgid} did not exit after SIGKILL`);
    }
    await sleep(200);
  }
}

function logTail(paths: Paths, lines = 40): string {
  try {
    const all = readFileSync(paths.logFile, 'utf8').split('\n');
    return all
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '(no log)';
  }
}

function hashRealm(paths: Paths): string {
  return createHash('sha256').update(readFileSync(paths.realmFile)).digest('hex');
}

// mkdir is atomic: only one process at a time checks for and starts the local server.
async function withLock<T>(paths: Paths, log: (line: string) => void, body: () => Promise<T>): Promise<T> {
  mkdirSync(paths.cacheDir, { recursive: true });
  const ownerFile = join(paths.lockDir, 'owner.json');
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(paths.lockDir);
      writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readLockOwner(ownerFile);
    const stale = owner === undefined ? lockAgeMs(paths.lockDir) > 10_000 : !pidAlive(owner);
    if (stale) {
      // Renaming is atomic, so of two processes that both found the lock stale only one removes it.
      const aside = `${paths.lockDir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        renameSync(paths.lockDir, aside);
        const movedOwner = readLockOwner(join(aside, 'owner.json'));
        if (movedOwner !== undefined && movedOwner !== owner && pidAlive(movedOwner)) {
          // Someone took the lock between our check and the rename: give it back.
          renameSync(aside, paths.lockDir);
        } else {
          rmSync(aside, { recursive: true, force: true });
          log(`removed stale lock of process ${owner ?? '?'}`);
        }
      } catch {
        // Lost the race; look again.
      }
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for the Keycloak lock ${paths.lockDir} held by process ${owner ?? '?'}`,
      );
    if (!announced) {
      log(`waiting for process ${owner ?? '?'}, which is starting Keycloak`);
      announced = true;
    }
    await sleep(500);
  }
  try {
    return await body();
  } finally {
    rmSync(paths.lockDir, { recursive: true, force: true });
  }
}

function readLockOwner(ownerFile: string): number | undefined {
  try {
    const pid = (JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
}

function lockAgeMs(lockDir: string): number {
  try {
    return Date.now() - statSync(lockDir).mtimeMs;
  } catch {
    return 0;
  }
}

type CommandResult = { code: number | null; output: string; missing: boolean };

function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const append = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ code: null, output: error.message, missing: error.code === 'ENOENT' }),
    );
    child.on('close', (code) => resolve({ code, output, missing: false }));
  });
}

type JavaCandidate = { home: string; major: number };

async function javaMajor(home: string): Promise<number | undefined> {
  const java = join(home, 'bin', 'java');
  if (!existsSync(java)) return undefined;
  let version: string | undefined;
  try {
    version = /^JAVA_VERSION="([^"]+)"/m.exec(readFileSync(join(home, 'release'), 'utf8'))?.[1];
  } catch {
    const result = await runCommand(java, ['-version']);
    version = /version "([^"]+)"/.exec(result.output)?.[1];
  }
  if (version === undefined) return undefined;
  const parts = version.split(/[.+-]/);
  const major = Number(parts[0] === '1' ? parts[1] : parts[0]);
  return Number.isInteger(major) ? major : undefined;
}

async function javaHomeOnPath(): Promise<string | undefined> {
  const result = await runCommand('java', ['-XshowSettings:properties', '-version']);
  return /^\s*java\.home = (.+)$/m.exec(result.output)?.[1]?.trim();
}

function isSupported(major: number): boolean {
  return (SUPPORTED_JAVA_MAJORS as readonly number[]).includes(major);
}

/** JAVA_HOME when it is a supported JDK, else the newest supported one found on the machine. */
async function selectJava(log: (line: string) => void): Promise<JavaCandidate> {
  const supportedText = `${SUPPORTED_JAVA_MAJORS.slice(0, -1).join(', ')} or ${SUPPORTED_JAVA_MAJORS.at(-1)}`;
  const fromEnv = process.env['JAVA_HOME'];
  if (fromEnv) {
    const major = await javaMajor(fromEnv);
    if (major !== undefined && isSupported(major)) return { home: fromEnv, major };
    log(
      `JAVA_HOME=${fromEnv} is ${major === undefined ? 'not a JDK' : `Java ${major}`}; Keycloak ${KEYCLOAK_VERSION} needs Java ${supportedText}. Looking for another JDK.`,
    );
  }
  const homes = new Set<string>();
  for (const root of [
    '/usr/lib/jvm',
    '/usr/lib64/jvm',
    '/usr/java',
    '/opt/java',
    '/Library/Java/JavaVirtualMachines',
    join(homedir(), '.sdkman', 'candidates', 'java'),
  ]) {
    let entries: string[];
    try {
      entries = readdirSync(root);
    } catch {
      continue;
    }
    for (const entry of entries) {
      // macOS keeps the JDK home under Contents/Home.
      for (const home of [join(root, entry), join(root, entry, 'Contents', 'Home')]) {
        try {
          homes.add(realpathSync(home));
        } catch {
          // Missing or dangling link.
        }
      }
    }
  }
  const onPath = await javaHomeOnPath();
  if (onPath) homes.add(onPath);

  const found: JavaCandidate[] = [];
  for (const home of homes) {
    const major = await javaMajor(home);
    if (major !== undefined) found.push({ home, major });
  }
  const best = found.filter((candidate) => isSupported(candidate.major)).sort((a, b) => b.major - a.major)[0];
  if (best) return best;
  const seen = found.length
    ? found.map((candidate) => `Java ${candidate.major} (${candidate.home})`).join(', ')
    : 'none';
  throw new Error(
    `No suitable Java for Keycloak ${KEYCLOAK_VERSION}: it needs a JDK ${supportedText}; found: ${seen}. ` +
      `Install one (e.g. \`apt-get install openjdk-17-jdk-headless\`) or point JAVA_HOME at it. ${ALTERNATIVES}`,
  );
}

/** Downloads (through Maven) and unpacks the distribution into .cache/keycloak unless it is there. */
async function ensureDistribution(
  paths: Paths,
  java: JavaCandidate,
  log: (line: string) => void,
): Promise<void> {
  if (existsSync(paths.kcSh)) return;
  const zipName = `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`;
  const zipFile = join(paths.cacheDir, zipName);
  if (!existsSync(zipFile)) {
    log(
      `fetching Keycloak ${KEYCLOAK_VERSION} with Maven (org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip)`,
    );
    const result = await runCommand(
      'mvn',
      [
        '-B',
        '-q',
        'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
        `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`,
        `-DoutputDirectory=${paths.cacheDir}`,
      ],
      { env: { ...process.env, JAVA_HOME: java.home } },
    );
    if (result.missing) {
      throw new Error(
        `Maven (mvn) is not installed; it is needed once to download Keycloak ${KEYCLOAK_VERSION} from Maven Central. Install it (e.g. \`apt-get install maven\`). ${ALTERNATIVES}`,
      );
    }
    if (result.code !== 0 || !existsSync(zipFile)) {
      throw new Error(
        `Downloading Keycloak with Maven failed (exit code ${result.code}). ${ALTERNATIVES}\n${result.output.trim()}`,
      );
    }
  }

  log(`unpacking ${zipName}`);
  // Unpack beside the target and rename at the end, so an interrupted run never leaves a
  // complete-looking distribution behind.
  const tmpDir = join(paths.cacheDir, `.extract-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmpDir, { recursive: true });
  try {
    let result = await runCommand('unzip', ['-q', zipFile, '-d', tmpDir]);
    if (result.missing)
      result = await runCommand(join(java.home, 'bin', 'jar'), ['xf', zipFile], { cwd: tmpDir });
    const unpacked = join(tmpDir, `keycloak-${KEYCLOAK_VERSION}`);
    if (result.code !== 0 || !existsSync(join(unpacked, 'bin', 'kc.sh'))) {
      throw new Error(
        `Unpacking ${zipFile} failed (exit code ${result.code}); delete it to download again.\n${result.output.trim()}`,
      );
    }
    // `jar xf` does not keep the executable bits.
    for (const script of readdirSync(join(unpacked, 'bin'))) {
      if (script.endsWith('.sh')) chmodSync(join(unpacked, 'bin', script), 0o755);
    }
    rmSync(paths.distDir, { recursive: true, force: true });
    renameSync(unpacked, paths.distDir);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  unlinkSync(zipFile);
}

// Runs kc.sh (the arguments) and stops it when this shell's stdin, a pipe from the Node process,
// reaches EOF: that happens however the Node process ends, even on SIGKILL, which no signal handler
// could cover. The shell exits when Keycloak does, taking the stdin reader down with it. Background
// jobs of a non-interactive shell get /dev/null as stdin, hence the copy in fd 3.
const WATCHDOG = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'kc=$!',
  '(cat <&3 >/dev/null; kill -TERM "$kc" 2>/dev/null) &',
  'exec 3<&-',
  `trap 'kill -TERM "$kc" 2>/dev/null' TERM INT HUP`,
  'status=0',
  'while kill -0 "$kc" 2>/dev/null; do wait "$kc"; status=$?; done',
  "trap '' TERM",
  'kill -TERM 0 2>/dev/null',
  'exit "$status"',
].join('\n');

function spawnKeycloak(paths: Paths, java: JavaCandidate, port: number, detached: boolean): ChildProcess {
  const args = [
    'start-dev',
    '--http-port',
    String(port),
    '--hostname',
    `http://localhost:${port}`,
    '--http-management-port',
    String(port + 1000),
    // Dev mode binds HTTP to localhost but the management interface to all addresses.
    '--http-management-host',
    'localhost',
    '--health-enabled',
    'true',
    '--db',
    'dev-mem',
    '--import-realm',
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JAVA_HOME: java.home,
    JAVA_OPTS_KC_HEAP: '-Xms64m -Xmx512m',
    // glibc gives each of the JVM's ~50 threads its own malloc arena, memory it keeps: with two,
    // Keycloak holds about 130 MB less after 200 logins (465 MB against 599 MB), as fast.
    MALLOC_ARENA_MAX: '2',
    KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
    KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin',
    KC_LOG_CONSOLE_COLOR: 'false',
  };
  // kc.sh prefers $JAVA over $JAVA_HOME.
  delete env['JAVA'];

  const logFd = openSync(paths.logFile, 'w');
  writeSync(
    logFd,
    `# ${new Date().toISOString()} Java ${java.major} (${java.home}): kc.sh ${args.join(' ')}\n`,
  );
  try {
    // Own process group in both modes, so that stopping signals kc.sh and java together.
    if (detached) {
      const child = spawn(paths.kcSh, args, {
        cwd: paths.distDir,
        env,
        detached: true,
        stdio: ['ignore', logFd, logFd],
      });
      child.unref();
      return child;
    }
    const child = spawn('/bin/sh', ['-c', WATCHDOG, 'keycloak-watchdog', paths.kcSh, ...args], {
      cwd: paths.distDir,
      env,
      detached: true,
      stdio: ['pipe', logFd, logFd],
    });
    // Neither the child nor the pipe may keep the event loop alive: the server lives as long as the process.
    child.unref();
    child.stdin?.on('error', () => undefined);
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  } finally {
    closeSync(logFd);
  }
}

async function waitUntilReady(
  url: string,
  timeoutMs: number,
  exited: () => string | undefined,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe(url);
    if (result.kind === 'ready') return result.issuer;
    const exit = exited();
    if (exit !== undefined) throw new Error(exit);
    if (Date.now() > deadline) {
      throw new Error(
        `Keycloak did not serve realm ${REALM} at ${url} within ${Math.round(timeoutMs / 1000)} s (last: ${result.kind === 'down' ? result.reason : `HTTP ${result.status}`})`,
      );
    }
    await sleep(500);
  }
}

async function startLocal(
  paths: Paths,
  port: number,
  detached: boolean,
  log: (line: string) => void,
): Promise<RunningKeycloak> {
  const url = `http://localhost:${port}`;
  const java = await selectJava(log);
  await ensureDistribution(paths, java, log);

  const importDir = join(paths.distDir, 'data', 'import');
  rmSync(importDir, { recursive: true, force: true });
  mkdirSync(importDir, { recursive: true });
  copyFileSync(paths.realmFile, join(importDir, `realm-${REALM}.json`));
  const realmHash = hashRealm(paths);

  log(`starting Keycloak ${KEYCLOAK_VERSION} on ${url} with Java ${java.major} (log: ${paths.logFile})`);
  const startedAt = Date.now();
  const child = spawnKeycloak(paths, java, port, detached);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${paths.kcSh}`);
  let exitMessage: string | undefined;
  child.on('exit', (code, signal) => {
    exitMessage = `Keycloak exited during startup (${signal ?? `exit code ${code}`})`;
  });
  // Written before it is ready, so that a later caller waits for this server instead of starting another.
  const state: State = {
    pid,
    port,
    realmHash,
    version: KEYCLOAK_VERSION,
    detached,
    ready: false,
    javaHome: java.home,
    startedAt: new Date(startedAt).toISOString(),
  };
  writeState(paths, state);

  let issuer: string;
  try {
    issuer = await waitUntilReady(url, READY_TIMEOUT_MS, () => exitMessage);
  } catch (error) {
    await stopGroup(pid).catch(() => undefined);
    removeStateIfPid(paths, pid);
    throw new Error(
      `${(error as Error).message}\n--- last lines of ${paths.logFile} ---\n${logTail(paths)}`,
      { cause: error },
    );
  }
  writeState(paths, { ...state, ready: true });
  log(`Keycloak ready on ${url} after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await stopGroup(pid);
      removeStateIfPid(paths, pid);
      log('Keycloak stopped');
    })();
    return stopping;
  };
  return { url, realm: REALM, issuer, startedHere: true, stop };
}

function reused(url: string, issuer: string): RunningKeycloak {
  return { url, realm: REALM, issuer, startedHere: false, stop: async () => undefined };
}

/**
 * Gives a Keycloak serving the realm `ansinh`: `keycloakUrl` (or KEYCLOAK_URL) when set, else the
 * local dev server on `port`, started from the distribution cached in `.cache/keycloak` (fetched
 * with Maven the first time) unless a server with the current realm file already runs there.
 */
export async function ensureKeycloak(options: EnsureKeycloakOptions): Promise<RunningKeycloak> {
  const log = options.log ?? (() => undefined);
  const external = options.keycloakUrl || process.env['KEYCLOAK_URL'];
  if (external) {
    const url = trimSlash(external);
    const issuer = await waitUntilReady(url, EXTERNAL_READY_TIMEOUT_MS, () => undefined);
    return reused(url, issuer);
  }

  const port = options.port ?? DEFAULT_KEYCLOAK_PORT;
  const url = `http://localhost:${port}`;
  const paths = pathsFor(options.repoRoot);
  if (!existsSync(paths.realmFile)) throw new Error(`Realm file ${paths.realmFile} is missing`);

  return withLock(paths, log, async () => {
    const state = readState(paths);
    if (state && !isOurKeycloak(paths, state.pid)) {
      rmSync(paths.stateFile, { force: true });
    } else if (state) {
      if (state.port !== port) {
        throw new Error(
          `A Keycloak started from this repo (pid ${state.pid}) runs on port ${state.port}, not ${port}; both would share ${paths.distDir}. ` +
            'Use that port or stop it with `node infra/src/keycloak/run.ts stop`.',
        );
      }
      if (state.realmHash !== hashRealm(paths) || state.version !== KEYCLOAK_VERSION) {
        log(
          `Keycloak on ${url} (pid ${state.pid}) was started with another realm file or version; restarting it`,
        );
        await stopGroup(state.pid);
        removeStateIfPid(paths, state.pid);
      } else {
        if (!state.ready) log(`waiting for the Keycloak that is starting on ${url} (pid ${state.pid})`);
        const issuer = await waitUntilReady(url, READY_TIMEOUT_MS, () =>
          isOurKeycloak(paths, state.pid) ? undefined : `Keycloak (pid ${state.pid}) exited during startup`,
        );
        if (!state.ready) writeState(paths, { ...state, ready: true });
        log(`reusing Keycloak on ${url} (pid ${state.pid})`);
        return reused(url, issuer);
      }
    }

    const found = await probe(url);
    if (found.kind === 'ready') {
      log(
        `reusing Keycloak on ${url}, which was not started by this repo's tooling: its realm may differ from ${paths.realmFile}`,
      );
      return reused(url, found.issuer);
    }
    if (found.kind === 'no-realm') {
      throw new Error(
        `Port ${port} is taken by a server without realm ${REALM} (HTTP ${found.status} for ${discoveryUrl(url)}). Stop it or choose another port.`,
      );
    }
    return startLocal(paths, port, options.detached ?? false, log);
  });
}

/**
 * Stops the local server recorded in `.cache/keycloak/state.json` (one started detached, or by a
 * process that is still running). Returns false when none was running.
 */
export async function stopLocalKeycloak(options: {
  repoRoot: string;
  log?: (line: string) => void;
}): Promise<boolean> {
  const log = options.log ?? (() => undefined);
  const paths = pathsFor(options.repoRoot);
  const state = readState(paths);
  if (!state) return false;
  if (!isOurKeycloak(paths, state.pid)) {
    rmSync(paths.stateFile, { force: true });
    return false;
  }
  log(`stopping Keycloak on port ${state.port} (pid ${state.pid})`);
  await stopGroup(state.pid);
  removeStateIfPid(paths, state.pid);
  return true;
}

async function tokenRequest(
  keycloakUrl: string,
  form: Record<string, string>,
  what: string,
): Promise<string> {
  const response = await fetch(`${trimSlash(keycloakUrl)}/realms/${REALM}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  let body: { access_token?: unknown; error?: unknown; error_description?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON (proxy error page, ...): reported below with the raw text.
  }
  if (response.ok && typeof body.access_token === 'string') return body.access_token;
  const reason =
    typeof body.error_description === 'string'
      ? body.error_description
      : typeof body.error === 'string'
        ? body.error
        : text.slice(0, 200);
  throw new Error(`${what} failed: ${reason} (HTTP ${response.status})`);
}

/** Access token for a user, through the password grant (client `ansinh-test-login` by default). */
export async function passwordGrant(opts: {
  keycloakUrl: string;
  username: string;
  password: string;
  clientId?: string;
}): Promise<string> {
  const clientId = opts.clientId ?? TEST_LOGIN_CLIENT_ID;
  return tokenRequest(
    opts.keycloakUrl,
    { grant_type: 'password', client_id: clientId, username: opts.username, password: opts.password },
    `Password grant for ${opts.username} via ${clientId}`,
  );
}

/** Access token of a confidential client's service account. */
export async function clientCredentialsGrant(opts: {
  keycloakUrl: string;
  clientId: string;
  clientSecret: string;
}): Promise<string> {
  return tokenRequest(
    opts.keycloakUrl,
    { grant_type: 'client_credentials', client_id: opts.clientId, client_secret: opts.clientSecret },
    `Client credentials grant for ${opts.clientId}`,
  );
}
