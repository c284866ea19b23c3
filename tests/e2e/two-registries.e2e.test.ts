import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSubgraph, type RunningSubgraph } from '@ansinh/common';
import { startGateway, type RunningGateway } from '@ansinh/gateway';
import { seedDemoData, SUBGRAPHS } from '@ansinh/infra';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { generatePersons } from '../bench/generator/persons.ts';
import { PERSON_COLUMNS, writePersonsCsv } from '../bench/generator/write-files.ts';
import { graphqlUpload, sqlRows, testEnv, tokenFor } from '../support/stack.ts';

// Two registry instances share nothing but PostgreSQL: the gateway sends the upload and the mutation to
// the first, which runs no jobs from the queue; the second, started once the job is queued, runs it.
let database: TestDatabase;
let receiving: RunningSubgraph;
let working: RunningSubgraph | undefined;
let others: RunningSubgraph[];
let gateway: RunningGateway;
const file = join(tmpdir(), `ansinh-two-registries-${process.pid}.csv`);
const ROWS = 8000; // over 1 MB: queued, not imported within the request

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 2 });
  const env = testEnv(database.url);
  const registry = SUBGRAPHS.find((definition) => definition.name === 'registry')!;
  receiving = await startSubgraph(registry, { ...env, JOB_CONCURRENCY: '0' });
  others = await Promise.all(
    SUBGRAPHS.filter((definition) => definition.name !== 'registry').map((definition) =>
      startSubgraph(definition, env),
    ),
  );
  const url = (name: string) => others.find((subgraph) => subgraph.name === name)!.url;
  gateway = await startGateway({
    ...env,
    REGISTRY_URL: receiving.url,
    APPROVALS_URL: url('approvals'),
    PAYMENTS_URL: url('payments'),
    REPORTING_URL: url('reporting'),
  });
  await writePersonsCsv(
    generatePersons({
      seed: 99,
      count: ROWS,
      communes: [{ code: '18652', provinceCode: '42', kind: 'Phường' }],
    }),
    file,
  );
  // One refused row, so that the job writes a report (on the working instance) to download through the first.
  await appendFile(
    file,
    `${ROWS + 1},Lỗi Ngày Sinh,31/02/1950,Nam${','.repeat(PERSON_COLUMNS.length - 4)}\r\n`,
  );
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(
    [receiving, working, ...(others ?? [])].filter(Boolean).map((subgraph) => subgraph!.stop()),
  );
  await database?.drop();
  await rm(file, { force: true });
});

async function post(query: string, variables: Record<string, unknown>) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor('xa.18652')}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}

describe('two registry instances behind the gateway', () => {
  it('runs on the second instance the import whose file the first received', async () => {
    const content = await readFile(file);
    expect(content.length).toBeGreaterThan(1024 * 1024);
    const answer = await graphqlUpload(
      gateway.url,
      'mutation ($file: Upload!) { importPersons(file: $file) { id state } }',
      new Blob([content], { type: 'text/csv' }),
      'danh-sach.csv',
      await tokenFor('xa.18652'),
    );
    expect(answer.errors).toBeUndefined();
    const { id, state } = answer.data!.importPersons;
    expect(state).toBe('QUEUED');

    const JOB = 'query ($id: ID!) { job(id: $id) { state error personImport { rows created reportUrl } } }';
    // Nobody runs it while only the receiving instance is up.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await post(JOB, { id })).data?.job.state).toBe('QUEUED');
    working = await startSubgraph(
      SUBGRAPHS.find((definition) => definition.name === 'registry')!,
      {
        ...testEnv(database.url),
        JOB_CONCURRENCY: '1',
      },
    );

    let job: any;
    for (let attempt = 0; attempt < 240; attempt += 1) {
      job = (await post(JOB, { id })).data?.job;
      if (job && job.state !== 'QUEUED' && job.state !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(job).toMatchObject({ state: 'DONE', error: null, personImport: { rows: ROWS + 1 } });
    expect(job.personImport.created).toBeGreaterThan(ROWS * 0.99);

    // The report the worker stored is served through the gateway by the instance that did not write it.
    expect(job.personImport.reportUrl).toMatch(/^\/files\/registry\//);
    const download = await fetch(new URL(job.personImport.reportUrl, gateway.url), {
      headers: { authorization: `Bearer ${await tokenFor('xa.18652')}` },
    });
    expect(download.status).toBe(200);
    const report = Buffer.from(await download.arrayBuffer());
    expect(report.subarray(0, 2).toString()).toBe('PK'); // an XLSX (zip)
    const other = await fetch(new URL(job.personImport.reportUrl, gateway.url), {
      headers: { authorization: `Bearer ${await tokenFor('xa.18073')}` },
    });
    expect(other.status).toBe(404);
    await other.body?.cancel();

    const [record] = await sqlRows(
      database.url,
      `select count(*)::int as persons from registry.persons
        where residence_unit_id = (select id from registry.administrative_units where code = $1 and valid_to is null)`,
      ['18652'],
    );
    expect(record!.persons).toBeGreaterThanOrEqual(job.personImport.created);
  }, 180_000);
});
