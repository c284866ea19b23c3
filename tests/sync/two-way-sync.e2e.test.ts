import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { todayInVietnam } from '@ansinh/common';
import { demoSyncClient } from '@ansinh/infra';
import { graphql, sqlRows, startStack, tokenFor, type Stack } from '../support/stack.ts';
import {
  createSelfSignedCertificate,
  ReferenceProvinceClient,
  ReferenceWebhookReceiver,
  type SyncEvent,
  type Tls,
} from './reference-province-system.ts';
import { dossier, eventually, killHard, startSyncWorkerProcess } from './sync-fixtures.ts';

/**
 * The two-way cycle through the gateway with real Keycloak tokens, driven by the reference provincial
 * system: it submits dossiers with its client credentials; the commune's officer and approver work
 * them; a payment list pays the entitlement; and the system sees every status exactly once after
 * de-duplication, in each dossier's order, by its HTTPS webhook and by paging the feed, across an
 * outage of its receiver and a restart of Ansinh's delivering service in the middle of a batch.
 * The services run no sync workers (SYNC_WORKERS=off): the relay and the deliverer run in a child
 * process (startSyncWorkers), which the restart test kills with SIGKILL.
 */
let stack: Stack;
let tls: Tls;
let receiver: ReferenceWebhookReceiver;
let system: ReferenceProvinceClient;
let stateDir: string;
let worker: ChildProcess | undefined;
let webhookId: string;

const today = todayInVietnam();
const month = today.slice(0, 7);
const client42 = demoSyncClient('42');

const sql = (text: string, params: unknown[] = []) => sqlRows(stack.database.url, text, params);

async function as(username: string, query: string, variables: Record<string, unknown> = {}) {
  const answer = await graphql(stack.gateway.url, query, { token: await tokenFor(username), variables });
  expect(answer.errors).toBeUndefined();
  return answer.data!;
}

const COMPLETE = `mutation ($id: ID!, $step: String!, $decision: DecisionInput) {
  completeApplicationStep(id: $id, expectedStep: $step, decision: $decision) { id state currentStep { code } } }`;
const RETURN = `mutation ($id: ID!, $reason: String!, $step: String) {
  returnApplication(id: $id, reason: $reason, expectedStep: $step) { id state } }`;
const REJECT = `mutation ($id: ID!, $reason: String!, $step: String) {
  rejectApplication(id: $id, reason: $reason, expectedStep: $step) { id state } }`;
const GENERATE = `mutation ($unitCode: ID!, $month: String!) { generatePaymentList(unitCode: $unitCode, month: $month) {
  state error } }`;
const LISTS = `query ($month: String!, $unitCode: ID) { paymentLists(month: $month, unitCode: $unitCode) {
  id state lines(first: 1000) { id entitlementId amount total status version channel } } }`;
const STATUS_FIELDS = `provinceCode mode lastIntakeAt lastDeliveryAt backlog failingDeliveries deadLetters webhooks`;
const STATUS = `{ connectionStatus { ${STATUS_FIELDS} } }`;
const APPROVE = `mutation ($id: ID!) { approvePaymentList(id: $id) { id state } }`;
const RECORD = `mutation ($input: RecordPaymentsInput!) { recordPayments(input: $input) { lines { id status paidOn } } }`;

/** The events the receiver kept for a dossier, by type (one each, after de-duplication). */
const received = (applicationId: string) => receiver.inbox.ledger.types(applicationId);
const receivedOf = (applicationId: string, type: string): SyncEvent | undefined =>
  receiver.inbox.ledger.dossier(applicationId).find((event) => event.type === type);

async function waitForTypes(applicationId: string, types: string[], timeoutMs = 90_000): Promise<void> {
  await eventually(
    () => types.every((type) => received(applicationId).includes(type)),
    `${types.join(', ')} of ${applicationId} at the receiver (has ${received(applicationId).join(', ')})`,
    timeoutMs,
  );
}

async function submit(input: ReturnType<typeof dossier>) {
  const answer = await system.submitApplication(input);
  expect(answer.errors).toBeUndefined();
  const result = answer.data!.submitApplication;
  expect(result.error).toBeNull();
  return result;
}

/** The webhook's delivery rows of a dossier (contract table approvals.webhook_deliveries). */
const deliveriesOf = (applicationId: string) =>
  sql(
    `select d.state, d.attempts, d.last_status, d.last_error, f.event_type
       from approvals.webhook_deliveries d join approvals.sync_feed f on f.seq = d.seq
      where d.webhook_id = $1 and d.dossier_key = $2 order by d.seq`,
    [webhookId, applicationId],
  );

beforeAll(async () => {
  tls = await createSelfSignedCertificate();
  stack = await startStack({
    personsPerCommune: 0,
    env: {
      WEBHOOK_CA_FILE: tls.certFile,
      SYNC_WORKERS: 'off',
      // A delivery taken by a killed process is sent again once its lease ends: 15 s, not 60 s
      // (a lease must exceed twice the answer's time-out).
      WEBHOOK_TIMEOUT_MS: '5000',
      WEBHOOK_LEASE_SECONDS: '15',
    },
  });
  receiver = await ReferenceWebhookReceiver.start(tls, { province: '42' });
  stateDir = await mkdtemp(join(tmpdir(), 'ansinh-reference-system-'));
  system = new ReferenceProvinceClient({
    gatewayUrl: stack.gateway.url,
    keycloakUrl: process.env.KEYCLOAK_URL!,
    clientId: client42.clientId,
    clientSecret: client42.clientSecret,
    stateFile: join(stateDir, 'feed-cursor.json'),
  });
  webhookId = (await system.registerWebhook(receiver)).id;
  worker = await startSyncWorkerProcess(stack.env);
}, 120_000);

afterAll(async () => {
  if (worker) await killHard(worker);
  await receiver?.stop();
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

/** Dossiers of this file and the event types each must show, exactly, in order. */
const expected = new Map<string, string[]>();

describe('two-way sync with the reference provincial system', () => {
  it('follows a dossier from intake through the decision to the first payment, across a receiver outage', async () => {
    const input = dossier(today);
    const intake = await submit(input);
    expect(intake).toMatchObject({ created: true, externalCode: input.externalCode });
    const id = intake.application!.id;
    await waitForTypes(id, ['application.received']);
    const receivedEvent = receivedOf(id, 'application.received')!;
    expect(receivedEvent.dossier).toEqual({
      source: client42.clientId,
      externalCode: input.externalCode,
      applicationId: id,
    });

    await as('xa.18073', COMPLETE, { id, step: 'commune-verification' });
    await waitForTypes(id, ['application.step-completed']);
    expect(receivedOf(id, 'application.step-completed')!.data).toMatchObject({
      step: 'commune-verification',
      nextStep: 'commune-decision',
    });

    // The province's receiver goes down; the chairman decides meanwhile.
    await receiver.goDown();
    const decision = {
      number: '215/QĐ-UBND',
      decidedOn: today,
      signerName: 'Nguyễn Văn Chủ Tịch',
      effectiveMonth: month,
    };
    const decided = await as('pheduyet.18073', COMPLETE, { id, step: 'commune-decision', decision });
    expect(decided.completeApplicationStep).toMatchObject({ state: 'APPROVED', currentStep: null });
    // Ansinh keeps trying, and the decision waits as a pending delivery that has failed.
    await eventually(async () => {
      const rows = await deliveriesOf(id);
      const pending = rows.find((row) => row.event_type === 'application.decided');
      return !!pending && pending.state === 'pending' && pending.attempts >= 2;
    }, 'two failed attempts to deliver the decision while the receiver is down');
    expect(received(id)).not.toContain('application.decided');
    // The province's connection status says so, to its system and to the ministry's table.
    const own = await system.graphql<{ connectionStatus: Record<string, unknown> }>(STATUS);
    expect(own.errors).toBeUndefined();
    expect(own.data!.connectionStatus).toMatchObject({
      provinceCode: '42',
      mode: 'TWO_WAY',
      webhooks: 1,
      deadLetters: 0,
      lastIntakeAt: expect.any(String),
    });
    expect(own.data!.connectionStatus['failingDeliveries']).toBeGreaterThanOrEqual(1);
    expect(own.data!.connectionStatus['backlog']).toBeGreaterThanOrEqual(1);
    const ministry = await as('boyte', `{ connectionStatuses { ${STATUS_FIELDS} } }`);
    expect(
      ministry.connectionStatuses.find((status: { provinceCode: string }) => status.provinceCode === '42'),
    ).toMatchObject({ mode: 'TWO_WAY', failingDeliveries: own.data!.connectionStatus['failingDeliveries'] });

    await receiver.comeBack();
    await waitForTypes(id, ['application.decided'], 120_000);
    await eventually(async () => {
      const status = (await system.graphql<{ connectionStatus: Record<string, unknown> }>(STATUS)).data!;
      return (
        status.connectionStatus['failingDeliveries'] === 0 && !!status.connectionStatus['lastDeliveryAt']
      );
    }, 'the connection status to show the deliveries caught up');

    const [entitlement] = await sql(
      `select d.entitlement_id from approvals.decisions d where d.application_id = $1 and d.kind = 'grant'`,
      [id],
    );
    const entitlementId = entitlement!.entitlement_id as string;

    // The commune's payment list of the month pays the new entitlement.
    const generated = await as('xa.18073', GENERATE, { unitCode: '18073', month });
    expect(generated.generatePaymentList).toMatchObject({ state: 'DONE', error: null });
    const [list] = (await as('xa.18073', LISTS, { unitCode: '18073', month })).paymentLists;
    const line = list.lines.find(
      (candidate: { entitlementId: string }) => candidate.entitlementId === entitlementId,
    );
    expect(line).toMatchObject({ status: 'PENDING' });
    await as('pheduyet.18073', APPROVE, { id: list.id });
    const paidAt = new Date(Date.now() - 60_000).toISOString();
    await as('ketoan.18073', RECORD, {
      input: {
        updates: [
          { lineId: line.id, expectedVersion: line.version, status: 'PAID', paidAt, receiver: 'PERSON' },
        ],
      },
    });
    await waitForTypes(id, ['payment.first-paid']);

    expect(received(id)).toEqual([
      'application.received',
      'application.step-completed',
      'application.decided',
      'payment.first-paid',
    ]);
    expected.set(id, received(id));
    expect(receivedOf(id, 'application.decided')!.data).toMatchObject({
      decisionNumber: '215/QĐ-UBND',
      decidedOn: today,
      monthlyAmount: Number(line.amount),
      firstMonth: month,
      entitlementId,
    });
    expect(receivedOf(id, 'payment.first-paid')!.data).toMatchObject({
      entitlementId,
      month,
      amount: Number(line.total),
      paidOn: today,
      channel: String(line.channel).toLowerCase(),
    });
    // The outage cost attempts, not events: every delivery of the dossier is delivered, none dead.
    const rows = await deliveriesOf(id);
    expect(rows.map((row) => [row.event_type, row.state])).toEqual(
      received(id).map((type) => [type, 'delivered']),
    );
    expect(rows.find((row) => row.event_type === 'application.decided')!.attempts).toBeGreaterThanOrEqual(3);
  }, 150_000);

  it('sends a return for completion, and the system answers it with a resubmission through intake', async () => {
    const input = dossier(today);
    const id = (await submit(input)).application!.id;
    const reason = 'Thiếu giấy chứng nhận hộ nghèo';
    await as('xa.18073', RETURN, { id, reason, step: 'commune-verification' });
    await waitForTypes(id, ['application.received', 'application.returned']);
    expect(receivedOf(id, 'application.returned')!.data).toMatchObject({ reason });

    // The citizen brings the certificate to the one-stop desk; the system sends the completed dossier.
    const completed = await system.submitApplication({
      ...input,
      documents: [
        ...input.documents!,
        { kind: 'POVERTY_CERTIFICATE', name: 'Giấy chứng nhận hộ nghèo', number: 'HN-2026-0173' },
      ],
    });
    expect(completed.errors).toBeUndefined();
    expect(completed.data!.submitApplication).toMatchObject({
      created: false,
      resubmitted: true,
      error: null,
      application: { id, state: 'IN_PROGRESS' },
    });
    await waitForTypes(id, ['application.resubmitted']);

    await as('xa.18073', COMPLETE, { id, step: 'commune-verification' });
    const refusal = 'Hộ gia đình có người phụng dưỡng theo quy định';
    await as('pheduyet.18073', REJECT, { id, reason: refusal, step: 'commune-decision' });
    await waitForTypes(id, ['application.rejected']);
    expect(received(id)).toEqual([
      'application.received',
      'application.returned',
      'application.resubmitted',
      'application.step-completed',
      'application.rejected',
    ]);
    expect(receivedOf(id, 'application.rejected')!.data).toMatchObject({ reason: refusal });
    expected.set(id, received(id));
  }, 120_000);

  it('loses nothing when the delivering service is killed in the middle of a batch: each event once after de-duplication', async () => {
    const batch = Array.from({ length: 120 }, () => dossier(today));
    const codes = new Set(batch.map((item) => item.externalCode));
    /** Dossiers of the batch whose event reached the receiver (by the system's own codes). */
    const arrived = () =>
      receiver.inbox.ledger.events().filter((event) => codes.has(event.dossier.externalCode ?? '')).length;
    const duplicatesBefore = receiver.inbox.ledger.duplicates;
    // A slow receiver keeps deliveries in flight, so that the kill finds some under way.
    receiver.setDelay(400);
    // Each dossier is committed on its own, so its event is delivered while the batch is still coming in.
    const submitting = system.submitApplications(batch);
    await eventually(
      () => arrived() >= 10 && receiver.inFlight > 0,
      'the first deliveries of the batch, and more in flight',
      120_000,
    );
    await killHard(worker!);
    // Killed with deliveries taken and in flight: the receiver still files those it was sent, but
    // Ansinh never heard its answer, so they stay Ansinh's to send again once their lease ends.
    const answer = await submitting;
    expect(answer.errors).toBeUndefined();
    const results = answer.data!.submitApplications;
    expect(results.map((result) => result.error)).toEqual(batch.map(() => null));
    const ids = results.map((result) => result.application!.id);
    const delivered = async () =>
      (
        await sql(
          `select count(*) filter (where state = 'delivered')::int as delivered, count(*)::int as rows
             from approvals.webhook_deliveries where webhook_id = $1 and dossier_key = any($2::text[])`,
          [webhookId, ids],
        )
      )[0]!;
    expect(arrived()).toBeLessThan(ids.length);
    expect((await delivered()).delivered).toBeLessThan(ids.length);

    receiver.setDelay(0);
    worker = await startSyncWorkerProcess(stack.env);
    await eventually(
      async () => (await delivered()).delivered === ids.length,
      'every delivery of the batch confirmed after the restart',
      120_000,
    );
    expect(await delivered()).toEqual({ delivered: ids.length, rows: ids.length });
    // Those in flight at the kill came twice; the receiver kept each event once.
    expect(receiver.inbox.ledger.duplicates).toBeGreaterThan(duplicatesBefore);
    for (const id of ids) {
      expect(received(id)).toEqual(['application.received']);
      expected.set(id, received(id));
    }
  }, 170_000);

  it('sees the same events, once each and in order, by paging the feed, and resumes where it stopped', async () => {
    // Nothing more arrives for the dossiers of this file, and nothing was refused or out of order.
    for (const [id, types] of expected) expect(received(id)).toEqual(types);
    expect(receiver.inbox.refused).toEqual({ forged: 0, stale: 0, replayed: 0, malformed: 0, foreign: 0 });
    expect(receiver.inbox.ledger.orderViolations).toEqual([]);

    // The system pages two small pages, stops (a deploy, a crash), and a new run resumes from its cursor.
    const firstRun = await system.pageChanges({ pageSize: 10, maxPages: 2 });
    expect(firstRun).toHaveLength(20);
    const resumed = new ReferenceProvinceClient({
      gatewayUrl: stack.gateway.url,
      keycloakUrl: process.env.KEYCLOAK_URL!,
      clientId: client42.clientId,
      clientSecret: client42.clientSecret,
      stateFile: join(stateDir, 'feed-cursor.json'),
    });
    const secondRun = await resumed.pageChanges({ pageSize: 25 });
    const all = [...firstRun, ...secondRun];
    // Resuming neither skips nor repeats: sequences strictly increase across both runs.
    const sequences = all.map((event) => BigInt(event.sequence));
    expect(sequences.every((value, index) => index === 0 || value > sequences[index - 1]!)).toBe(true);
    expect(new Set(all.map((event) => event.id)).size).toBe(all.length);
    expect(await resumed.pageChanges()).toEqual([]);

    const feedTypes = (id: string) =>
      all.filter((event) => event.dossier.applicationId === id).map((event) => event.type);
    for (const [id, types] of expected) {
      expect(feedTypes(id)).toEqual(types);
      // The feed and the webhook carry the same events (same ids, same content).
      const byWebhook = receiver.inbox.ledger.dossier(id);
      const byFeed = all.filter((event) => event.dossier.applicationId === id);
      expect(
        byFeed.map(({ id: eventId, sequence, type, dossier: ref, data }) => ({
          eventId,
          sequence,
          type,
          ref,
          data,
        })),
      ).toEqual(
        byWebhook.map(({ id: eventId, sequence, type, dossier: ref, data }) => ({
          eventId,
          sequence,
          type,
          ref,
          data,
        })),
      );
    }
  });
});
