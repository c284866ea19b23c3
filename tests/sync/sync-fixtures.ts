import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { IntakeDossier } from './reference-province-system.ts';

/** The Hà Tĩnh system's source code of its dossiers: its Keycloak client id. */
export const HA_TINH_SOURCE = 'ansinh-sync-42';

/** Serial numbers of this run's CCCDs: from a random start, then one by one, so that none repeats. */
let citizenSerial = randomInt(0, 500_000);

/** A CCCD registered in Hà Tĩnh (042) for a woman born in `birthYear` (1900s), unique within a run. */
export function citizenIdFor(birthYear: number): string {
  citizenSerial += 1;
  return `0421${String(birthYear % 100).padStart(2, '0')}${String(citizenSerial).padStart(6, '0')}`;
}

const run = randomUUID().slice(0, 6).toUpperCase();
let serial = 0;

/**
 * A dossier as the one-stop system sends it: an elderly woman of a poor household (5.5.a) filed today
 * at Phường Thành Sen (18073), with its own unique code.
 */
export function dossier(today: string, overrides: Partial<IntakeDossier> = {}): IntakeDossier {
  serial += 1;
  return {
    source: HA_TINH_SOURCE,
    externalCode: `000.00.21.H23-${run}-${String(serial).padStart(5, '0')}`,
    communeCode: '18073',
    applicant: {
      citizenId: citizenIdFor(1950),
      fullName: 'Nguyễn Thị Đồng Bộ',
      birthDate: '1950-03-15',
      gender: 'FEMALE',
      address: 'Tổ dân phố 3',
    },
    categoryCode: '5.5.a',
    filedOn: today,
    documents: [
      { kind: 'DECLARATION', name: 'Tờ khai Mẫu số 1a' },
      { kind: 'CITIZEN_ID', name: 'Căn cước công dân', number: '042150001234', issuedOn: '2021-05-01' },
    ],
    ...overrides,
  };
}

/** Waits until `until()` resolves true, every 200 ms; fails with `what` after `timeoutMs`. */
export async function eventually(until: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await until())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Ansinh's delivering service (relay and webhook deliverer, `startSyncWorkers`) in a process of its
 * own on the services' environment, ready once it prints `ready`.
 */
export async function startSyncWorkerProcess(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./sync-worker.child.ts', import.meta.url));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.SYNC_WORKERS; // the services run none; this process is the one that does
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code, signal) =>
      reject(new Error(`sync worker exited (${code ?? signal}): ${errors}`)),
    );
  });
  return child;
}

/** Kills a process at once (no shutdown: leases and in-flight deliveries are left as they were). */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
