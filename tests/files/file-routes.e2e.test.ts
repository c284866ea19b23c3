import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGateway, type RunningGateway } from '@ansinh/gateway';
import { sqlRows, startStack, testEnv, tokenFor, type Stack } from '../support/stack.ts';

/**
 * Files end to end, with real Keycloak tokens: the registry's own `/files` routes, the gateway's
 * generic `/files/<service>/<id>` downloads, and multipart uploads that the gateway sends to the
 * subgraph owning the mutation.
 */
let stack: Stack;
let tight: RunningGateway;
let registry: string;
let gateway: string;

beforeAll(async () => {
  stack = await startStack();
  registry = new URL(stack.subgraphs.registry!.url).origin;
  gateway = new URL(stack.gateway.url).origin;
  // A gateway with small upload limits in front of the same subgraphs.
  tight = await startGateway({
    ...testEnv(stack.database.url),
    REGISTRY_URL: stack.subgraphs.registry!.url,
    APPROVALS_URL: stack.subgraphs.approvals!.url,
    PAYMENTS_URL: stack.subgraphs.payments!.url,
    REPORTING_URL: stack.subgraphs.reporting!.url,
    UPLOAD_MAX_FILE_MB: '1',
    UPLOAD_MAX_REQUEST_MB: '2',
  });
});
afterAll(async () => {
  await tight?.stop();
  await stack?.stop();
});

const bearer = async (username: string) => ({ authorization: `Bearer ${await tokenFor(username)}` });

/** Stores a file at the registry as `username`; its id. */
async function store(username: string, content: Buffer, fileName = 'danh sách.csv'): Promise<string> {
  const answer = await fetch(`${registry}/files`, {
    method: 'POST',
    headers: {
      ...(await bearer(username)),
      'content-type': 'text/csv',
      'x-file-name': encodeURIComponent(fileName),
    },
    body: content,
  });
  expect(answer.status).toBe(201);
  const { id } = (await answer.json()) as { id: string };
  return id;
}

const rowsOf = (sql: string, params: unknown[] = []) => sqlRows(stack.database.url, sql, params);

/** Sends only a request's head (no body) and returns the raw answer: proof it was refused unread. */
function headOnly(port: number, head: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(head));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\r\n\r\n') && /"code"/.test(text)) socket.destroy();
    });
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', () => undefined);
  });
}

describe("a subgraph's /files routes", () => {
  it('stores a file for the caller and serves it through the gateway, streamed, with its name and type', async () => {
    const content = randomBytes(2.5 * 1024 * 1024);
    const id = await store('xa.18073', content);
    const [row] = await rowsOf(
      'select owner_subject, unit_code, unit_path::text, file_name, content_type, bytes from registry.files where id = $1',
      [id],
    );
    expect(row).toMatchObject({
      unit_code: '18073',
      // Phường Thành Sen, in force from 1 July 2025: labels carry the first day of the unit.
      unit_path: '42_20250701.18073_20250701',
      file_name: 'danh sách.csv',
      content_type: 'text/csv',
      bytes: String(content.length),
    });

    const download = await fetch(`${gateway}/files/registry/${id}`, { headers: await bearer('xa.18073') });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/csv');
    expect(download.headers.get('content-length')).toBe(String(content.length));
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="danh sach.csv"; filename*=UTF-8''${encodeURIComponent('danh sách.csv')}`,
    );
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);
  });

  it('shows a file only within its unit: another commune and the former district get 404, the province the file', async () => {
    const id = await store('xa.18073', Buffer.from('STT;Họ và tên\r\n'));
    const get = async (username: string) =>
      (await fetch(`${gateway}/files/registry/${id}`, { headers: await bearer(username) })).status;
    expect(await get('xa.18652')).toBe(404);
    // District 436 ended on 30 June 2025: Phường Thành Sen, which began the next day, never lay under it.
    expect(await get('huyen.436')).toBe(404);
    expect(await get('tinh.42')).toBe(200);
    const refused = await fetch(`${gateway}/files/registry/${id}`, { headers: await bearer('xa.18652') });
    expect(await refused.json()).toEqual({
      error: expect.stringContaining('Không tìm thấy tệp'),
      code: 'NOT_FOUND',
    });

    // Another commune's DELETE changes nothing; the owner's removes it.
    const remove = async (username: string) =>
      (await fetch(`${gateway}/files/registry/${id}`, { method: 'DELETE', headers: await bearer(username) }))
        .status;
    expect(await remove('xa.18652')).toBe(204);
    expect(await get('xa.18073')).toBe(200);
    expect(await remove('xa.18073')).toBe(204);
    expect(await get('xa.18073')).toBe(404);
  });

  it('refuses without a token, a malformed path, another method, and an unknown service', async () => {
    const id = await store('xa.18073', Buffer.from('x'));
    const officer = await bearer('xa.18073');
    const answers = await Promise.all([
      fetch(`${gateway}/files/registry/${id}`),
      fetch(`${registry}/files/${id}`),
      fetch(`${registry}/files`, { method: 'POST', body: 'x' }),
      fetch(`${gateway}/files/registry/..%2F..%2Fetc%2Fpasswd`, { headers: officer }),
      fetch(`${gateway}/files/registry/${id}/more`, { headers: officer }),
      fetch(`${gateway}/files/__proto__/${id}`, { headers: officer }),
      fetch(`${gateway}/files/keycloak/${id}`, { headers: officer }),
      fetch(`${registry}/files/..%2F..%2Fetc%2Fpasswd`, { headers: officer }),
      fetch(`${gateway}/files/registry/${id}`, { method: 'PUT', headers: officer, body: 'x' }),
      fetch(`${registry}/files`, { method: 'GET', headers: officer }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([
      401, 401, 401, 404, 404, 404, 404, 404, 405, 405,
    ]);
    for (const answer of answers)
      expect(await answer.json()).toEqual({
        error: expect.any(String),
        code: expect.stringMatching(/^[A-Z_]+$/),
      });
  });

  it('refuses a declared length past the store limit with 413, before reading the body', async () => {
    const head =
      `POST /files HTTP/1.1\r\nhost: x\r\nauthorization: ${(await bearer('xa.18073')).authorization}\r\n` +
      `content-type: text/csv\r\ncontent-length: ${10 * 1024 ** 3}\r\n\r\n`;
    const answer = await headOnly(stack.subgraphs.registry!.port, head);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(answer).toContain('Tệp quá lớn');
  });
});

describe('multipart uploads through the gateway', () => {
  /** A multipart request of `mutation` with one file in `$f`. */
  function form(mutation: string, content: Buffer | string, fileName = 'ds.csv') {
    const body = new FormData();
    body.append('operations', JSON.stringify({ query: mutation, variables: { f: null } }));
    body.append('map', JSON.stringify({ 0: ['variables.f'] }));
    body.append('0', new Blob([content], { type: 'text/csv' }), fileName);
    return body;
  }
  const filesOf = (fileName: string) =>
    rowsOf('select owner_subject, unit_code, bytes, complete from registry.files where file_name = $1', [
      fileName,
    ]);

  it('stores the file at the subgraph that owns the mutation, for the caller', async () => {
    const fileName = `ds-${randomBytes(4).toString('hex')}.csv`;
    // The operation itself is invalid here, so that what is checked is where the file went, not what the
    // import does.
    const answer = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: await bearer('xa.18073'),
      body: form('mutation ($f: Upload!) { importPersons(file: $f) }', 'STT;Họ và tên\r\n', fileName),
    });
    expect(answer.status).toBe(400);
    expect(await filesOf(fileName)).toEqual([
      {
        owner_subject: expect.any(String),
        unit_code: '18073',
        bytes: String(Buffer.byteLength('STT;Họ và tên\r\n')),
        complete: true,
      },
    ]);
  });

  it('refuses a mutation of no single subgraph, and a query, storing nothing', async () => {
    const fileName = `ds-${randomBytes(4).toString('hex')}.csv`;
    for (const query of [
      'query ($f: Upload!) { __typename }',
      'mutation ($f: Upload!) { noSuchField(f: $f) }',
    ]) {
      const answer = await fetch(`${gateway}/graphql`, {
        method: 'POST',
        headers: await bearer('xa.18073'),
        body: form(query, 'x', fileName),
      });
      expect(answer.status).toBe(400);
    }
    expect(await filesOf(fileName)).toEqual([]);
  });

  it('refuses a file over the gateway limit with 413 and keeps nothing of it', async () => {
    const fileName = `lon-${randomBytes(4).toString('hex')}.csv`;
    const answer = await fetch(tight.url, {
      method: 'POST',
      headers: await bearer('xa.18073'),
      body: form(
        'mutation ($f: Upload!) { importPersons(file: $f) { __typename } }',
        Buffer.alloc(1.5 * 1024 * 1024, 'a'),
        fileName,
      ),
    });
    expect(answer.status).toBe(413);
    const { errors } = (await answer.json()) as {
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(errors[0]).toMatchObject({
      message: expect.stringMatching(/quá lớn \(tối đa 1 MB\)/),
      extensions: { code: 'PAYLOAD_TOO_LARGE' },
    });
    // The part the registry had received is removed as its upload is aborted.
    const deadline = Date.now() + 5000;
    while ((await filesOf(fileName)).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await filesOf(fileName)).toEqual([]);
  });

  it('refuses an upload without a valid token before reading its body', async () => {
    const port = Number(new URL(gateway).port);
    const head = (authorization: string) =>
      `POST /graphql HTTP/1.1\r\nhost: x\r\n${authorization}content-type: multipart/form-data; boundary=b\r\n` +
      `content-length: ${200 * 1024 * 1024}\r\n\r\n`;
    for (const authorization of ['', 'authorization: Bearer not.a.token\r\n']) {
      const answer = await headOnly(port, head(authorization));
      expect(answer).toMatch(/^HTTP\/1\.1 401/);
    }
  });
});
