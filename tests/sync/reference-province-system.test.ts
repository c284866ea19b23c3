import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { signWebhook, verifyWebhook } from '@ansinh/common';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSelfSignedCertificate,
  EventLedger,
  ReferenceProvinceClient,
  ReferenceWebhookReceiver,
  signatureOf,
  signedHeaders,
  WebhookInbox,
  type SyncEvent,
  type Tls,
} from './reference-province-system.ts';

/**
 * The reference provincial system on its own: the receiver's signature, window and replay checks,
 * de-duplication and per-dossier order, its HTTPS endpoint through an outage, and the client's feed
 * cursor that a new run resumes from. No Ansinh service is involved (two-way-sync.e2e.test.ts drives
 * it against the real graph).
 */
const SECRET = 'whsec_reference_test';
const NOW = 1_796_256_000; // 2026-12-03 00:00:00 UTC

let sequence = 0;
function event(overrides: Partial<SyncEvent> = {}, applicationId = 'a-1'): SyncEvent {
  sequence += 1;
  return {
    id: randomUUID(),
    sequence: String(sequence),
    type: 'application.received',
    occurredAt: new Date(NOW * 1000).toISOString(),
    province: '42',
    dossier: { source: 'ansinh-sync-42', externalCode: `HT-${applicationId}`, applicationId },
    data: {},
    ...overrides,
  };
}

function signed(value: SyncEvent, options: { secret?: string; at?: number; body?: string } = {}) {
  const rawBody = options.body ?? JSON.stringify(value);
  const at = options.at ?? NOW;
  return {
    rawBody,
    headers: signedHeaders(options.secret ?? SECRET, rawBody, at, value),
    nowSeconds: NOW,
  };
}

function inbox(): WebhookInbox {
  const receiving = new WebhookInbox({ province: '42' });
  receiving.trust(SECRET);
  return receiving;
}

describe('the signature (header contract)', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<raw body>" under the secret', () => {
    // Computed independently: printf '%s' '1796256000.{"id":"x"}' | openssl dgst -sha256 -hmac whsec_test
    expect(signatureOf('whsec_test', 1_796_256_000, '{"id":"x"}')).toBe(
      'v1=eb11eb56109468e0b935da523d650ae74f0beffa6ef1a854fcb1acfd71abb0d6',
    );
  });
});

describe("Ansinh's signer and the province's verifier agree (written apart, from the one contract)", () => {
  it('signs the same; each accepts what the other signed; each refuses the same forgery', () => {
    const value = event();
    const rawBody = JSON.stringify(value);
    expect(signWebhook(SECRET, rawBody, NOW)).toBe(signatureOf(SECRET, NOW, rawBody));
    const receiving = inbox();
    const byAnsinh = {
      ...signedHeaders(SECRET, rawBody, NOW, value),
      'x-ansinh-signature': signWebhook(SECRET, rawBody, NOW),
    };
    expect(receiving.receive({ rawBody, headers: byAnsinh, nowSeconds: NOW }).outcome).toBe('accepted');
    const ours = signedHeaders(SECRET, rawBody, NOW, value);
    expect(verifyWebhook({ secret: SECRET, body: rawBody, headers: ours, nowSeconds: NOW })).toMatchObject({
      ok: true,
    });
    const guessed = signedHeaders('whsec_guessed', rawBody, NOW, value);
    expect(verifyWebhook({ secret: SECRET, body: rawBody, headers: guessed, nowSeconds: NOW }).ok).toBe(
      false,
    );
    expect(receiving.receive({ rawBody, headers: guessed, nowSeconds: NOW }).outcome).toBe('forged');
    expect(verifyWebhook({ secret: SECRET, body: rawBody, headers: ours, nowSeconds: NOW + 301 }).ok).toBe(
      false,
    );
    expect(inbox().receive({ rawBody, headers: ours, nowSeconds: NOW + 301 }).outcome).toBe('stale');
  });
});

describe('the receiver (WebhookInbox)', () => {
  it('accepts an event signed with the secret it was given, and files it under its dossier', () => {
    const receiving = inbox();
    const received = event();
    expect(receiving.receive(signed(received))).toEqual({ status: 200, outcome: 'accepted' });
    expect(receiving.ledger.types('a-1')).toEqual(['application.received']);
    expect(receiving.ledger.size).toBe(1);
  });

  it('refuses forged signatures (401): another secret, a changed body, none, an unknown scheme', () => {
    const receiving = inbox();
    const value = event();
    const cases = [
      signed(value, { secret: 'whsec_guessed' }),
      { ...signed(value), rawBody: JSON.stringify({ ...value, data: { monthlyAmount: 99_000_000 } }) },
      { ...signed(value), headers: { ...signed(value).headers, 'x-ansinh-signature': undefined } },
      { ...signed(value), headers: { ...signed(value).headers, 'x-ansinh-timestamp': 'yesterday' } },
      {
        ...signed(value),
        headers: {
          ...signed(value).headers,
          'x-ansinh-signature': signatureOf(SECRET, NOW, JSON.stringify(value)).replace('v1=', 'v0='),
        },
      },
    ];
    for (const forged of cases) {
      expect(receiving.receive(forged)).toMatchObject({ status: 401, outcome: 'forged' });
    }
    expect(receiving.refused.forged).toBe(cases.length);
    expect(receiving.ledger.size).toBe(0);
  });

  it('refuses a timestamp more than 300 s away (an old message sent again), and takes one at the edge', () => {
    const receiving = inbox();
    const old = event();
    expect(receiving.receive(signed(old, { at: NOW - 301 }))).toMatchObject({
      status: 401,
      outcome: 'stale',
    });
    expect(receiving.receive(signed(event(), { at: NOW + 301 }))).toMatchObject({
      status: 401,
      outcome: 'stale',
    });
    expect(receiving.refused.stale).toBe(2);
    expect(receiving.ledger.size).toBe(0);
    expect(receiving.receive(signed(old, { at: NOW - 300 }))).toMatchObject({
      status: 200,
      outcome: 'accepted',
    });
  });

  it('refuses the same signed message again (409, counted), and de-duplicates a retry signed anew', () => {
    const receiving = inbox();
    const value = event();
    const first = signed(value);
    expect(receiving.receive(first).outcome).toBe('accepted');
    expect(receiving.receive(first)).toMatchObject({ status: 409, outcome: 'replayed' });
    expect(receiving.refused.replayed).toBe(1);
    // Ansinh's retry of an event it could not confirm: a new timestamp, a new signature.
    expect(receiving.receive(signed(value, { at: NOW + 5 }))).toEqual({ status: 200, outcome: 'duplicate' });
    expect(receiving.ledger.size).toBe(1);
    expect(receiving.ledger.duplicates).toBe(1);
  });

  it('accepts either secret while the sender rotates (two v1= values)', () => {
    const receiving = inbox();
    const value = event();
    const rawBody = JSON.stringify(value);
    const headers = {
      ...signedHeaders(SECRET, rawBody, NOW, value),
      'x-ansinh-signature': `${signatureOf('whsec_new', NOW, rawBody)}, ${signatureOf(SECRET, NOW, rawBody)}`,
    };
    expect(receiving.receive({ rawBody, headers, nowSeconds: NOW }).outcome).toBe('accepted');
  });

  it('refuses a body that is not an event, an id header that differs, and an event of another province', () => {
    const receiving = inbox();
    const notEvent = { id: randomUUID(), type: 'x' } as unknown as SyncEvent;
    expect(receiving.receive(signed(notEvent))).toMatchObject({ status: 400, outcome: 'malformed' });
    const value = event();
    const other = signed(value);
    other.headers['x-ansinh-event-id'] = randomUUID();
    expect(receiving.receive(other)).toMatchObject({ status: 400, outcome: 'malformed' });
    expect(receiving.receive(signed(event({ province: '01' })))).toMatchObject({
      status: 400,
      outcome: 'foreign',
    });
    expect(receiving.ledger.size).toBe(0);
  });
});

describe('the ledger (per-dossier order)', () => {
  it('keeps each dossier in the order first received, and reports an event that overtook an earlier one', () => {
    const ledger = new EventLedger();
    const received = event({}, 'a-2');
    const completed = event({ type: 'application.step-completed' }, 'a-2');
    const other = event({}, 'a-3');
    const decided = event({ type: 'application.decided' }, 'a-2');
    for (const value of [received, other, completed, completed, decided]) ledger.record(value);
    expect(ledger.types('a-2')).toEqual([
      'application.received',
      'application.step-completed',
      'application.decided',
    ]);
    expect(ledger.duplicates).toBe(1);
    expect(ledger.orderViolations).toEqual([]);
    const late = new EventLedger();
    late.record(completed);
    late.record(received);
    expect(late.orderViolations).toEqual([
      `a-2: application.received #${received.sequence} after #${completed.sequence}`,
    ]);
  });
});

describe('the HTTPS endpoint', () => {
  let tls: Tls;
  let receiver: ReferenceWebhookReceiver;

  beforeAll(async () => {
    tls = await createSelfSignedCertificate();
    receiver = await ReferenceWebhookReceiver.start(tls, { province: '42' });
    receiver.inbox.trust(SECRET);
  });

  afterAll(async () => {
    await receiver?.stop();
    if (tls) await rm(tls.dir, { recursive: true, force: true });
  });

  /** A POST as Ansinh's deliverer makes it, trusting the receiver's certificate (WEBHOOK_CA_FILE). */
  function post(value: SyncEvent, at = Math.floor(Date.now() / 1000)) {
    const rawBody = JSON.stringify(value);
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(
        receiver.url,
        // A connection of its own each time, as after an outage no kept-alive socket survives.
        { method: 'POST', ca: tls.cert, agent: false, headers: signedHeaders(SECRET, rawBody, at, value) },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(rawBody);
    });
  }

  it('receives over TLS with its self-signed certificate for localhost', async () => {
    const value = event({}, 'h-1');
    expect(await post(value)).toEqual({ status: 200, body: '{"outcome":"accepted"}' });
    expect(receiver.inbox.ledger.has(value.id)).toBe(true);
    expect(receiver.attempts.at(-1)).toMatchObject({ eventId: value.id, status: 200, outcome: 'accepted' });
  });

  it('answers 503 while unavailable, refuses connections while down, and comes back on the same address', async () => {
    const url = receiver.url;
    const value = event({}, 'h-2');
    receiver.setUnavailable(true);
    expect((await post(value)).status).toBe(503);
    receiver.setUnavailable(false);
    expect(receiver.inbox.ledger.has(value.id)).toBe(false);

    await receiver.goDown();
    await expect(post(value)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await receiver.comeBack();
    expect(receiver.url).toBe(url);
    expect((await post(value)).status).toBe(200);
    expect(receiver.inbox.ledger.types('h-2')).toEqual(['application.received']);
  });

  it('refuses a forged delivery over HTTP with 401 and files nothing', async () => {
    const value = event({}, 'h-3');
    const rawBody = JSON.stringify(value);
    const answer = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        receiver.url,
        {
          method: 'POST',
          ca: tls.cert,
          agent: false,
          headers: signedHeaders('whsec_guessed', rawBody, Math.floor(Date.now() / 1000), value),
        },
        (response) => {
          response.resume();
          resolve(response.statusCode!);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(rawBody);
    });
    expect(answer).toBe(401);
    expect(receiver.inbox.ledger.has(value.id)).toBe(false);
  });
});

describe('the client (feed cursor kept on disk)', () => {
  let server: Server;
  let base: string;
  let dir: string;
  const feed: SyncEvent[] = Array.from({ length: 7 }, (_, index) =>
    event({ sequence: String(1000 + index) }, `f-${index % 3}`),
  );
  const asked: { after: string | null; first: number }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ansinh-province-state-'));
    // A stand-in for Keycloak's token endpoint and the gateway's `changes`, cursor = last sequence read.
    server = createServer((incoming, response) => {
      let body = '';
      incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
      incoming.on('end', () => {
        response.setHeader('content-type', 'application/json');
        if (incoming.url?.endsWith('/protocol/openid-connect/token')) {
          const form = new URLSearchParams(body);
          if (form.get('client_secret') !== 'secret') {
            response.statusCode = 401;
            response.end(JSON.stringify({ error: 'unauthorized_client' }));
            return;
          }
          response.end(JSON.stringify({ access_token: 'token-1', expires_in: 300 }));
          return;
        }
        if (incoming.headers.authorization !== 'Bearer token-1') {
          response.statusCode = 401;
          response.end(
            JSON.stringify({ errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] }),
          );
          return;
        }
        const { variables } = JSON.parse(body) as { variables: { after: string | null; first: number } };
        asked.push(variables);
        const after = variables.after === null ? -1n : BigInt(variables.after);
        const rest = feed.filter((item) => BigInt(item.sequence) > after);
        const page = rest.slice(0, variables.first);
        response.end(
          JSON.stringify({
            data: {
              changes: {
                events: page.map(({ data, province: _province, ...item }) => ({
                  ...item,
                  dataJson: JSON.stringify(data),
                })),
                endCursor: page.at(-1)?.sequence ?? null,
                hasMore: rest.length > page.length,
              },
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const client = (stateFile: string, clientSecret = 'secret') =>
    new ReferenceProvinceClient({
      gatewayUrl: `${base}/graphql`,
      keycloakUrl: base,
      clientId: 'ansinh-sync-42',
      clientSecret,
      stateFile,
    });

  it('pages with the cursor it saves, and a new run resumes where the last one stopped', async () => {
    const stateFile = join(dir, 'feed.json');
    const first = client(stateFile);
    const read = await first.pageChanges({ pageSize: 2, maxPages: 2 });
    expect(read.map((item) => item.sequence)).toEqual(['1000', '1001', '1002', '1003']);
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual({
      cursor: '1003',
      pages: 2,
      eventsRead: 4,
    });

    // Another process of the system, later: starts from the saved cursor, reads the rest once.
    const second = client(stateFile);
    const askedBefore = asked.length;
    const rest = await second.pageChanges({ pageSize: 2 });
    expect(rest.map((item) => item.sequence)).toEqual(['1004', '1005', '1006']);
    expect(asked.slice(askedBefore)).toEqual([
      { after: '1003', first: 2 },
      { after: '1005', first: 2 },
    ]);
    expect(await second.readState()).toEqual({ cursor: '1006', pages: 4, eventsRead: 7 });
    // Nothing new: the cursor stays.
    expect(await second.pageChanges()).toEqual([]);
    expect((await second.readState()).cursor).toBe('1006');
    expect([first.feed.size, second.feed.size]).toEqual([4, 3]);
    expect(rest[0]!.data).toEqual({});
  });

  it('says clearly when its client credentials are refused', async () => {
    await expect(client(join(dir, 'other.json'), 'wrong').pageChanges()).rejects.toThrow(
      /Client credentials for ansinh-sync-42 refused: 401 unauthorized_client/,
    );
  });
});
