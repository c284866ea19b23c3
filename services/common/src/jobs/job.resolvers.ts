import type { Session } from '../auth/session.ts';
import { badInput } from '../errors/app-error.ts';
import { entityKey, identifierArgument } from '../text/identifier-argument.ts';
import { UUID_FORMAT } from '../text/text-policy.ts';
import { JOB_STATES, type JobRecord, type JobState } from './job.types.ts';
import { jobOwnerOf, type Jobs } from './jobs.ts';

/** Largest `jobs(first:)`; the default is 20. */
export const MAX_JOBS_LISTED = 100;
const DEFAULT_JOBS_LISTED = 20;
const KIND = /^[a-z][a-z0-9-]{0,62}$/;

/** What the job resolvers need of a subgraph's context. */
export type JobsContext = { session: Session; jobs?: Jobs | undefined };

const jobsOf = (context: JobsContext): Jobs => {
  if (!context.jobs) throw new Error('this subgraph runs no jobs: give its definition `jobs`');
  return context.jobs;
};

const jobId = (id: unknown) => identifierArgument(id, UUID_FORMAT, 'id', 'Mã công việc');

/** Every official may follow and cancel the jobs they started themselves, and no one else's. */
const reader = (session: Session) => {
  session.assert('job:read');
  return jobOwnerOf(session);
};

const stateOf = (value: unknown): JobState => {
  const state = String(value).toLowerCase();
  if (!(JOB_STATES as readonly string[]).includes(state))
    throw badInput('filter.states', 'Trạng thái không hợp lệ.');
  return state as JobState;
};

type JobsArgs = {
  filter?: { states?: readonly string[] | null; kinds?: readonly string[] | null } | null;
  first?: number | null;
};

/**
 * `job`, `jobs`, `cancelJob` and the `Job` entity, for a subgraph that includes jobs.graphql. Thin:
 * the scope and the owner are enforced by the jobs module and, again, by row-level security.
 */
export const jobResolvers = {
  Query: {
    job: (_parent: unknown, args: { id: string }, context: JobsContext) =>
      jobsOf(context).find(jobId(args.id), reader(context.session)),
    jobs: (_parent: unknown, args: JobsArgs, context: JobsContext) => {
      const first = args.first ?? DEFAULT_JOBS_LISTED;
      if (!Number.isInteger(first) || first < 1 || first > MAX_JOBS_LISTED)
        throw badInput('first', `Số công việc cần lấy phải từ 1 đến ${MAX_JOBS_LISTED}.`);
      const states = args.filter?.states?.map(stateOf);
      const kinds = args.filter?.kinds ?? undefined;
      if (kinds && (kinds.length > 20 || kinds.some((kind) => !KIND.test(kind))))
        throw badInput('filter.kinds', 'Loại công việc không hợp lệ.');
      return jobsOf(context).list(reader(context.session), { states, kinds }, first);
    },
  },
  Mutation: {
    cancelJob: (_parent: unknown, args: { id: string }, context: JobsContext) =>
      jobsOf(context).cancel(jobId(args.id), reader(context.session)),
  },
  Job: {
    __resolveReference: async (reference: unknown, context: JobsContext) => {
      const id = entityKey(reference, 'id', UUID_FORMAT);
      // Another official's job resolves to nothing, as a job that does not exist.
      return jobsOf(context)
        .find(id, reader(context.session))
        .catch((error: unknown) => {
          if ((error as { code?: string }).code === 'NOT_FOUND') return null;
          throw error;
        });
    },
    state: (job: JobRecord) => job.state.toUpperCase(),
    ownerName: (job: JobRecord) => job.owner.name,
    unitCode: (job: JobRecord) => job.owner.unitCode,
    createdAt: (job: JobRecord) => job.createdAt.toISOString(),
    startedAt: (job: JobRecord) => job.startedAt?.toISOString() ?? null,
    finishedAt: (job: JobRecord) => job.finishedAt?.toISOString() ?? null,
  },
};
