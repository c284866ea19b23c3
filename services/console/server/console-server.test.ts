import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsoleServer, type RunningConsole } from './console-server.ts';

const CONFIG = {
  graphqlUrl: 'https://api.ansinh.example/graphql',
  keycloakUrl: 'https://id.ansinh.example',
  realm: 'ansinh',
  clientId: 'ansinh-admin-console',
};
let root: string;
let server: RunningConsole;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'console-'));
  const dist = join(root, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Ansinh</title>');
  await writeFile(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'not served');
  server = await startConsoleServer({ config: CONFIG, port: 0, dist });
});

afterAll(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

/** A raw request: fetch would normalise `..` away before it is sent. */
function get(path: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((done, fail) => {
    const outgoing = request({ host: '127.0.0.1', port: server.port, path, method }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () =>
        done({ status: answer.statusCode!, headers: answer.headers, body: Buffer.concat(chunks).toString() }),
      );
      answer.on('error', fail);
    });
    outgoing.on('error', fail);
    outgoing.end();
  });
}

describe('the console server', () => {
  it('serves the page, never cached, with a policy that lets it talk only to the gateway and Keycloak', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Ansinh</title>');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain(
      "connect-src 'self' https://api.ansinh.example https://id.ansinh.example",
    );
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the page for the app’s own paths, and 404 for a missing file', async () => {
    expect((await get('/persons/123')).body).toContain('<title>Ansinh</title>');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('caches the hashed assets for a year', async () => {
    const asset = await get('/assets/index-abc.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('gives its deployment’s addresses as /config.json', async () => {
    const config = await get('/config.json');
    expect(JSON.parse(config.body)).toEqual(CONFIG);
  });

  it('serves nothing outside its build, and only GET and HEAD', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/%00']) {
      const answer = await get(path);
      expect([path, answer.body]).not.toEqual([path, 'not served']);
    }
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
    expect((await get('/', 'HEAD')).status).toBe(200);
  });
});
