import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { migrateSubgraph } from '../db/orm.ts';
import { subgraphRole } from '../scope/row-level-security.ts';

/** Ansinh's job records (platform schema, migrations in services/common/migrations/jobs). */
export const JOBS_SCHEMA = 'jobs';
/** pg-boss's own schema: its queues and deliveries, installed and upgraded by pg-boss itself. */
export const QUEUE_SCHEMA = 'pgboss';
/** The rights to run jobs (the two schemas above), given to the role of each subgraph that has job kinds. */
export const JOB_RUNNER_ROLE = 'ansinh_job_runner';

const MIGRATIONS_PATH = fileURLToPath(new URL('../../migrations/jobs', import.meta.url));

/**
 * The job platform's part of `npm run migrate`, as the owner and before the subgraphs: pg-boss's
 * schema (created or upgraded by pg-boss's own versioned migrations), then the `jobs` schema's
 * migrations, then the job runner's rights on pg-boss's tables (again on each run, as an upgrade of
 * pg-boss can add tables). Running it again changes nothing.
 */
export async function migrateJobs(databaseUrl: string): Promise<string[]> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: QUEUE_SCHEMA,
    max: 2,
    migrate: true,
    createSchema: true,
    supervise: false,
    schedule: false,
    registerInstance: false,
    openTelemetry: { enabled: false },
  });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.stop({ graceful: false, timeout: 1000 });
  const applied = await migrateSubgraph({
    schema: JOBS_SCHEMA,
    databaseUrl,
    entities: [],
    migrationsPath: MIGRATIONS_PATH,
  });
  await withClient(databaseUrl, async (client) => {
    for (const statement of [
      `grant usage on schema ${QUEUE_SCHEMA} to ${JOB_RUNNER_ROLE}`,
      `grant select, insert, update, delete on all tables in schema ${QUEUE_SCHEMA} to ${JOB_RUNNER_ROLE}`,
      `grant usage, select on all sequences in schema ${QUEUE_SCHEMA} to ${JOB_RUNNER_ROLE}`,
      `grant execute on all functions in schema ${QUEUE_SCHEMA} to ${JOB_RUNNER_ROLE}`,
    ]) {
      await client.query(statement);
    }
  });
  return applied;
}

/**
 * Lets the roles of the subgraphs that run jobs (`withJobs`) run them, and takes the right back from
 * the others among `schemas`: a subgraph without job kinds has no business in the queue.
 */
export async function grantJobRunner(
  databaseUrl: string,
  schemas: readonly string[],
  withJobs: ReadonlySet<string>,
): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    for (const schema of schemas) {
      const grant = withJobs.has(schema)
        ? `grant ${JOB_RUNNER_ROLE} to ${subgraphRole(schema)}`
        : `revoke ${JOB_RUNNER_ROLE} from ${subgraphRole(schema)}`;
      await client.query(grant);
    }
  });
}

async function withClient(databaseUrl: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
