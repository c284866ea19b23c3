import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createWebhookSender, type WebhookSender } from './webhook-sender.ts';

/**
 * The sender against real local servers: a 2xx counts when its status arrives, an answer's body is
 * read only so far, time-outs, redirects not followed, keep-alive, a private certificate authority
 * trusted through WEBHOOK_CA_FILE's certificates, and addresses inside the network refused.
 */
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let handler: Handler = (_request, response) => response.writeHead(204).end();
let http: Server;
let connections = 0;
let certificateDirectory: string;
let certificate: string;
let key: string;

const LOCAL = new Set(['127.0.0.1', 'localhost']);
const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(String((server.address() as AddressInfo).port))),
  );

const sender = (options: Partial<Parameters<typeof createWebhookSender>[0]> = {}): WebhookSender =>
  createWebhookSender({ timeoutMs: 2_000, concurrency: 4, allowHttpHosts: LOCAL, ...options });

const post = (target: WebhookSender, url: string) =>
  target.send({ url, body: '{"id":"x"}', headers: { 'content-type': 'application/json' } });

let httpUrl: string;

beforeAll(async () => {
  http = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => handler(request, response));
  });
  http.on('connection', () => (connections += 1));
  httpUrl = `http://127.0.0.1:${await listen(http)}/hook`;
  certificateDirectory = await mkdtemp(join(tmpdir(), 'ansinh-webhook-sender-'));
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    join(certificateDirectory, 'key.pem'),
    '-out',
    join(certificateDirectory, 'cert.pem'),
  ]);
  certificate = await readFile(join(certificateDirectory, 'cert.pem'), 'utf8');
  key = await readFile(join(certificateDirectory, 'key.pem'), 'utf8');
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await rm(certificateDirectory, { recursive: true, force: true });
});

describe('createWebhookSender', () => {
  it('counts a 2xx when its status arrives, without waiting for a slow body', async () => {
    const target = sender({ timeoutMs: 1_000 });
    handler = (_request, response) => {
      response.writeHead(200);
      response.write('ok');
      // The rest never comes in time.
      setTimeout(() => response.end(), 3_000).unref();
    };
    const started = Date.now();
    expect(await post(target, httpUrl)).toEqual({ status: 200 });
    expect(Date.now() - started).toBeLessThan(900);
    target.close();
  });

  it('reads only the start of a failure’s answer, however large', async () => {
    const target = sender();
    handler = (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      // 8 MiB: never buffered.
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < 128) {
          sent += 1;
          if (!response.write(chunk)) return response.once('drain', more);
        }
        response.end();
      };
      more();
    };
    const result = await post(target, httpUrl);
    expect(result).toMatchObject({ status: 500 });
    expect(('detail' in result ? result.detail : '')!.length).toBeLessThanOrEqual(200);
    target.close();
  });

  it('gives up after the time-out, and does not follow redirects', async () => {
    const target = sender({ timeoutMs: 300 });
    handler = () => undefined;
    expect(await post(target, httpUrl)).toEqual({ error: 'no answer within 300 ms' });
    handler = (_request, response) =>
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    expect(await post(target, httpUrl)).toEqual({ status: 302 });
    target.close();
  });

  it('keeps the connection open between deliveries', async () => {
    const target = sender();
    handler = (_request, response) => response.writeHead(204).end();
    const before = connections;
    for (let index = 0; index < 5; index += 1) expect(await post(target, httpUrl)).toEqual({ status: 204 });
    expect(connections - before).toBe(1);
    target.close();
  });

  it('trusts a private certificate authority only when given, over https', async () => {
    const https = createHttpsServer({ cert: certificate, key }, (request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(202).end());
    });
    const url = `https://localhost:${await listen(https)}/hook`;
    try {
      const untrusting = sender();
      expect(await post(untrusting, url)).toMatchObject({ error: expect.stringMatching(/certificate/i) });
      untrusting.close();
      const trusting = sender({ extraCertificates: certificate });
      expect(await post(trusting, url)).toEqual({ status: 202 });
      trusting.close();
    } finally {
      https.closeAllConnections();
      await new Promise((resolve) => https.close(resolve));
    }
  });

  it('refuses addresses inside the network unless listed, plain http to unlisted hosts, and credentials', async () => {
    const target = sender({ allowHttpHosts: new Set() });
    const port = new URL(httpUrl).port;
    expect(await post(target, `https://127.0.0.1:${port}/hook`)).toEqual({
      error: 'EINTERNAL: address inside the network',
    });
    // A name that resolves inside (as a re-pointed DNS name would): refused when connecting.
    expect(await post(target, `https://localhost:${port}/hook`)).toMatchObject({
      error: expect.stringMatching(/^EINTERNAL/),
    });
    expect(await post(target, `http://example.org/hook`)).toEqual({ error: 'https required' });
    expect(await post(sender(), `http://user:pw@127.0.0.1:${port}/hook`)).toEqual({
      error: 'credentials in URL refused',
    });
    expect(await post(target, 'not a url')).toEqual({ error: 'invalid URL' });
    target.close();
  });
});
