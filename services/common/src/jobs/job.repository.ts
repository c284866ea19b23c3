import type pg from 'pg';
import { JOB_STATES, type JobOwner, type JobProgress, type JobRecord, type JobState } from './job.types.ts';

// Every statement here runs inside a scoped transaction (inScopedTransaction): row-level security on
// `jobs.jobs` shows a job only with its owner as the actor and its unit inside the scope.

const COLUMNS = `id, kind, service, state, owner_subject, owner_name, unit_code, unit_path::text as unit_path,
  phase, done, total, rate_per_second, seconds_left, result, error, attempts, created_at, started_at, finished_at`;

type JobRow = {
  id: string;
  kind: string;
  service: string;
  state: JobState;
  owner_subject: string;
  owner_name: string;
  unit_code: string;
  unit_path: string;
  phase: string | null;
  done: string | number;
  total: string | number | null;
  rate_per_second: number | null;
  seconds_left: number | null;
  result: unknown;
  error: string | null;
  attempts: number;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
};

// The subgraph's pool is MikroORM's, whose type parsers may leave timestamps and json as text.
const dateOf = (value: Date | string) => (value instanceof Date ? value : new Date(value));
const jsonOf = (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);

function recordOf(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    service: row.service,
    state: row.state,
    owner: {
      subject: row.owner_subject,
      name: row.owner_name,
      unitCode: row.unit_code,
      unitPath: row.unit_path,
    },
    progress: {
      phase: row.phase,
      done: Number(row.done),
      total: row.total === null ? null : Number(row.total),
      ratePerSecond: row.rate_per_second,
      secondsLeft: row.seconds_left,
    },
    result: jsonOf(row.result) ?? null,
    error: row.error,
    attempts: Number(row.attempts),
    createdAt: dateOf(row.created_at),
    startedAt: row.started_at === null ? null : dateOf(row.started_at),
    finishedAt: row.finished_at === null ? null : dateOf(row.finished_at),
  };
}

export async function insertJob(
  client: pg.ClientBase,
  job: { id: string; kind: string; service: string; owner: JobOwner; payload: unknown },
): Promise<JobRecord> {
  const { rows } = await client.query<JobRow>(
    `insert into jobs.jobs (id, kind, service, owner_subject, owner_name, unit_code, unit_path, payload)
     values ($1, $2, $3, $4, $5, $6, $7::ltree, $8::jsonb) returning ${COLUMNS}`,
    [
      job.id,
      job.kind,
      job.service,
      job.owner.subject,
      job.owner.name,
      job.owner.unitCode,
      job.owner.unitPath,
      JSON.stringify(job.payload ?? {}),
    ],
  );
  return recordOf(rows[0]!);
}

/**
 * Marks the job running for one more attempt and gives its payload; nothing when it is finished
 * (done, failed, cancelled): a retried or duplicated delivery then does nothing. A `running` job is
 * claimed again only by a runner that holds its lock, that is, after the previous runner died.
 */
export async function claimJob(
  client: pg.ClientBase,
  id: string,
): Promise<{ payload: unknown; attempts: number } | undefined> {
  const { rows } = await client.query<{ payload: unknown; attempts: number }>(
    `update jobs.jobs set state = 'running', attempts = attempts + 1, started_at = now(), error = null,
            phase = null, done = 0, total = null, rate_per_second = null, seconds_left = null, updated_at = now()
      where id = $1 and state in ('queued', 'running') returning payload, attempts`,
    [id],
  );
  return rows[0] && { payload: jsonOf(rows[0].payload), attempts: Number(rows[0].attempts) };
}

/** Writes the progress of a running job; answers the job's state (anything but running stops it). */
export async function writeProgress(
  client: pg.ClientBase,
  id: string,
  progress: JobProgress | undefined,
): Promise<JobState | undefined> {
  if (progress) {
    const { rows } = await client.query<{ state: JobState }>(
      `update jobs.jobs set phase = $2, done = $3, total = $4, rate_per_second = $5, seconds_left = $6, updated_at = now()
        where id = $1 and state = 'running' returning state`,
      [id, progress.phase, progress.done, progress.total, progress.ratePerSecond, progress.secondsLeft],
    );
    if (rows[0]) return rows[0].state;
  }
  const { rows } = await client.query<{ state: JobState }>('select state from jobs.jobs where id = $1', [id]);
  return rows[0]?.state;
}

/**
 * Records the result, in the job's own transaction: the work and its `done` commit together, so a
 * retry after a crash between the two cannot run the work twice. False when the job is no longer
 * running (cancelled meanwhile): the caller rolls the work back.
 */
export async function finishJob(
  client: pg.ClientBase,
  id: string,
  result: unknown,
  progress: JobProgress | undefined,
): Promise<boolean> {
  const { rowCount } = await client.query(
    `update jobs.jobs set state = 'done', result = $2::jsonb, error = null, finished_at = now(), updated_at = now(),
            phase = coalesce($3, phase), done = coalesce($4, done), total = coalesce($5, total), rate_per_second = null, seconds_left = 0
      where id = $1 and state = 'running'`,
    [
      id,
      JSON.stringify(result ?? null),
      progress?.phase ?? null,
      progress?.done ?? null,
      progress?.total ?? null,
    ],
  );
  return rowCount === 1;
}

/** A run that ended in an error: failed, or back to queued when a retry follows. */
export async function endAttempt(
  client: pg.ClientBase,
  id: string,
  outcome: { state: 'failed' | 'queued'; error: string },
): Promise<void> {
  await client.query(
    `update jobs.jobs set state = $2, error = $3, rate_per_second = null, seconds_left = null, updated_at = now(),
            finished_at = case when $2 = 'failed' then now() end
      where id = $1 and state = 'running'`,
    [id, outcome.state, outcome.error],
  );
}

export async function findJob(client: pg.ClientBase, id: string): Promise<JobRecord | undefined> {
  const { rows } = await client.query<JobRow>(`select ${COLUMNS} from jobs.jobs where id = $1`, [id]);
  return rows[0] && recordOf(rows[0]);
}

export type JobFilter = { states?: readonly JobState[] | undefined; kinds?: readonly string[] | undefined };

/** The caller's jobs, newest first. */
export async function listJobs(
  client: pg.ClientBase,
  filter: JobFilter,
  first: number,
): Promise<JobRecord[]> {
  const states = filter.states?.filter((state) => (JOB_STATES as readonly string[]).includes(state));
  const { rows } = await client.query<JobRow>(
    `select ${COLUMNS} from jobs.jobs
      where ($1::text[] is null or state = any($1)) and ($2::text[] is null or kind = any($2))
      order by created_at desc, id limit $3`,
    [states?.length ? states : null, filter.kinds?.length ? filter.kinds : null, first],
  );
  return rows.map(recordOf);
}

/** Cancels a queued or running job; undefined when there is no such job or it has already finished. */
export async function cancelJob(client: pg.ClientBase, id: string): Promise<JobRecord | undefined> {
  const { rows } = await client.query<JobRow>(
    `update jobs.jobs set state = 'cancelled', finished_at = now(), rate_per_second = null, seconds_left = null,
            error = null, updated_at = now()
      where id = $1 and state in ('queued', 'running') returning ${COLUMNS}`,
    [id],
  );
  return rows[0] && recordOf(rows[0]);
}
