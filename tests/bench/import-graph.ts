// The import benchmark's GraphQL part: the same file through the gateway's multipart upload, the file
// store and the job (what an official's browser does), then the daily case: small lists into a register
// that already holds the big file's persons.
import { openAsBlob } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSubgraph, type RunningSubgraph } from '@ansinh/common';
import { startGateway } from '@ansinh/gateway';
import { DEMO_PASSWORD, ensureKeycloak, passwordGrant, repoRoot, SUBGRAPHS } from '@ansinh/infra';
import { graphqlUpload } from '../support/stack.ts';
import type { Commune } from './generator/units.ts';
import { generatePersons } from './generator/persons.ts';
import { writePersonsCsv } from './generator/write-files.ts';

const IMPORT = `mutation ($file: Upload!) {
  importPersons(file: $file) { id state error personImport { rows created rejected } }
}`;
const JOB = `query ($id: ID!) {
  job(id: $id) { id state error progress { phase done total } personImport { rows created rejected } }
}`;

type JobAnswer = {
  id: string;
  state: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED' | 'CANCELLED';
  error: string | null;
  progress?: { phase: string | null; done: number; total: number | null };
  personImport: { rows: number; created: number; rejected: number } | null;
};

export type GraphImportFigures = {
  rows: number;
  created: number;
  rejected: number;
  seconds: number;
  /** Until the upload was stored and the job queued (the answer of `importPersons`). */
  uploadSeconds: number;
  /** Phases the job reported while it ran, in order. */
  phases: string[];
  smallFileRows: number;
  smallFileRuns: number;
  smallFileP50Ms: number;
  smallFileP95Ms: number;
  smallFileMaxMs: number;
  /** Each run's time, in run order. */
  smallFileSamplesMs: number[];
};

/** The value at fraction `q` of sorted samples (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('no samples');
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The province official (scope: the whole province the generated persons live in). */
const USERNAME = 'tinh.42';

/**
 * Runs the four subgraphs and the gateway in this process on `databaseUrl` (already migrated, with the
 * national units), with the demo realm's province account, and measures: the whole file through
 * GraphQL upload + job until the job is done; then `runs` imports of 1,000-row files, each a new list,
 * from the request until its answer (files this small are imported within the request).
 */
export async function importThroughGraph(options: {
  databaseUrl: string;
  file: string;
  communes: Commune[];
  runs: number;
  log: (line: string) => void;
}): Promise<GraphImportFigures> {
  const { log } = options;
  if (!options.communes.every((commune) => commune.code.length === 5 && commune.provinceCode === '42'))
    throw new Error(
      'the GraphQL part needs the national units (Hà Tĩnh): the demo accounts are in province 42',
    );
  const keycloak = await ensureKeycloak({ keycloakUrl: process.env.KEYCLOAK_URL, repoRoot, log });
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: options.databaseUrl,
    KEYCLOAK_URL: keycloak.url,
    PORT: '0',
    UPLOAD_MAX_FILE_MB: '512',
    UPLOAD_MAX_REQUEST_MB: '512',
  };
  const subgraphs: RunningSubgraph[] = [];
  try {
    for (const definition of SUBGRAPHS) subgraphs.push(await startSubgraph(definition, env));
    const url = (name: string) => subgraphs.find((subgraph) => subgraph.name === name)!.url;
    const gateway = await startGateway({
      ...env,
      REGISTRY_URL: url('registry'),
      APPROVALS_URL: url('approvals'),
      PAYMENTS_URL: url('payments'),
      REPORTING_URL: url('reporting'),
    });
    try {
      // A token per call: the whole file takes longer than an access token lives.
      const token = () =>
        passwordGrant({ keycloakUrl: keycloak.url, username: USERNAME, password: DEMO_PASSWORD });
      const upload = async (file: string, name: string, bearer: string): Promise<JobAnswer> => {
        // A file-backed Blob: fetch streams it from the disk.
        const answer = await graphqlUpload<{ importPersons: JobAnswer }>(
          gateway.url,
          IMPORT,
          await openAsBlob(file, { type: 'text/csv' }),
          name,
          bearer,
        );
        if (!answer.data?.importPersons) throw new Error(`importPersons: ${JSON.stringify(answer.errors)}`);
        return answer.data.importPersons;
      };
      const follow = async (id: string, phases: string[]): Promise<JobAnswer> => {
        for (;;) {
          const response = await fetch(gateway.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
            body: JSON.stringify({ query: JOB, variables: { id } }),
          });
          const answer = (await response.json()) as { data?: { job: JobAnswer }; errors?: unknown[] };
          const job = answer.data?.job;
          if (!job) throw new Error(`job(${id}): ${JSON.stringify(answer.errors)}`);
          const phase = job.progress?.phase;
          if (phase && phases.at(-1) !== phase) {
            phases.push(phase);
            log(`job ${job.state.toLowerCase()}: ${phase}`);
          }
          if (job.state !== 'QUEUED' && job.state !== 'RUNNING') return job;
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      };
      const finished = (job: JobAnswer) => {
        if (job.state !== 'DONE' || !job.personImport)
          throw new Error(`import job ${job.id} ended ${job.state}: ${job.error ?? ''}`);
        return job.personImport;
      };

      const started = performance.now();
      const phases: string[] = [];
      const queued = await upload(options.file, 'bench.csv', await token());
      const uploadSeconds = (performance.now() - started) / 1000;
      log(`uploaded and queued in ${uploadSeconds.toFixed(1)} s`);
      const whole = finished(await follow(queued.id, phases));
      const seconds = (performance.now() - started) / 1000;
      log(`through GraphQL: ${seconds.toFixed(1)} s, ${whole.created} created, ${whole.rejected} refused`);

      // The daily case is a register at rest, whose statistics PostgreSQL's autovacuum has brought up to
      // date after the million-row load (it would within minutes): plan the small lists on those.
      const owner = new pg.Client({ connectionString: options.databaseUrl });
      await owner.connect();
      await owner.query('analyze registry.persons, registry.households, registry.payment_accounts');
      await owner.end();
      const samples: number[] = [];
      const small = join(tmpdir(), `ansinh-bench-small-${process.pid}.csv`);
      try {
        for (let run = 0; run < options.runs; run += 1) {
          // A new list each time (other persons), as officials send them.
          await writePersonsCsv(
            generatePersons({ seed: 10_000 + run, count: 1000, communes: options.communes }),
            small,
          );
          // The official is signed in already: the token is not part of the import's time.
          const bearer = await token();
          const before = performance.now();
          const job = await upload(small, `danh-sach-${run}.csv`, bearer);
          const result = job.state === 'DONE' ? finished(job) : finished(await follow(job.id, []));
          samples.push(performance.now() - before);
          if (result.rows !== 1000) throw new Error(`a small list read ${result.rows} rows`);
        }
      } finally {
        await rm(small, { force: true });
      }
      const sorted = [...samples].sort((a, b) => a - b);
      return {
        rows: whole.rows,
        created: whole.created,
        rejected: whole.rejected,
        seconds,
        uploadSeconds,
        phases,
        smallFileRows: 1000,
        smallFileRuns: samples.length,
        smallFileP50Ms: Math.round(percentile(sorted, 0.5)),
        smallFileP95Ms: Math.round(percentile(sorted, 0.95)),
        smallFileMaxMs: Math.round(sorted.at(-1)!),
        smallFileSamplesMs: samples.map(Math.round),
      };
    } finally {
      await gateway.stop();
    }
  } finally {
    await Promise.all(subgraphs.map((subgraph) => subgraph.stop()));
    await keycloak.stop();
  }
}
