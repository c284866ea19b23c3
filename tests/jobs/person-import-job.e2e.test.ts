import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  graphql,
  graphqlUpload,
  sqlRows,
  startStack,
  tokenFor,
  untilJobRunEnded,
  type Stack,
} from '../support/stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const JOB_FIELDS = `id kind state error attempts ownerName unitCode createdAt startedAt finishedAt
  progress { phase done total ratePerSecond secondsLeft }
  personImport { fileName rows created updated unchanged rejected problems { row column message } reportUrl }`;

/** A name of letters only, different for every `n`. */
const lettersOf = (n: number) => {
  let text = '';
  for (let rest = n; text.length < 4 || rest > 0; rest = Math.floor(rest / 26))
    text += 'abcdefghijklmnopqrstuvwxyz'[rest % 26];
  return text[0]!.toUpperCase() + text.slice(1);
};

/** A list of `rows` persons (about 100 bytes a row): over 1 MB, it is queued rather than imported in the request. */
const bigList = (rows: number, family: string) =>
  [
    'Họ và tên;Ngày sinh;Giới tính;Địa chỉ',
    ...Array.from(
      { length: rows },
      (_, i) =>
        `${family} Văn ${lettersOf(i)};${1930 + (i % 60)};Nam;Thôn ${i % 50}, đường Trần Phú, phường Bắc Hà, thành phố Hà Tĩnh`,
    ),
  ].join('\r\n');

async function importFile(content: string, fileName: string, username = 'xa.18652') {
  const body = await graphqlUpload(
    stack.gateway.url,
    `mutation ($file: Upload!) { importPersons(file: $file) { ${JOB_FIELDS} } }`,
    new Blob([content]),
    fileName,
    await tokenFor(username),
  );
  expect(body.errors).toBeUndefined();
  return body.data!.importPersons;
}

const jobOf = async (id: string, username: string) =>
  graphql(stack.gateway.url, `query ($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, {
    variables: { id },
    token: await tokenFor(username),
  });

async function follow(id: string, until: (job: any) => boolean, seen: any[] = []) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answer = await jobOf(id, 'xa.18652');
    expect(answer.errors).toBeUndefined();
    const job = answer.data!.job;
    seen.push(job);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} stayed ${job.state}`);
    await sleep(100);
  }
}

const persons = async (family: string) =>
  Number(
    (
      await sqlRows(stack.database.url, 'select count(*) from registry.persons where full_name like $1', [
        `${family} %`,
      ])
    )[0]!.count,
  );

describe('the person import as a job, through the gateway', () => {
  it('queues a large file; its owner follows the progress to the result; another commune sees nothing', async () => {
    // Long enough (several seconds on this machine; 40,000 rows took under two) for more than one of the
    // job's progress writes (one a second) to be seen.
    const rows = 100_000;
    const job = await importFile(bigList(rows, 'Khúc'), 'danh-sach-lon.csv');
    expect(job).toMatchObject({
      kind: 'person-import',
      ownerName: 'xa.18652',
      unitCode: '18652',
      personImport: null,
    });
    expect(['QUEUED', 'RUNNING']).toContain(job.state);

    // Another commune's official cannot read the job nor cancel it: for them it does not exist.
    const stranger = await jobOf(job.id, 'xa.18073');
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(stranger.data?.job ?? null).toBeNull();
    const strangerCancel = await graphql(
      stack.gateway.url,
      'mutation ($id: ID!) { cancelJob(id: $id) { id state } }',
      {
        variables: { id: job.id },
        token: await tokenFor('xa.18073'),
      },
    );
    expect(strangerCancel.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const strangerList = await graphql(stack.gateway.url, '{ jobs(first: 50) { id } }', {
      token: await tokenFor('xa.18073'),
    });
    expect(strangerList.data!.jobs.map((listed: { id: string }) => listed.id)).not.toContain(job.id);

    const seen: any[] = [];
    const done = await follow(
      job.id,
      (current) => current.state === 'DONE' || current.state === 'FAILED',
      seen,
    );
    expect(done).toMatchObject({ state: 'DONE', attempts: 1, error: null });
    expect(done.personImport).toMatchObject({
      fileName: 'danh-sach-lon.csv',
      rows,
      created: rows,
      rejected: 0,
      reportUrl: null,
    });
    const running = seen.filter((current) => current.state === 'RUNNING' && current.progress.phase);
    // The progress moved through the import's phases while it ran.
    expect(
      new Set(running.map((current) => `${current.progress.phase}:${current.progress.done}`)).size,
    ).toBeGreaterThanOrEqual(2);
    expect(
      running.every((current) => ['reading', 'checking', 'writing'].includes(current.progress.phase)),
    ).toBe(true);
    expect(await persons('Khúc')).toBe(rows);
    const mine = await graphql(
      stack.gateway.url,
      '{ jobs(filter: { kinds: ["person-import"], states: [DONE] }, first: 50) { id } }',
      {
        token: await tokenFor('xa.18652'),
      },
    );
    expect(mine.data!.jobs.map((listed: { id: string }) => listed.id)).toContain(job.id);
  }, 180_000);

  it('cancels a running import through the gateway: nothing is written, and the report is not kept', async () => {
    const token = await tokenFor('xa.18652');
    // Good rows and a refused one: a cancel must keep neither persons nor the report of refused rows.
    const [header, ...rows] = bigList(30_000, 'Hủy').split('\r\n');
    const content = [header, 'Hủy Văn Sai;ngày xưa;Nam;Thôn 1', ...rows].join('\r\n');
    const job = await importFile(content, 'huy.csv');
    const running = await follow(
      job.id,
      (current) => current.state === 'RUNNING' && current.progress.done > 0,
    );
    expect(running.personImport).toBeNull();
    const cancelled = await graphql(
      stack.gateway.url,
      `mutation ($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`,
      { variables: { id: job.id }, token },
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelJob).toMatchObject({ id: job.id, state: 'CANCELLED', personImport: null });
    expect(cancelled.data!.cancelJob.finishedAt).not.toBeNull();

    await untilJobRunEnded(stack.database.url, job.id);
    expect(await persons('Hủy')).toBe(0);
    const reports = await sqlRows(
      stack.database.url,
      `select count(*) from registry.files where file_name like 'loi-nhap-huy%' and expires_at > now()`,
    );
    expect(Number(reports[0]!.count)).toBe(0);
    // A cancel stays a cancel: the queue does not run it again.
    await sleep(2_000);
    const after = await jobOf(job.id, 'xa.18652');
    expect(after.data!.job).toMatchObject({ state: 'CANCELLED', personImport: null });
    expect(await persons('Hủy')).toBe(0);
  }, 120_000);

  it('gives the report of refused rows to its owner scope only', async () => {
    const job = await importFile(
      'Họ và tên;Ngày sinh;Giới tính\r\nLỗi Văn Ngày;ngày xưa;Nam\r\nĐúng Văn Ngày;1950;Nam\r\n',
      'loi.csv',
    );
    expect(job).toMatchObject({ state: 'DONE', personImport: { rows: 2, created: 1, rejected: 1 } });
    const url = new URL(job.personImport.reportUrl, stack.gateway.url);
    expect(url.pathname).toMatch(/^\/files\/registry\/[0-9a-f-]{36}$/);
    const owner = await fetch(url, { headers: { authorization: `Bearer ${await tokenFor('xa.18652')}` } });
    expect(owner.status).toBe(200);
    expect((await owner.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const stranger = await fetch(url, { headers: { authorization: `Bearer ${await tokenFor('xa.18073')}` } });
    expect(stranger.status).toBe(404);
  });
});
