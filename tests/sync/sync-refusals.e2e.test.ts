import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { todayInVietnam } from '@ansinh/common';
import { demoSyncClient } from '@ansinh/infra';
import { graphql, sqlRows, startStack, tokenFor, type Stack } from '../support/stack.ts';
import {
  createSelfSignedCertificate,
  ReferenceProvinceClient,
  ReferenceWebhookReceiver,
  signedHeaders,
  SUBMIT_APPLICATION,
  type GraphQLAnswer,
  type SyncEvent,
  type Tls,
} from './reference-province-system.ts';
import { citizenIdFor, dossier, eventually } from './sync-fixtures.ts';

/**
 * What the two-way sync refuses, through the gateway with real tokens: an unknown category, a malformed
 * CCCD, a commune outside the client's province, an oversized batch, a client of another province, a
 * code sent again with other content; each a GraphQL error with its code and field, and nothing
 * written (rows counted before and after). On the province's side, the reference receiver refuses a
 * forged and a replayed delivery of a real event, and keeps nothing of them.
 */
let stack: Stack;
let tls: Tls;
let receiver: ReferenceWebhookReceiver;
let stateDir: string;
let haTinh: ReferenceProvinceClient;
let haNoi: ReferenceProvinceClient;
let secret: string;

const today = todayInVietnam();

const system = (provinceCode: string) => {
  const client = demoSyncClient(provinceCode);
  return new ReferenceProvinceClient({
    gatewayUrl: stack.gateway.url,
    keycloakUrl: process.env.KEYCLOAK_URL!,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    stateFile: join(stateDir, `feed-${provinceCode}.json`),
  });
};

/**
 * Rows of every table an intake writes (or an event of it would), as the owner sees them, once the
 * relay has published what the outboxes hold: the feed and its deliveries follow the outbox shortly
 * after each commit, so they are counted only when nothing is waiting for them.
 */
async function footprint(): Promise<Record<string, number>> {
  await eventually(async () => {
    const [waiting] = await sqlRows(
      stack.database.url,
      `select (select count(*)::int from approvals.outbox where published_at is null)
            + (select count(*)::int from payments.outbox where published_at is null) as count`,
    );
    return waiting!.count === 0;
  }, 'the relay to publish the outboxes');
  const tables = [
    'registry.persons',
    'registry.change_history',
    'registry.outbox',
    'approvals.applications',
    'approvals.application_events',
    'approvals.change_history',
    'approvals.outbox',
    'approvals.sync_feed',
    'approvals.webhook_deliveries',
  ];
  const [row] = await sqlRows(
    stack.database.url,
    `select ${tables.map((table) => `(select count(*)::int from ${table}) as "${table}"`).join(', ')}`,
  );
  return row as Record<string, number>;
}

/** The one error of a refused answer: its code, field and (Vietnamese) message. */
function refusal(answer: GraphQLAnswer<unknown>) {
  expect(answer.errors).toHaveLength(1);
  const [error] = answer.errors!;
  expect(error!.message).toMatch(/\p{L}{2,}/u);
  return { code: error!.extensions?.code, field: error!.extensions?.field };
}

beforeAll(async () => {
  tls = await createSelfSignedCertificate();
  stack = await startStack({
    personsPerCommune: 0,
    env: { WEBHOOK_CA_FILE: tls.certFile },
  });
  receiver = await ReferenceWebhookReceiver.start(tls, { province: '42' });
  stateDir = await mkdtemp(join(tmpdir(), 'ansinh-reference-refusals-'));
  haTinh = system('42');
  haNoi = system('01');
});

afterAll(async () => {
  await receiver?.stop();
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

describe('intake refuses bad input and writes nothing', () => {
  it('an unknown category: BAD_USER_INPUT on categoryCode', async () => {
    const before = await footprint();
    const answer = await haTinh.submitApplication(dossier(today, { categoryCode: '9.9.z' }));
    expect(refusal(answer)).toEqual({ code: 'BAD_USER_INPUT', field: 'categoryCode' });
    expect(await footprint()).toEqual(before);
  });

  it('a malformed CCCD: BAD_USER_INPUT on applicant.citizenId (too short, letters, another birth year)', async () => {
    const before = await footprint();
    const base = dossier(today);
    for (const citizenId of ['04215000123', '04215000ABCD', citizenIdFor(1970)]) {
      const answer = await haTinh.submitApplication({ ...base, applicant: { ...base.applicant, citizenId } });
      expect(refusal(answer)).toEqual({ code: 'BAD_USER_INPUT', field: 'applicant.citizenId' });
    }
    expect(await footprint()).toEqual(before);
  });

  it("a commune outside the client's province, or no commune at all: refused on communeCode", async () => {
    const before = await footprint();
    // 00004 is Phường Ba Đình (Hà Nội): not Hà Tĩnh's system to file there.
    const outside = await haTinh.submitApplication(dossier(today, { communeCode: '00004' }));
    expect(refusal(outside)).toEqual({ code: 'FORBIDDEN', field: 'communeCode' });
    const unknown = await haTinh.submitApplication(dossier(today, { communeCode: '99999' }));
    expect(refusal(unknown)).toEqual({ code: 'BAD_USER_INPUT', field: 'communeCode' });
    expect(await footprint()).toEqual(before);
  });

  it('an oversized batch (1,001 dossiers) is refused whole on inputs', async () => {
    const before = await footprint();
    const batch = Array.from({ length: 1001 }, () => dossier(today));
    const answer = await haTinh.submitApplications(batch);
    expect(refusal(answer)).toEqual({ code: 'BAD_USER_INPUT', field: 'inputs' });
    expect(answer.data?.submitApplications ?? null).toBeNull();
    expect(await footprint()).toEqual(before);
  });

  it('a batch answers per item: a bad item is refused with its field, the others are written', async () => {
    const before = await footprint();
    const good = [dossier(today), dossier(today)];
    const bad = dossier(today, { categoryCode: '9.9.z' });
    const answer = await haTinh.submitApplications([good[0]!, bad, good[1]!]);
    expect(answer.errors).toBeUndefined();
    const results = answer.data!.submitApplications;
    expect(results.map((result) => [result.index, result.created, result.error?.code ?? null])).toEqual([
      [0, true, null],
      [1, false, 'BAD_USER_INPUT'],
      [2, true, null],
    ]);
    expect(results[1]).toMatchObject({
      externalCode: bad.externalCode,
      application: null,
      error: { code: 'BAD_USER_INPUT', field: 'inputs[1].categoryCode' },
    });
    const [written] = await sqlRows(
      stack.database.url,
      `select count(*)::int as count from approvals.applications where external_dossier_code = any($1::text[])`,
      [[...good, bad].map((item) => item.externalCode)],
    );
    expect(written!.count).toBe(2);
    const after = await footprint();
    expect(after['approvals.applications']).toBe(before['approvals.applications']! + 2);
    expect(after['registry.persons']).toBe(before['registry.persons']! + 2);
  });

  it('a client of another province: FORBIDDEN at a commune not of its province; a source not its own is refused', async () => {
    const before = await footprint();
    // Hà Nội's system files a dossier at a Hà Tĩnh commune.
    const foreign = await haNoi.submitApplication(dossier(today, { source: demoSyncClient('01').clientId }));
    expect(refusal(foreign)).toEqual({ code: 'FORBIDDEN', field: 'communeCode' });
    // ...or pretends to be Hà Tĩnh's system: the source is the token's client, no other.
    const pretending = await haNoi.submitApplication(dossier(today));
    expect(refusal(pretending)).toEqual({ code: 'BAD_USER_INPUT', field: 'source' });
    // Hà Tĩnh's system names another system as the source of its dossier.
    const otherSource = await haTinh.submitApplication(
      dossier(today, { source: demoSyncClient('01').clientId }),
    );
    expect(refusal(otherSource)).toEqual({ code: 'BAD_USER_INPUT', field: 'source' });
    // Hồ Chí Minh City syncs one way out only: its system sends no dossiers, even its own.
    const outboundOnly = await system('79').submitApplication(
      dossier(today, { source: demoSyncClient('79').clientId, communeCode: '26734' }),
    );
    expect(refusal(outboundOnly).code).toBe('FORBIDDEN');
    expect(outboundOnly.errors![0]!.message).toMatch(/chế độ đồng bộ/);
    // An official is no integration client.
    const officer = await graphql(stack.gateway.url, SUBMIT_APPLICATION, {
      token: await tokenFor('xa.18652'),
      variables: { input: dossier(today) },
    });
    expect(refusal(officer).code).toBe('FORBIDDEN');
    expect(await footprint()).toEqual(before);
  });

  it('the same dossier code with other content: CONFLICT naming the fields that differ', async () => {
    const input = dossier(today);
    const first = await haTinh.submitApplication(input);
    expect(first.data!.submitApplication).toMatchObject({ created: true, error: null });
    const before = await footprint();
    // A retry as it was: the same application, nothing written.
    const retry = await haTinh.submitApplication(input);
    expect(retry.data!.submitApplication).toMatchObject({
      created: false,
      application: { id: first.data!.submitApplication.application!.id },
    });
    const changed = await haTinh.submitApplication({
      ...input,
      applicant: { ...input.applicant, fullName: 'Nguyễn Thị Khác' },
      categoryCode: '5.5.d',
    });
    expect(changed.errors).toHaveLength(1);
    expect(changed.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'externalCode',
      details: { fields: expect.arrayContaining(['applicant.fullName', 'categoryCode']) },
    });
    expect(await footprint()).toEqual(before);
  });
});

describe("the province's receiver refuses forged and replayed deliveries", () => {
  beforeAll(async () => {
    secret = (await haTinh.registerWebhook(receiver)).secret;
  });

  /** Sends a delivery to the receiver as anyone on the network could. */
  function post(rawBody: string, headers: Record<string, string>) {
    return new Promise<number>((resolve, reject) => {
      const outgoing = request(
        receiver.url,
        { method: 'POST', ca: tls.cert, agent: false, headers },
        (response) => {
          response.resume();
          resolve(response.statusCode!);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(rawBody);
    });
  }

  it('a captured delivery sent again, altered, signed with a guessed secret or too old: refused and not kept', async () => {
    const input = dossier(today);
    const id = (await haTinh.submitApplication(input)).data!.submitApplication.application!.id;
    await eventually(() => receiver.inbox.ledger.types(id).length > 0, 'the delivery of the new dossier');
    const captured = receiver.accepted.find(
      (delivery) => (JSON.parse(delivery.rawBody) as SyncEvent).dossier.applicationId === id,
    )!;
    const event = JSON.parse(captured.rawBody) as SyncEvent;
    const kept = receiver.inbox.ledger.size;
    const now = Math.floor(Date.now() / 1000);

    // Replayed as captured, within the window.
    expect(await post(captured.rawBody, captured.headers)).toBe(409);
    // Altered: another amount under the original signature.
    const altered = JSON.stringify({ ...event, data: { ...event.data, forged: true } });
    expect(await post(altered, captured.headers)).toBe(401);
    // A new event signed with a secret that is not the registration's.
    const invented = JSON.stringify({ ...event, id: crypto.randomUUID(), sequence: '999999999' });
    expect(await post(invented, signedHeaders('whsec_guessed', invented, now, event))).toBe(401);
    // Genuinely signed, ten minutes ago: outside the 300 s window.
    expect(await post(captured.rawBody, signedHeaders(secret, captured.rawBody, now - 600, event))).toBe(401);

    expect(receiver.inbox.refused).toMatchObject({ replayed: 1, forged: 2, stale: 1 });
    expect(receiver.inbox.ledger.size).toBe(kept);
    expect(receiver.inbox.ledger.types(id)).toEqual(['application.received']);
  });
});
