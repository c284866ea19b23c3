import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import type { JobOwner, JobRecord } from '@ansinh/common';
import { seedDemoData } from '@ansinh/infra';
import { sqlRows } from '../support/stack.ts';
import { idleJob, slowWriteJob, testJobs } from './test-job-kinds.ts';

let database: TestDatabase;
/** This process queues and reads the slow jobs but runs none of them... */
let watcher: ReturnType<typeof testJobs>;
/** ...and, with a kind of its own that is never queued, runs pg-boss's monitor and the sweep of lost jobs. */
let monitor: ReturnType<typeof testJobs>;
const children: ChildProcess[] = [];
const owner: JobOwner = { subject: randomUUID(), name: 'xa.18073', unitCode: '18073', unitPath: '' };

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 0 });
  owner.unitPath = (
    await sqlRows(
      database.url,
      `select path::text from registry.administrative_units where code = '18073' and valid_to is null`,
    )
  )[0]!.path;
  watcher = testJobs(database.url, [slowWriteJob], { concurrency: 0 });
  await watcher.jobs.start();
  monitor = testJobs(database.url, [idleJob]);
  await monitor.jobs.start();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await watcher?.stop();
  await monitor?.stop();
  await database?.drop();
});

/** A real worker in a process of its own (job-worker.child.ts), ready to take jobs. */
async function startWorker(): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./job-worker.child.ts', import.meta.url));
  const child = spawn(process.execPath, [script, database.url], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  children.push(child);
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${errors}`)));
  });
  return child;
}

async function waitFor(id: string, until: (job: JobRecord) => boolean, seconds: number): Promise<JobRecord> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const job = await watcher.jobs.find(id, owner);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} stayed ${job.state} (attempt ${job.attempts})`);
    await sleep(100);
  }
}

const persons = async (marker: string) =>
  Number(
    (
      await sqlRows(database.url, `select count(*) from registry.persons where full_name like $1`, [
        `${marker} %`,
      ])
    )[0]!.count,
  );

const killMidJob = async (id: string, attempt: number) => {
  const child = await startWorker();
  // Running, with rows already inserted in its open transaction.
  await waitFor(
    id,
    (job) => job.state === 'running' && job.attempts === attempt && job.progress.done >= 3,
    30,
  );
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
};

describe('a worker killed in the middle of a job', () => {
  it('leaves nothing written; the job is retried once, then failed with a clear reason', async () => {
    const marker = `Bị Dừng ${randomUUID().slice(0, 8)}`;
    const queued = await watcher.jobs.enqueue(
      'test-slow-write',
      { marker, rows: 1000, pauseMs: 100, unitCode: '18073' },
      owner,
    );

    await killMidJob(queued.id, 1);
    expect(await persons(marker)).toBe(0);
    // Its heartbeat stops; the monitor gives the job back for its one retry, and its record says so.
    const retrying = await waitFor(queued.id, (job) => job.state === 'queued', 40);
    expect(retrying.error).toMatch(/Lần chạy thứ 1 bị dừng giữa chừng/);

    // The retry runs on another worker, which is killed too.
    await killMidJob(queued.id, 2);
    expect(await persons(marker)).toBe(0);
    const failed = await waitFor(queued.id, (job) => job.state === 'failed', 40);
    expect(failed.attempts).toBe(2);
    expect(failed.error).toMatch(/bị dừng giữa chừng 2 lần \(mất tín hiệu\); không có dữ liệu nào được ghi/);
    expect(failed.finishedAt).toBeInstanceOf(Date);
    expect(await persons(marker)).toBe(0);
  }, 150_000);

  it('is retried, and the retry finishes the work exactly once', async () => {
    const marker = `Chạy Lại ${randomUUID().slice(0, 8)}`;
    const queued = await watcher.jobs.enqueue(
      'test-slow-write',
      { marker, rows: 30, pauseMs: 100, unitCode: '18073' },
      owner,
    );
    await killMidJob(queued.id, 1);
    expect(await persons(marker)).toBe(0);
    await startWorker();
    const done = await waitFor(queued.id, (job) => job.state === 'done', 60);
    expect(done).toMatchObject({ attempts: 2, result: { written: 30 }, error: null });
    expect(await persons(marker)).toBe(30);
  }, 150_000);
});
