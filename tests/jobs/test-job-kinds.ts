import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import {
  badInput,
  createFileStore,
  createJobs,
  createLogger,
  defineJobKind,
  roleLoginUrl,
  subgraphRole,
  type JobKind,
  type Jobs,
  type Logger,
} from '@ansinh/common';

/**
 * A job that writes `rows` persons named `<marker> <n>` in its transaction, one at a time with a pause,
 * reporting progress after each: while it runs its rows exist only in its open transaction.
 */
export type SlowWritePayload = {
  marker: string;
  rows: number;
  pauseMs: number;
  unitCode: string;
  refuse?: boolean;
};

export const slowWriteJob = defineJobKind<SlowWritePayload, { written: number }>({
  kind: 'test-slow-write',
  async run({ client, payload, progress, signal }) {
    if (payload.refuse) throw badInput('file', 'Tệp thử bị từ chối.');
    for (let row = 1; row <= payload.rows; row++) {
      await client.query(
        // The commune of that code in force today (codes were reused by the 1 July 2025 reform).
        `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, status, created_at, updated_at)
         values (gen_random_uuid(), $1, lower($1), 1950, 'male',
                 (select id from registry.administrative_units where code = $2 and valid_to is null), 'living', now(), now())`,
        [`${payload.marker} ${row}`, payload.unitCode],
      );
      progress({ phase: 'writing', done: row, total: payload.rows });
      await sleep(payload.pauseMs, undefined, { signal });
    }
    return { written: payload.rows };
  },
});

/** Opened by a test: `test-late-cancel` returns once its gate opens (by its file name). */
export const lateCancelGates = new Map<string, () => void>();

/**
 * Stores a file outside its transaction (as the import stores its report), registers its removal for
 * a rollback, then waits for the test to open its gate before it returns: a cancel meanwhile arrives
 * after the handler's work, before the job commits. The removal takes a while, as a bucket's can.
 */
export const lateCancelJob = defineJobKind<{ fileName: string }, { fileId: string }>({
  kind: 'test-late-cancel',
  async run({ files, owner, payload, onRollback }) {
    const stored = await files.put(Readable.from([Buffer.from('báo cáo')]), {
      fileName: payload.fileName,
      contentType: 'text/plain',
      owner: { subject: owner.subject, unitCode: owner.unitCode, unitPath: owner.unitPath },
    });
    onRollback(async () => {
      await sleep(500);
      await files.remove(stored.id, owner.unitPath);
    });
    await new Promise<void>((resolve) => lateCancelGates.set(payload.fileName, resolve));
    return { fileId: stored.id };
  },
});

/** The same work on a queue of its own: only the worker that a test stops runs it. */
export const stoppedWriteJob = defineJobKind<SlowWritePayload, { written: number }>({
  ...slowWriteJob,
  kind: 'test-slow-write-stopped',
});

/** A kind that is never queued: a process with it runs pg-boss's monitor over every queue. */
export const idleJob = defineJobKind<Record<string, never>, null>({
  kind: 'test-idle',
  async run() {
    return null;
  },
});

export const quietLogger: Logger = createLogger('jobs-test', 'silent');

/**
 * Jobs of the registry on a test database, logged in as the registry's role (as a subgraph is), with
 * the registry's file store; short heartbeat and monitor so that a lost worker is seen in seconds.
 */
export function testJobs(
  databaseUrl: string,
  kinds: readonly JobKind<never, unknown>[],
  options: { concurrency?: number; logger?: Logger } = {},
): { jobs: Jobs; pool: pg.Pool; stop(): Promise<void> } {
  const password = process.env.REGISTRY_DATABASE_PASSWORD ?? subgraphRole('registry');
  const login = roleLoginUrl(databaseUrl, 'registry', password);
  const pool = new pg.Pool({ connectionString: login, max: 6 });
  pool.on('error', () => undefined);
  const files = createFileStore({ service: 'registry', schema: 'registry', pool, sweepEveryMs: 0 });
  const jobs = createJobs({
    service: 'registry',
    pool,
    queueDatabaseUrl: login,
    kinds,
    files,
    logger: options.logger ?? quietLogger,
    concurrency: options.concurrency ?? 1,
    heartbeatSeconds: 10,
    monitorSeconds: 1,
    abandonedAfterSeconds: 1,
    progressIntervalMs: 200,
  });
  return {
    jobs,
    pool,
    async stop() {
      await jobs.stop(2_000);
      await pool.end();
    },
  };
}
