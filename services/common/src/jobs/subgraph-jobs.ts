import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { roleLoginUrl } from '../config/env.ts';
import type { FileStore } from '../files/file-store.ts';
import type { JobKind } from './job.types.ts';
import { createJobs, type Jobs } from './jobs.ts';

/**
 * A subgraph's job variables:
 * - JOB_CONCURRENCY (2): jobs of each kind this instance runs at once; 0 runs none from the queue
 *   (the instance still queues, cancels and runs small jobs within their request);
 * - JOB_HEARTBEAT_SECONDS (30, at least 10): a worker silent this long has died; its job is retried
 *   once on another instance, then failed with the reason;
 * - JOB_MONITOR_SECONDS (10): how often silent workers and abandoned jobs are looked for.
 */
export const jobsEnv = {
  JOB_CONCURRENCY: z.coerce.number().int().min(0).max(32).default(2),
  JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(30),
  JOB_MONITOR_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
};

export type JobsConfig = { [K in keyof typeof jobsEnv]: z.infer<(typeof jobsEnv)[K]> };

/** What a subgraph with job kinds declares: its kinds and the file store its handlers use. */
export type SubgraphJobs = (orm: MikroORM) => { kinds: readonly JobKind<never, unknown>[]; files: FileStore };

/**
 * The jobs of a subgraph process, on its ORM's pool (its own role) with pg-boss's pool on the same
 * login; started, so that this instance queues jobs and, with JOB_CONCURRENCY above 0, runs them.
 */
export async function startSubgraphJobs(options: {
  schema: string;
  orm: MikroORM;
  databaseUrl: string;
  databasePassword: string;
  config: JobsConfig;
  logger: Logger;
  jobs: SubgraphJobs;
}): Promise<Jobs> {
  const { kinds, files } = options.jobs(options.orm);
  const pool = (await options.orm.em.getConnection().getNativeClient()) as pg.Pool;
  const jobs = createJobs({
    service: options.schema,
    pool,
    queueDatabaseUrl: roleLoginUrl(options.databaseUrl, options.schema, options.databasePassword),
    kinds,
    files,
    logger: options.logger,
    concurrency: options.config.JOB_CONCURRENCY,
    heartbeatSeconds: options.config.JOB_HEARTBEAT_SECONDS,
    monitorSeconds: options.config.JOB_MONITOR_SECONDS,
  });
  await jobs.start();
  return jobs;
}
