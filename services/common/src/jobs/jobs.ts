import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PgBoss, type Job as QueuedJob } from 'pg-boss';
import type { Logger } from 'pino';
import type { Session } from '../auth/session.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import type { FileStore } from '../files/file-store.ts';
import { scopeSessionContext } from '../scope/row-level-security.ts';
import { progressTracker, throttledWriter } from './job-progress.ts';
import {
  cancelJob,
  claimJob,
  endAttempt,
  findJob,
  finishJob,
  insertJob,
  listJobs,
  writeProgress,
  type JobFilter,
} from './job.repository.ts';
import {
  JobCancelledError,
  type JobKind,
  type JobOwner,
  type JobProgress,
  type JobProgressUpdate,
  type JobRecord,
} from './job.types.ts';
import { QUEUE_SCHEMA } from './job-schema.ts';
import { inScopedTransaction, queryOnce, type ScopedSession } from './scoped-transaction.ts';

export type JobsOptions = {
  /** The subgraph (and database schema) whose role runs these kinds: `registry`. */
  service: string;
  /** The subgraph's pool, logged in as its own role: jobs run under row-level security like requests. */
  pool: pg.Pool;
  /** pg-boss's own small pool logs in with this URL (the same role as `pool`). */
  queueDatabaseUrl: string;
  kinds: readonly JobKind<never, unknown>[];
  files: FileStore;
  logger: Logger;
  /** Jobs of each kind this process runs at once; 0: it queues, cancels and runs small jobs inline only. */
  concurrency?: number;
  /** A worker silent for this long has died: its job is retried once, then failed (pg-boss, at least 10). */
  heartbeatSeconds?: number;
  /** How often lost jobs are looked for (pg-boss's monitor and the sweep of abandoned records). */
  monitorSeconds?: number;
  /** An unfinished record older than this with no live run is settled by the sweep. */
  abandonedAfterSeconds?: number;
  progressIntervalMs?: number;
};

/** Background jobs of one subgraph: queue, run (here or on any instance), read and cancel, per owner. */
export type Jobs = {
  readonly service: string;
  /** Queues a job; its record (state queued) and its pg-boss job are written in one transaction. */
  enqueue<TPayload>(kind: string, payload: TPayload, owner: JobOwner): Promise<JobRecord>;
  /**
   * Runs a job in this process now, within the caller's request (small inputs), through the same
   * record, transaction and handler as a queued one. An AppError of the handler is thrown after the
   * job is recorded as failed; any other failure leaves the job failed and is answered with it.
   */
  runNow<TPayload>(kind: string, payload: TPayload, owner: JobOwner): Promise<JobRecord>;
  /** The reader's job; NOT_FOUND for another's, as for none (row-level security). `reader`: jobOwnerOf(session). */
  find(id: string, reader: JobOwner): Promise<JobRecord>;
  list(reader: JobOwner, filter: JobFilter, first: number): Promise<JobRecord[]>;
  /** Cancels a queued or running job of the reader: a running one stops and its transaction rolls back. */
  cancel(id: string, reader: JobOwner): Promise<JobRecord>;
  /** Starts pg-boss and, with a concurrency above 0, the workers and the sweep of abandoned jobs. */
  start(): Promise<void>;
  /** Stops taking jobs; a job still running after `timeoutMs` is aborted (rolled back) and retried elsewhere. */
  stop(timeoutMs?: number): Promise<void>;
};

/** The caller of a request as the owner (or reader) of jobs: its subject, login, unit and scope. */
export function jobOwnerOf(session: Session): JobOwner {
  const principal = session.requirePrincipal();
  if (!session.scopePath) throw notFound(JOB_NOT_FOUND);
  return {
    subject: principal.subject,
    name: principal.username,
    unitCode: principal.unitCode,
    unitPath: session.scopePath,
  };
}

export const JOB_NOT_FOUND = 'Không tìm thấy công việc này (hoặc công việc không phải của bạn).';
const RETRY_LIMIT = 1;
const DEFAULT_EXPIRE_SECONDS = 60 * 60;
const INTERNAL_FAILURE = (id: string) =>
  `Lỗi hệ thống khi xử lý công việc (mã ${id}); không có dữ liệu nào được ghi. Hãy chạy lại hoặc báo quản trị viên.`;
const INTERNAL_RETRY = (attempt: number) =>
  `Lần chạy thứ ${attempt} gặp lỗi hệ thống; không có dữ liệu nào được ghi. Công việc sẽ được chạy lại.`;

const WORKER_STOPPED =
  'Máy chủ xử lý dừng khi công việc đang chạy; không có dữ liệu nào được ghi. Công việc sẽ được chạy lại.';

/** Why a run stopped without a result, told apart by the abort reason. */
class WorkerStoppedError extends Error {
  constructor() {
    super('the worker stopped while the job was running');
    this.name = 'WorkerStoppedError';
  }
}

/** Another runner holds the job (a small job still running inline while its delivery arrives). */
class JobBusyError extends Error {
  constructor() {
    super('the job is being run by another process');
    this.name = 'JobBusyError';
  }
}

type QueueData = { owner: JobOwner };
type RunOutcome = { state: 'done' | 'failed' | 'cancelled' | 'skipped'; error?: AppError };

export function createJobs(options: JobsOptions): Jobs {
  const { service, pool, logger: rootLogger } = options;
  const log = rootLogger.child({ module: 'jobs' });
  const kinds = new Map(options.kinds.map((kind) => [kind.kind, kind as JobKind<unknown, unknown>]));
  const concurrency = options.concurrency ?? 2;
  const heartbeatSeconds = Math.max(10, options.heartbeatSeconds ?? 30);
  const monitorSeconds = Math.max(1, options.monitorSeconds ?? 10);
  const abandonedAfterSeconds = options.abandonedAfterSeconds ?? 30;
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  const queueOf = (kind: string) => `${service}.${kind}`;
  const boss = new PgBoss({
    connectionString: options.queueDatabaseUrl,
    schema: QUEUE_SCHEMA,
    max: 4,
    application_name: `ansinh-${service}-jobs`,
    // The schema is installed and upgraded by `npm run migrate`, as the owner; a subgraph never changes it.
    migrate: false,
    createSchema: false,
    schedule: false,
    supervise: concurrency > 0,
    monitorIntervalSeconds: monitorSeconds,
    superviseIntervalSeconds: monitorSeconds,
    // Index rebuilds need the owner; the subgraph's role has no right to them.
    reindex: false,
    monitorVacuum: false,
    openTelemetry: { enabled: false },
  });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  let sweeper: NodeJS.Timeout | undefined;
  let started = false;
  const stopping = new AbortController();

  const sessionOf = (owner: JobOwner): ScopedSession =>
    scopeSessionContext(service, owner.unitPath, {
      id: owner.subject,
      name: owner.name,
      unitCode: owner.unitCode,
    });
  const kindOf = (kind: string) => {
    const found = kinds.get(kind);
    if (!found) throw new Error(`${service}: no job kind "${kind}"`);
    return found;
  };
  /** pg-boss statements inside one of our transactions, so that its job and our record commit together. */
  const inTransaction = (client: pg.ClientBase) => ({
    db: { executeSql: (text: string, values?: unknown[]) => client.query(text, values as unknown[]) },
  });

  async function setOutcome(
    owner: JobOwner,
    id: string,
    outcome: { state: 'failed' | 'queued'; error: string },
  ) {
    await inScopedTransaction(pool, sessionOf(owner), (client) => endAttempt(client, id, outcome)).catch(
      (error: unknown) => log.error({ err: error, jobId: id }, 'could not record the end of a job'),
    );
  }

  /**
   * One run of a job, inline or from the queue: under its lock (so that a second delivery waits its
   * turn instead of running it twice), claimed in a transaction of its own (so that its owner sees it
   * running), then the handler and the result in the job's one transaction.
   */
  /** Runs of this process, queued or inline: `stop` waits for them, and aborts them after its timeout. */
  const active = new Set<Promise<unknown>>();
  function run(
    kind: JobKind<unknown, unknown>,
    id: string,
    owner: JobOwner,
    external: { signal?: AbortSignal | undefined; retryLeft: boolean },
  ): Promise<RunOutcome> {
    // A run begun after stop would never be aborted: it is handed back at once.
    if (stopping.signal.aborted) return Promise.reject(new WorkerStoppedError());
    const running = runOnce(kind, id, owner, external);
    const settled = running.catch(() => undefined);
    active.add(settled);
    void settled.finally(() => active.delete(settled));
    return running;
  }

  async function runOnce(
    kind: JobKind<unknown, unknown>,
    id: string,
    owner: JobOwner,
    external: { signal?: AbortSignal | undefined; retryLeft: boolean },
  ): Promise<RunOutcome> {
    const session = sessionOf(owner);
    const abort = new AbortController();
    const signals = [stopping.signal, ...(external.signal ? [external.signal] : [])];
    const onExternal = () => abort.abort(new WorkerStoppedError());
    for (const signal of signals) signal.addEventListener('abort', onExternal, { once: true });
    const jobLog = log.child({ jobId: id, kind: kind.kind });
    const track = progressTracker();
    let latest: JobProgress | undefined;
    let changed = false;
    const writer = throttledWriter(async () => {
      const update = changed ? latest : undefined;
      changed = false;
      const state = await inScopedTransaction(pool, session, (client) => writeProgress(client, id, update));
      if (state !== 'running') abort.abort(new JobCancelledError());
    }, progressIntervalMs);
    // The state is read at least as often as progress is written, so that a cancel stops a quiet handler too.
    const poll = setInterval(() => writer.push(undefined), progressIntervalMs);
    poll.unref();
    const rollbacks: (() => Promise<unknown>)[] = [];
    const undoRun = async () => {
      for (let undo = rollbacks.pop(); undo; undo = rollbacks.pop()) {
        await undo().catch((undoError: unknown) =>
          jobLog.warn({ err: undoError }, 'job rollback step failed'),
        );
      }
    };
    try {
      const result = await inScopedTransaction(
        pool,
        session,
        async (client) => {
          const { rows } = await client.query<{ locked: boolean }>(
            `select pg_try_advisory_xact_lock(hashtextextended('ansinh.job:' || $1::text, 0)) as locked`,
            [id],
          );
          if (!rows[0]!.locked) throw new JobBusyError();
          const claimed = await inScopedTransaction(pool, session, (claim) => claimJob(claim, id));
          if (!claimed) return { skipped: true as const };
          jobLog.info({ attempt: claimed.attempts }, 'job started');
          try {
            const value = await kind.run({
              id,
              kind: kind.kind,
              attempt: claimed.attempts,
              payload: claimed.payload,
              owner,
              client,
              session: session as { role: string; variables: Record<string, string> },
              files: options.files,
              progress: (update: JobProgressUpdate) => {
                latest = track(update);
                changed = true;
                writer.push(undefined);
              },
              signal: abort.signal,
              logger: jobLog,
              onRollback: (undo) => rollbacks.push(undo),
            });
            abort.signal.throwIfAborted();
            clearInterval(poll);
            await writer.stop();
            if (!(await finishJob(client, id, value, latest))) throw new JobCancelledError();
          } catch (error) {
            // Undone while this transaction still holds the job's lock: once the lock is free, nothing
            // of the run is left, for the next run of the job and for whoever waits on the lock.
            await undoRun();
            throw error;
          }
          return { skipped: false as const };
        },
        { signal: abort.signal },
      );
      if (result.skipped) return { state: 'skipped' };
      jobLog.info('job done');
      return { state: 'done' };
    } catch (error) {
      // The transaction rolled back (cancelled, refused, failed, or its worker stopped): what the run
      // wrote outside it goes too, even once the handler had returned. Its commit failing is the one
      // case not undone inside it.
      await undoRun();
      const reason = abort.signal.reason as unknown;
      if (error instanceof JobCancelledError || reason instanceof JobCancelledError) {
        jobLog.info('job cancelled, its work rolled back');
        return { state: 'cancelled' };
      }
      if (error instanceof JobBusyError) throw error;
      if (reason instanceof WorkerStoppedError) {
        // Handed back: its owner sees it waiting for another worker (or failed, its retry used up),
        // not running on a process that has stopped.
        jobLog.warn('job stopped with its worker, its work rolled back');
        await setOutcome(
          owner,
          id,
          external.retryLeft
            ? { state: 'queued', error: WORKER_STOPPED }
            : { state: 'failed', error: INTERNAL_FAILURE(id) },
        );
        throw reason;
      }
      if (error instanceof AppError) {
        await setOutcome(owner, id, { state: 'failed', error: error.message });
        jobLog.info({ reason: error.message }, 'job refused');
        return { state: 'failed', error };
      }
      jobLog.error({ err: error }, 'job failed');
      if (external.retryLeft) {
        const attempt = (await findOwn(owner, id))?.attempts ?? 1;
        await setOutcome(owner, id, { state: 'queued', error: INTERNAL_RETRY(attempt) });
        throw error;
      }
      await setOutcome(owner, id, { state: 'failed', error: INTERNAL_FAILURE(id) });
      return { state: 'failed' };
    } finally {
      clearInterval(poll);
      await writer.stop();
      for (const signal of signals) signal.removeEventListener('abort', onExternal);
    }
  }

  const findOwn = (owner: JobOwner, id: string) =>
    inScopedTransaction(pool, sessionOf(owner), (client) => findJob(client, id)).catch(() => undefined);

  async function runQueued(
    kind: JobKind<unknown, unknown>,
    job: QueuedJob<QueueData> & { retryLimit?: number },
  ) {
    const retryLeft = job.retryCount < (job.retryLimit ?? RETRY_LIMIT);
    await run(kind, job.id, job.data.owner, { signal: job.signal, retryLeft });
  }

  async function sweep() {
    try {
      const { rows } = await queryOnce<{ settled: number }>(
        pool,
        'select jobs.settle_abandoned($1) as settled',
        [abandonedAfterSeconds],
      );
      if (rows[0]?.settled) log.warn({ settled: rows[0].settled }, 'settled jobs whose worker died');
    } catch (error) {
      log.error({ err: error }, 'sweep of abandoned jobs failed');
    }
  }

  return {
    service,

    async enqueue(kindName, payload, owner) {
      const kind = kindOf(kindName);
      const id = randomUUID();
      return inScopedTransaction(pool, sessionOf(owner), async (client) => {
        const record = await insertJob(client, { id, kind: kind.kind, service, owner, payload });
        await boss.send(queueOf(kind.kind), { owner } satisfies QueueData, { id, ...inTransaction(client) });
        return record;
      });
    },

    async runNow(kindName, payload, owner) {
      const kind = kindOf(kindName);
      const id = randomUUID();
      await inScopedTransaction(pool, sessionOf(owner), (client) =>
        insertJob(client, { id, kind: kind.kind, service, owner, payload }),
      );
      const outcome = await run(kind, id, owner, { retryLeft: false });
      if (outcome.error) throw outcome.error;
      const record = await findOwn(owner, id);
      if (!record) throw new Error(`job ${id} vanished`);
      return record;
    },

    async find(id, reader) {
      const found = await inScopedTransaction(pool, sessionOf(reader), (client) => findJob(client, id));
      if (!found) throw notFound(JOB_NOT_FOUND);
      return found;
    },

    list(reader, filter, first) {
      return inScopedTransaction(pool, sessionOf(reader), (client) => listJobs(client, filter, first));
    },

    async cancel(id, reader) {
      return inScopedTransaction(pool, sessionOf(reader), async (client) => {
        const cancelled = await cancelJob(client, id);
        if (!cancelled) {
          const existing = await findJob(client, id);
          if (!existing) throw notFound(JOB_NOT_FOUND);
          // Already finished: cancelling changes nothing, and the answer says how it ended.
          return existing;
        }
        if (kinds.has(cancelled.kind)) await boss.cancel(queueOf(cancelled.kind), id, inTransaction(client));
        return cancelled;
      });
    },

    async start() {
      if (started) return;
      await boss.start();
      started = true;
      for (const kind of kinds.values()) {
        const queue = queueOf(kind.kind);
        const queueOptions = {
          retryLimit: RETRY_LIMIT,
          retryDelay: 1,
          heartbeatSeconds,
          expireInSeconds: kind.expireInSeconds ?? DEFAULT_EXPIRE_SECONDS,
        };
        await boss.createQueue(queue, queueOptions);
        await boss.updateQueue(queue, queueOptions);
        if (concurrency > 0) {
          await boss.work<QueueData>(
            queue,
            { localConcurrency: concurrency, batchSize: 1, includeMetadata: true, pollingIntervalSeconds: 1 },
            async ([job]) => runQueued(kind, job!),
          );
        }
      }
      if (concurrency > 0) {
        sweeper = setInterval(() => void sweep(), monitorSeconds * 1000);
        sweeper.unref();
      }
      log.info({ kinds: [...kinds.keys()], concurrency }, 'jobs started');
    },

    async stop(timeoutMs = 30_000) {
      clearInterval(sweeper);
      const abortLater = setTimeout(() => stopping.abort(new WorkerStoppedError()), timeoutMs);
      abortLater.unref();
      try {
        if (started) {
          started = false;
          await boss.stop({ graceful: true, timeout: timeoutMs + 5_000 });
        }
        // Inline runs too (a request's small job, a command line's import): none may outlive the pool.
        await Promise.all(active);
      } finally {
        clearTimeout(abortLater);
      }
    },
  };
}
