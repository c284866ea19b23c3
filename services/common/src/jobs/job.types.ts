import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { FileStore } from '../files/file-store.ts';

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Who a job belongs to: the official who started it and their unit. Only they read or cancel it. */
export type JobOwner = {
  /** The token's subject (Keycloak user id, or `cli:<user>` for the command line). */
  subject: string;
  /** The login name, shown to the official and written into the change history. */
  name: string;
  unitCode: string;
  /** ltree path of the unit: the job runs with this scope, as its owner's requests do. */
  unitPath: string;
};

/** What a handler reports: the phase it is in and how far it is, in the phase's own unit. */
export type JobProgressUpdate = { phase: string; done: number; total?: number | null | undefined };

export type JobProgress = {
  phase: string | null;
  done: number;
  total: number | null;
  ratePerSecond: number | null;
  secondsLeft: number | null;
};

/** One job as its owner sees it (`jobs.jobs`). */
export type JobRecord<TResult = unknown> = {
  id: string;
  kind: string;
  service: string;
  state: JobState;
  owner: JobOwner;
  progress: JobProgress;
  result: TResult | null;
  /** Why it failed (or that a retry follows), written for officials. */
  error: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

/**
 * What a handler gets. Its work goes through `client`, a connection inside the job's one transaction,
 * scoped as the owner's own requests are (the subgraph's role, `ansinh.scope_path` = the owner's unit
 * path, the owner as the actor of the change history): row-level security and the history triggers
 * hold, and a killed or cancelled job leaves nothing written. The transaction commits only when the
 * handler returns and the job is still its own (not cancelled meanwhile).
 */
export type JobContext<TPayload> = {
  id: string;
  kind: string;
  /** 1 for the first run, 2 for the retry after a lost worker. */
  attempt: number;
  payload: TPayload;
  owner: JobOwner;
  client: PoolClient;
  /** The session the transaction runs with (MikroORM's SessionContext shape). */
  session: { role: string; variables: Record<string, string> };
  files: FileStore;
  /** Throttled: the latest update is written about once a second, outside the job's transaction. */
  progress(update: JobProgressUpdate): void;
  /** Aborts when the job is cancelled or its worker stops; the running statement is cancelled too. */
  signal: AbortSignal;
  logger: Logger;
  /**
   * Undoes, when the job's transaction does not commit (cancelled, failed, its worker stopped: also
   * after the handler returned, a cancel arriving before the commit), what the handler wrote outside
   * that transaction, such as a file in the store.
   */
  onRollback(undo: () => Promise<unknown>): void;
};

/** A kind of job a subgraph runs: its name and its handler. */
export type JobKind<TPayload = unknown, TResult = unknown> = {
  /** `person-import`: lower case, digits and hyphens. */
  kind: string;
  /** Does the work; what it returns is the job's result (JSON). An AppError fails the job with its message. */
  run(context: JobContext<TPayload>): Promise<TResult>;
  /** Longest run, after which the job is failed (pg-boss expiry). Default 1 hour. */
  expireInSeconds?: number;
};

/** A typed job kind (only checks the shape; the name says what it is at the call site). */
export function defineJobKind<TPayload, TResult>(
  kind: JobKind<TPayload, TResult>,
): JobKind<TPayload, TResult> {
  return kind;
}

/** Raised inside a handler whose job was cancelled: its transaction rolls back. */
export class JobCancelledError extends Error {
  constructor() {
    super('the job was cancelled');
    this.name = 'JobCancelledError';
  }
}
