import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import type { JobOwner, JobRecord, Jobs } from '@ansinh/common';
import { seedDemoData } from '@ansinh/infra';
import { sqlRows, untilJobRunEnded } from '../support/stack.ts';
import { lateCancelGates, lateCancelJob, slowWriteJob, stoppedWriteJob, testJobs } from './test-job-kinds.ts';

let database: TestDatabase;
let worker: ReturnType<typeof testJobs>;
let jobs: Jobs;

// Two officials of two current communes (Phường Thành Sen, Phường Hà Huy Tập), as the demo realm has them.
const thanhSen: JobOwner = { subject: randomUUID(), name: 'xa.18073', unitCode: '18073', unitPath: '' };
const haHuyTap: JobOwner = { subject: randomUUID(), name: 'xa.18652', unitCode: '18652', unitPath: '' };

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 0 });
  const [a, b] = await sqlRows(
    database.url,
    `select path::text from registry.administrative_units where code in ('18073', '18652') and valid_to is null order by code`,
  );
  thanhSen.unitPath = a!.path;
  haHuyTap.unitPath = b!.path;
  worker = testJobs(database.url, [slowWriteJob, lateCancelJob]);
  jobs = worker.jobs;
  await jobs.start();
});

afterAll(async () => {
  await worker?.stop();
  await database?.drop();
});

const persons = async (marker: string) =>
  Number(
    (
      await sqlRows(database.url, `select count(*) from registry.persons where full_name like $1`, [
        `${marker} %`,
      ])
    )[0]!.count,
  );

/** Reads the job as its owner until `until` holds, keeping every state seen. */
async function follow(
  id: string,
  owner: JobOwner,
  until: (job: JobRecord) => boolean,
  seen: JobRecord[] = [],
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await jobs.find(id, owner);
    seen.push(job);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} stayed ${job.state}`);
    await sleep(50);
  }
}

describe('a queued job', () => {
  it('shows its progress moving, then its result, to its owner only', async () => {
    const marker = `Tiến Độ ${randomUUID().slice(0, 8)}`;
    const queued = await jobs.enqueue(
      'test-slow-write',
      { marker, rows: 8, pauseMs: 150, unitCode: '18073' },
      thanhSen,
    );
    expect(queued).toMatchObject({
      state: 'queued',
      kind: 'test-slow-write',
      service: 'registry',
      attempts: 0,
    });
    const seen: JobRecord[] = [];
    const done = await follow(queued.id, thanhSen, (job) => job.state === 'done', seen);
    const progressed = seen.filter((job) => job.state === 'running' && job.progress.done > 0);
    // The progress moved: at least two different counts were seen while it ran, with a rate and a time left.
    expect(new Set(progressed.map((job) => job.progress.done)).size).toBeGreaterThanOrEqual(2);
    expect(
      progressed.some((job) => job.progress.ratePerSecond! > 0 && job.progress.secondsLeft !== null),
    ).toBe(true);
    expect(progressed.every((job) => job.progress.phase === 'writing' && job.progress.total === 8)).toBe(
      true,
    );
    expect(done).toMatchObject({ state: 'done', attempts: 1, result: { written: 8 }, error: null });
    expect(done.progress).toMatchObject({ done: 8, total: 8 });
    expect(await persons(marker)).toBe(8);
    // The change history names the owner, as for their own requests.
    const [history] = await sqlRows(
      database.url,
      `select count(*) from registry.change_history h join registry.persons p on p.id = h.row_id
        where p.full_name like $1 and h.actor_name = 'xa.18073'`,
      [`${marker} %`],
    );
    expect(Number(history!.count)).toBe(8);

    // Another commune's official: the job does not exist for them, and cannot be cancelled by them.
    await expect(jobs.find(queued.id, haHuyTap)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(jobs.cancel(queued.id, haHuyTap)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Nor by a colleague of the same commune: a job is its owner's.
    await expect(jobs.find(queued.id, { ...thanhSen, subject: randomUUID() })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await jobs.list(haHuyTap, {}, 20)).map((job) => job.id)).not.toContain(queued.id);
    expect((await jobs.list(thanhSen, { states: ['done'] }, 20)).map((job) => job.id)).toContain(queued.id);
    // Cancelling a finished job changes nothing.
    expect(await jobs.cancel(queued.id, thanhSen)).toMatchObject({ state: 'done' });
  });

  it('fails with the handler message for a refusal, without a retry', async () => {
    const marker = `Từ Chối ${randomUUID().slice(0, 8)}`;
    const queued = await jobs.enqueue(
      'test-slow-write',
      { marker, rows: 1, pauseMs: 0, unitCode: '18073', refuse: true },
      thanhSen,
    );
    const failed = await follow(queued.id, thanhSen, (job) => job.state === 'failed');
    expect(failed).toMatchObject({ attempts: 1, error: 'Tệp thử bị từ chối.' });
    expect(failed.finishedAt).toBeInstanceOf(Date);
  });

  it('cannot write outside its owner scope: a row of another commune is refused by row-level security', async () => {
    const marker = `Ngoài Phạm Vi ${randomUUID().slice(0, 8)}`;
    const queued = await jobs.enqueue(
      'test-slow-write',
      { marker, rows: 2, pauseMs: 0, unitCode: '18652' },
      thanhSen,
    );
    const failed = await follow(
      queued.id,
      thanhSen,
      (job) => job.state === 'failed' || job.state === 'done',
      [],
    );
    expect(failed.state).toBe('failed');
    expect(await persons(marker)).toBe(0);
  });
});

describe('cancelling', () => {
  it('a queued job: it never runs', async () => {
    const idle = testJobs(database.url, [slowWriteJob], { concurrency: 0 });
    await idle.jobs.start();
    try {
      const marker = `Chờ Huỷ ${randomUUID().slice(0, 8)}`;
      // Queued by a process that runs nothing, cancelled before the worker takes it (it polls every second).
      const queued = await idle.jobs.enqueue(
        'test-slow-write',
        { marker, rows: 1, pauseMs: 0, unitCode: '18073' },
        thanhSen,
      );
      const cancelled = await idle.jobs.cancel(queued.id, thanhSen);
      expect(cancelled).toMatchObject({ state: 'cancelled' });
      await sleep(2_500);
      expect(await jobs.find(queued.id, thanhSen)).toMatchObject({ state: 'cancelled', attempts: 0 });
      expect(await persons(marker)).toBe(0);
    } finally {
      await idle.stop();
    }
  });

  it('a running job: it stops and nothing it wrote stays', async () => {
    const marker = `Đang Huỷ ${randomUUID().slice(0, 8)}`;
    const queued = await jobs.enqueue(
      'test-slow-write',
      { marker, rows: 200, pauseMs: 50, unitCode: '18073' },
      thanhSen,
    );
    await follow(queued.id, thanhSen, (job) => job.state === 'running' && job.progress.done >= 5);
    const started = Date.now();
    expect(await jobs.cancel(queued.id, thanhSen)).toMatchObject({ state: 'cancelled' });
    // The handler's signal aborted and the transaction rolled back: its rows were never committed.
    await sleep(1_500);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await jobs.find(queued.id, thanhSen)).toMatchObject({ state: 'cancelled' });
    expect(await persons(marker)).toBe(0);
    // The worker is free again for the next job.
    const next = await jobs.enqueue(
      'test-slow-write',
      { marker: `${marker} sau`, rows: 1, pauseMs: 0, unitCode: '18073' },
      thanhSen,
    );
    expect(await follow(next.id, thanhSen, (job) => job.state === 'done')).toMatchObject({
      result: { written: 1 },
    });
  });
});

describe('a cancel after the handler returned, before the commit', () => {
  it('rolls back what the handler wrote outside its transaction too (a stored file)', async () => {
    const fileName = `bao-cao-${randomUUID().slice(0, 8)}.txt`;
    const stored = async () =>
      Number(
        (
          await sqlRows(
            database.url,
            `select count(*) from registry.files where file_name = $1 and expires_at > now()`,
            [fileName],
          )
        )[0]!.count,
      );
    const queued = await jobs.enqueue('test-late-cancel', { fileName }, thanhSen);
    const deadline = Date.now() + 30_000;
    while (!lateCancelGates.has(fileName)) {
      if (Date.now() > deadline) throw new Error('the job did not reach its gate');
      await sleep(50);
    }
    expect(await stored()).toBe(1);
    expect(await jobs.cancel(queued.id, thanhSen)).toMatchObject({ state: 'cancelled' });
    lateCancelGates.get(fileName)!();
    await untilJobRunEnded(database.url, queued.id);
    expect(await stored()).toBe(0);
    expect(await jobs.find(queued.id, thanhSen)).toMatchObject({ state: 'cancelled', result: null });
  });
});

describe('stopping a worker with a job running', () => {
  const slow = (marker: string) => ({ marker, rows: 2_000, pauseMs: 50, unitCode: '18073' });

  it('a queued run: aborted after the timeout, rolled back and handed back for a retry', async () => {
    const stopped = testJobs(database.url, [stoppedWriteJob]);
    await stopped.jobs.start();
    const marker = `Dừng ${randomUUID().slice(0, 8)}`;
    const queued = await stopped.jobs.enqueue('test-slow-write-stopped', slow(marker), thanhSen);
    await follow(queued.id, thanhSen, (job) => job.state === 'running' && job.progress.done >= 5);
    const started = Date.now();
    // Its stop() gives the run 2 s, then aborts it; the pool ends after it, so nothing is left checked out.
    await stopped.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await jobs.find(queued.id, thanhSen)).toMatchObject({
      state: 'queued',
      attempts: 1,
      error: expect.stringContaining('chạy lại'),
    });
    expect(await persons(marker)).toBe(0);
    // No worker runs this kind any more: the test leaves it cancelled.
    expect(await jobs.cancel(queued.id, thanhSen)).toMatchObject({ state: 'cancelled' });
  });

  it('an inline run: aborted too, recorded as failed, and the caller is answered', async () => {
    const stopped = testJobs(database.url, [stoppedWriteJob], { concurrency: 0 });
    await stopped.jobs.start();
    const marker = `Dừng Ngay ${randomUUID().slice(0, 8)}`;
    const inline = stopped.jobs.runNow('test-slow-write-stopped', slow(marker), thanhSen);
    const outcome = inline.then(
      () => 'done',
      (error: Error) => error.name,
    );
    await sleep(1_000);
    const started = Date.now();
    await stopped.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await outcome).toBe('WorkerStoppedError');
    const [record] = await sqlRows(
      database.url,
      `select state, attempts from jobs.jobs where payload->>'marker' = $1`,
      [marker],
    );
    expect(record).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await persons(marker)).toBe(0);
  });
});

describe('a job run within the request (runNow)', () => {
  it('comes back done with its result, through the same record', async () => {
    const marker = `Ngay ${randomUUID().slice(0, 8)}`;
    const done = await jobs.runNow(
      'test-slow-write',
      { marker, rows: 3, pauseMs: 0, unitCode: '18073' },
      thanhSen,
    );
    expect(done).toMatchObject({ state: 'done', attempts: 1, result: { written: 3 } });
    expect(await persons(marker)).toBe(3);
  });

  it('throws a refusal after recording the job as failed', async () => {
    const marker = `Ngay Lỗi ${randomUUID().slice(0, 8)}`;
    await expect(
      jobs.runNow(
        'test-slow-write',
        { marker, rows: 1, pauseMs: 0, unitCode: '18073', refuse: true },
        thanhSen,
      ),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'Tệp thử bị từ chối.' });
    const [failed] = await jobs.list(thanhSen, { states: ['failed'] }, 1);
    expect(failed).toMatchObject({ error: 'Tệp thử bị từ chối.' });
  });
});
