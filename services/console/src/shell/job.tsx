import { useEffect, useState } from 'react';
import { graphql } from '../generated/gql.ts';
import type { JobQuery } from '../generated/graphql.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { formatCount } from '../format.ts';
import { ErrorMessage } from './fields.tsx';
import { useGraph } from './use-graph.ts';

const JOB = graphql(`
  query Job($id: ID!) {
    job(id: $id) {
      id
      kind
      state
      error
      progress {
        phase
        done
        total
        secondsLeft
      }
      personImport {
        fileName
        rows
        created
        updated
        unchanged
        rejected
        duplicateWarnings
        ignoredColumns
        problems {
          row
          column
          message
        }
        reportUrl
      }
      personExport {
        rows
        file {
          fileName
          url
        }
      }
      reportExport {
        rows
        file {
          fileName
          url
        }
      }
      paymentListExport {
        rows
        file {
          fileName
          url
        }
      }
      paymentListGeneration {
        month
        lists
        lockedLists
        lines
        heldLines
        amount
      }
      resolution42Import {
        fileName
        rows
        accepted
        rejected
        paid
        flagged
        problems {
          row
          column
          message
        }
      }
    }
  }
`);

export type JobRecord = NonNullable<JobQuery['job']>;

const FINISHED = new Set(['DONE', 'FAILED', 'CANCELLED']);
const POLL_MS = 1000;

/** Follows a job until it ends, asking for it every second. */
export function useJob(id: string | null): { job: JobRecord | null; error: GraphError | null } {
  const { run } = useGraph();
  const [job, setJob] = useState<JobRecord | null>(null);
  const [error, setError] = useState<GraphError | null>(null);
  useEffect(() => {
    setJob(null);
    setError(null);
    if (!id) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () =>
      run(JOB, { id }).then(
        ({ job: answered }) => {
          if (!current) return;
          setJob(answered ?? null);
          if (answered && !FINISHED.has(answered.state)) timer = setTimeout(poll, POLL_MS);
        },
        (failure: unknown) => current && setError(asGraphError(failure)),
      );
    void poll();
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // Not on `run`: a new function each render, bound to the session, which does not change.
  }, [id]);
  return { job, error };
}

export const jobFinished = (job: JobRecord | null): boolean => !!job && FINISHED.has(job.state);

const JOB_STATE: Record<string, string> = {
  QUEUED: 'Đang chờ',
  RUNNING: 'Đang chạy',
  DONE: 'Xong',
  FAILED: 'Thất bại',
  CANCELLED: 'Đã huỷ',
};

/** A job's progress bar (the share done, when its total is known) and its state. */
export function JobProgress({ job, error }: { job: JobRecord | null; error: GraphError | null }) {
  if (error) return <ErrorMessage error={error} />;
  if (!job) return <p aria-busy="true">Đang bắt đầu…</p>;
  const { done, total, secondsLeft, phase } = job.progress;
  const finished = jobFinished(job);
  return (
    <div className="job" aria-live="polite">
      <progress
        max={total ?? undefined}
        value={finished && job.state === 'DONE' ? (total ?? 1) : total ? done : undefined}
        aria-label="Tiến độ"
      />
      <span>
        {JOB_STATE[job.state] ?? job.state}
        {phase && !finished ? ` (${phase})` : ''}
        {total ? `: ${formatCount(done)}/${formatCount(total)}` : ''}
        {secondsLeft && !finished ? `, còn khoảng ${secondsLeft} giây` : ''}
      </span>
      {job.state === 'FAILED' && <ErrorMessage error={job.error ?? 'Công việc thất bại.'} />}
    </div>
  );
}
