import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  addMonths,
  startSubgraph,
  todayInVietnam,
  verifyWebhook,
  WEBHOOK_HEADERS,
  type RunningSubgraph,
} from '@ansinh/common';
import { createTestDatabase, type TestDatabase } from '@ansinh/common/testing';
import { seedDemoData } from '@ansinh/infra';
import {
  currentUnitId,
  graphql,
  provinceSystemToken,
  sqlRows,
  syncClientToken,
  testEnv,
  tokenFor,
} from '@ansinh/tests/support';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { approvalsSubgraph } from '../src/index.ts';
import { encodeCursor } from '../src/sync/outbound/sync-cursor.rule.ts';
import {
  seedDemoSyncModes,
  startSyncWorkers,
  type SyncWorkers,
} from '../src/sync/outbound/outbound.module.ts';

/**
 * The outbound half of the two-way sync on PostgreSQL with real tokens and a real HTTP receiver: a
 * dossier's steps and decision become feed events in order, once, with stable ids; provinces not
 * sending get nothing; webhooks arrive signed; a failing receiver sees retries, then a dead letter
 * that a replay delivers; one dossier held back does not hold back another; the first payment comes
 * from payments' outbox. The relay and the deliverer run in the subgraph (its `background`), on
 * short retry delays so that a dead letter takes a second, not hours.
 */
let database: TestDatabase;
let subgraph: RunningSubgraph;
let workers: SyncWorkers;
let env: NodeJS.ProcessEnv;
let url: string;
const today = todayInVietnam();

const sql = (text: string, params: unknown[] = []) => sqlRows(database.url, text, params);

async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Answer = Awaited<ReturnType<typeof graphql>>;
const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions?.code;
const fieldOf = (answer: Answer) => answer.errors?.[0]?.extensions?.field;

const tokens = {
  commune: () => tokenFor('xa.18073'),
  admin: () => tokenFor('tinh.42'),
  system: () => provinceSystemToken(),
  hanoi: () => syncClientToken('01'),
  ministry: () => tokenFor('boyte'),
};

async function as(token: Promise<string>, query: string, variables: Record<string, unknown> = {}) {
  return graphql(url, query, { token: await token, variables });
}

// ---- dossiers ----

async function categoryId(code: string): Promise<string> {
  const [row] = await sql(
    `select id from approvals.categories where program_id = 'decree-20' and code = $1`,
    [code],
  );
  return row!.id;
}

async function newPerson(): Promise<string> {
  const id = randomUUID();
  await sql(
    `insert into registry.persons (id, full_name, name_folded, birth_year, gender, residence_unit_id, address, status, created_at, updated_at)
     values ($1, 'Nguyễn Thị Đồng Bộ', registry.fold_name('Nguyễn Thị Đồng Bộ'), 1948, 'female', ${currentUnitId("'18073'")}, 'Thôn 1', 'living', now(), now())`,
    [id],
  );
  return id;
}

const APPLICATION = `id state currentStep { code }`;

async function fileDossier(): Promise<string> {
  const answer = await as(
    tokens.commune(),
    `mutation ($input: FileApplicationInput!) { fileApplication(input: $input) { ${APPLICATION} } }`,
    {
      input: {
        personId: await newPerson(),
        categoryId: await categoryId('5.5.a'),
        filedOn: today,
        documents: [{ kind: 'DECLARATION', name: 'Tờ khai Mẫu số 1a' }],
      },
    },
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!.fileApplication.id as string;
}

async function complete(id: string, step: string, decision?: Record<string, unknown>) {
  const answer = await as(
    tokens.commune(),
    `mutation ($id: ID!, $step: String!, $decision: DecisionInput) { completeApplicationStep(id: $id, expectedStep: $step, decision: $decision) { ${APPLICATION} } }`,
    { id, step, decision },
  );
  expect(answer.errors).toBeUndefined();
}

const DECISION = () => ({
  number: '77/QĐ-UBND',
  decidedOn: today,
  signerName: 'Nguyễn Văn Chủ Tịch',
  effectiveMonth: today.slice(0, 7),
});

// ---- the feed ----

type FeedEvent = {
  id: string;
  sequence: string;
  type: string;
  occurredAt: string;
  province: string;
  dossier: { source: string | null; externalCode: string | null; applicationId: string | null };
  data: Record<string, unknown>;
};

const CHANGES = `query ($after: String, $first: Int) { changes(after: $after, first: $first) {
  events { id sequence type occurredAt province dossier { source externalCode applicationId } dataJson } endCursor hasMore } }`;

/** Every event of the caller's feed, paging with the cursor. */
async function readFeed(token: Promise<string>, pageSize = 1_000): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const answer = await as(token, CHANGES, { after, first: pageSize });
    expect(answer.errors).toBeUndefined();
    const page = answer.data!.changes as {
      events: (FeedEvent & { dataJson: string })[];
      endCursor: string | null;
      hasMore: boolean;
    };
    events.push(
      ...page.events.map(({ dataJson, ...event }) => ({
        ...event,
        data: JSON.parse(dataJson) as Record<string, unknown>,
      })),
    );
    after = page.endCursor;
    if (!page.hasMore) return events;
  }
}

const ofDossier = (events: FeedEvent[], applicationId: string) =>
  events.filter((event) => event.dossier.applicationId === applicationId);

/** The outbox rows of a dossier's steps, once the relay has taken them all. */
async function relayed(applicationId: string): Promise<boolean> {
  const [row] = await sql(
    `select count(*) filter (where published_at is null)::int as waiting, count(*)::int as steps
       from approvals.outbox where event_type = 'application.progressed' and aggregate_id = $1`,
    [applicationId],
  );
  return row!.steps > 0 && row!.waiting === 0;
}

// ---- a receiver ----

type Received = { headers: IncomingHttpHeaders; body: string; event: FeedEvent; status: number; at: number };

/** A provincial system's webhook endpoint on plain http at 127.0.0.1 (allowed outside production). */
class Receiver {
  readonly requests: Received[] = [];
  answer: (event: FeedEvent) => number | Promise<number> = () => 204;
  #server: Server;
  constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(body) as FeedEvent;
        void Promise.resolve(receiver.answer(event)).then((status) => {
          receiver.requests.push({ headers: request.headers, body, event, status, at: Date.now() });
          response
            .writeHead(status, { 'content-type': 'text/plain' })
            .end(status >= 300 ? 'receiver says no' : '');
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/ansinh/webhooks`;
  }

  delivered(applicationId: string): FeedEvent[] {
    return this.requests
      .filter((request) => request.status < 300 && request.event.dossier.applicationId === applicationId)
      .map((request) => request.event);
  }

  stop(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const REGISTER = `mutation ($url: String!, $clientId: String) { registerWebhook(url: $url, clientId: $clientId) {
  secret webhook { id clientId url active pendingDeliveries deadLetters } } }`;
const REMOVE = `mutation ($id: ID!) { removeWebhook(id: $id) }`;
const DELIVERIES = `query ($state: WebhookDeliveryState, $webhookId: ID, $first: Int) { webhookDeliveries(state: $state, webhookId: $webhookId, first: $first) {
  webhookId sequence eventId eventType state attempts lastStatus lastError deliveredAt } }`;
const STATUS = `query ($code: ID) { connectionStatus(provinceCode: $code) { provinceCode provinceName mode modeChangedAt lastIntakeAt lastDeliveryAt lastFeedReadAt backlog failingDeliveries deadLetters webhooks } }`;
const SET_MODE = `mutation ($code: ID!, $mode: SyncMode!) { setSyncMode(provinceCode: $code, mode: $mode) { provinceCode mode } }`;

async function register(
  receiver: Receiver,
  token = tokens.system(),
): Promise<{ id: string; secret: string }> {
  const answer = await as(token, REGISTER, { url: receiver.url });
  expect(answer.errors).toBeUndefined();
  const registered = answer.data!.registerWebhook as { secret: string; webhook: { id: string } };
  return { id: registered.webhook.id, secret: registered.secret };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.url, { personsPerCommune: 15 });
  const owner = new pg.Client({ connectionString: database.url });
  await owner.connect();
  try {
    await seedDemoSyncModes(owner);
  } finally {
    await owner.end();
  }
  env = {
    ...testEnv(database.url),
    SYNC_POLL_MS: '200',
    WEBHOOK_MAX_ATTEMPTS: '3',
    WEBHOOK_RETRY_BASE_MS: '50',
    WEBHOOK_RETRY_CAP_MS: '200',
    WEBHOOK_TIMEOUT_MS: '5000',
    WEBHOOK_LEASE_SECONDS: '15',
  };
  // The subgraph relays; the deliverer runs beside it, as another process would, so a test can stop it.
  subgraph = await startSubgraph(approvalsSubgraph, { ...env, SYNC_WORKERS: 'relay' });
  workers = await startSyncWorkers({ ...env, SYNC_WORKERS: 'deliver' });
  url = subgraph.url;
});

afterAll(async () => {
  await workers?.stop();
  await subgraph?.stop();
  await database?.drop();
});

describe('the change feed', () => {
  let applicationId: string;

  it('tells a dossier’s steps and its decision in order, once each, with stable ids', async () => {
    applicationId = await fileDossier();
    await complete(applicationId, 'commune-verification');
    const returned = await as(
      tokens.commune(),
      `mutation ($id: ID!) { returnApplication(id: $id, reason: "Thiếu giấy xác nhận của cơ sở y tế", expectedStep: "commune-decision") { id } }`,
      { id: applicationId },
    );
    expect(returned.errors).toBeUndefined();
    const resubmitted = await as(
      tokens.commune(),
      `mutation ($id: ID!, $documents: [ApplicationDocumentInput!]!) { resubmitApplication(id: $id, documents: $documents) { id } }`,
      {
        id: applicationId,
        documents: [{ kind: 'HEALTH_CONFIRMATION', name: 'Giấy xác nhận của trạm y tế' }],
      },
    );
    expect(resubmitted.errors).toBeUndefined();
    await complete(applicationId, 'commune-decision', DECISION());
    await eventually(() => relayed(applicationId), 'the relay to take the dossier’s steps');

    const events = ofDossier(await readFeed(tokens.system()), applicationId);
    expect(events.map((event) => event.type)).toEqual([
      'application.received',
      'application.step-completed',
      'application.returned',
      'application.resubmitted',
      'application.decided',
    ]);
    expect(events.map((event) => event.data)).toEqual([
      { step: 'commune-verification', filedOn: today },
      { step: 'commune-verification', nextStep: 'commune-decision' },
      { step: 'commune-decision', reason: 'Thiếu giấy xác nhận của cơ sở y tế' },
      { step: 'commune-decision' },
      {
        step: 'commune-decision',
        decisionNumber: '77/QĐ-UBND',
        decidedOn: today,
        monthlyAmount: expect.any(Number),
        firstMonth: today.slice(0, 7),
        entitlementId: expect.any(String),
      },
    ]);
    // 5.5.a (over 80) at the province's standard level: an amount, not nothing.
    expect(events[4]!.data.monthlyAmount as number).toBeGreaterThan(0);
    for (const event of events) {
      expect(event).toMatchObject({
        province: '42',
        dossier: { source: null, externalCode: null, applicationId },
      });
    }
    const sequences = events.map((event) => BigInt(event.sequence));
    expect([...sequences].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequences);
    expect(new Set(events.map((event) => event.id)).size).toBe(5);

    // Read again, in small pages: the same events with the same ids, nothing twice.
    const again = ofDossier(await readFeed(tokens.system(), 7), applicationId);
    expect(again).toEqual(events);
    const [stored] = await sql(
      `select count(*)::int as count from approvals.sync_feed where dossier_key = $1`,
      [applicationId],
    );
    expect(stored!.count).toBe(5);
  });

  it('tells later decisions on the entitlement as events of the dossier that granted it', async () => {
    const applicationId = await fileDossier();
    await complete(applicationId, 'commune-verification');
    await complete(applicationId, 'commune-decision', DECISION());
    const [entitlement] = await sql(
      `select entitlement_id as id from approvals.decisions where application_id = $1`,
      [applicationId],
    );
    const month = today.slice(0, 7);
    const decide = async (mutation: string, effectiveMonth: string, reason: string | null) => {
      const answer = await as(
        tokens.commune(),
        `mutation ($id: ID!, $decision: DecisionInput!) { ${mutation}(entitlementId: $id, decision: $decision) { id } }`,
        {
          id: entitlement!.id,
          decision: {
            number: `${mutation.length}/QĐ-UBND`,
            decidedOn: today,
            signerName: 'Nguyễn Văn Chủ Tịch',
            effectiveMonth,
            ...(reason ? { reason } : {}),
          },
        },
      );
      expect(answer.errors).toBeUndefined();
    };
    await decide('suspendEntitlement', addMonths(month, 1), 'Tạm dừng: đối tượng vắng mặt dài ngày');
    await decide('resumeEntitlement', addMonths(month, 2), null);
    await decide('stopEntitlement', addMonths(month, 3), 'Đối tượng chuyển khỏi địa bàn');
    const events = await eventually(async () => {
      const found = ofDossier(await readFeed(tokens.system()), applicationId);
      return found.length === 6 ? found : undefined;
    }, 'the decisions in the feed');
    expect(events.slice(3)).toEqual([
      expect.objectContaining({
        type: 'entitlement.suspended',
        dossier: { source: null, externalCode: null, applicationId },
        data: {
          entitlementId: entitlement!.id,
          decisionNumber: '18/QĐ-UBND',
          decidedOn: today,
          effectiveMonth: addMonths(month, 1),
          monthlyAmount: null,
          reason: 'Tạm dừng: đối tượng vắng mặt dài ngày',
        },
      }),
      expect.objectContaining({
        type: 'entitlement.resumed',
        data: expect.objectContaining({
          effectiveMonth: addMonths(month, 2),
          monthlyAmount: expect.any(Number),
          reason: null,
        }),
      }),
      expect.objectContaining({
        type: 'entitlement.stopped',
        data: expect.objectContaining({
          effectiveMonth: addMonths(month, 3),
          monthlyAmount: null,
          reason: 'Đối tượng chuyển khỏi địa bàn',
        }),
      }),
    ]);
  });

  it('tells a relocation once, with the commune and entitlement that continue it', async () => {
    const applicationId = await fileDossier();
    await complete(applicationId, 'commune-verification');
    await complete(applicationId, 'commune-decision', DECISION());
    const [granted] = await sql(
      `select d.entitlement_id as id, e.person_id from approvals.decisions d join approvals.entitlements e on e.id = d.entitlement_id where d.application_id = $1`,
      [applicationId],
    );
    // The person moves to Phường Hà Huy Tập, whose commune continues the entitlement.
    await sql(`update registry.persons set residence_unit_id = ${currentUnitId("'18652'")} where id = $1`, [
      granted!.person_id,
    ]);
    const moved = await as(
      tokenFor('xa.18652'),
      `mutation ($id: ID!, $decision: DecisionInput!) { relocateEntitlement(entitlementId: $id, decision: $decision) { entitlement { id } } }`,
      {
        id: granted!.id,
        decision: {
          number: '9/QĐ-UBND',
          decidedOn: today,
          signerName: 'Trần Văn Chủ Tịch',
          effectiveMonth: addMonths(today.slice(0, 7), 1),
        },
      },
    );
    expect(moved.errors).toBeUndefined();
    const events = await eventually(async () => {
      const found = ofDossier(await readFeed(tokens.system()), applicationId);
      return found.some((event) => event.type === 'entitlement.relocated') ? found : undefined;
    }, 'the relocation in the feed');
    expect(events.filter((event) => event.type.startsWith('entitlement.'))).toEqual([
      expect.objectContaining({
        type: 'entitlement.relocated',
        province: '42',
        data: {
          entitlementId: granted!.id,
          decisionNumber: '9/QĐ-UBND',
          decidedOn: today,
          effectiveMonth: addMonths(today.slice(0, 7), 1),
          monthlyAmount: expect.any(Number),
          reason: null,
          toEntitlementId: moved.data!.relocateEntitlement.entitlement.id,
          toUnitCode: '18652',
          toProvince: '42',
        },
      }),
    ]);
  });

  it('pages by an opaque cursor that resumes where it stopped, and records the system’s read', async () => {
    const dossier = await fileDossier();
    await complete(dossier, 'commune-verification');
    await eventually(() => relayed(dossier), 'the relay to take the dossier’s steps');
    const first = await as(tokens.system(), CHANGES, { first: 2 });
    expect(first.data!.changes).toMatchObject({ hasMore: true, endCursor: expect.any(String) });
    const second = await as(tokens.system(), CHANGES, { after: first.data!.changes.endCursor, first: 2 });
    const all = await readFeed(tokens.system());
    expect(
      [...first.data!.changes.events, ...second.data!.changes.events].map(
        (event: { id: string }) => event.id,
      ),
    ).toEqual(all.slice(0, 4).map((event) => event.id));
    // At the end: no events, the same cursor back, so that the system polls from there.
    let cursor: string | null = null;
    for (;;) {
      const answer: Answer = await as(tokens.system(), CHANGES, { after: cursor, first: 1_000 });
      const page = (answer.data as { changes: { endCursor: string | null; hasMore: boolean } }).changes;
      cursor = page.endCursor;
      if (!page.hasMore) break;
    }
    const end = await as(tokens.system(), CHANGES, { after: cursor });
    expect(end.data!.changes).toEqual({ events: [], endCursor: cursor, hasMore: false });
    const status = await as(tokens.system(), STATUS);
    expect(status.data!.connectionStatus).toMatchObject({
      provinceCode: '42',
      mode: 'TWO_WAY',
      lastFeedReadAt: expect.any(String),
    });
  });

  it('records no read beyond the feed’s end, whatever cursor a system makes up', async () => {
    const beyond = encodeCursor('42', '900000000000');
    const answer = await as(tokens.system(), CHANGES, { after: beyond });
    expect(answer.data!.changes).toMatchObject({ events: [], hasMore: false });
    const readTo = async () =>
      (
        await sql(
          `select (select max(r.last_sequence) from approvals.sync_feed_reads r where r.province_code = '42')::text as read,
                  (select max(f.seq) from approvals.sync_feed f where f.province_code = '42')::text as last`,
        )
      )[0]!;
    const read = await readTo();
    expect(read.read).toBe(read.last);
    // What comes next is the system's backlog, not hidden behind the made-up cursor.
    const dossier = await fileDossier();
    await eventually(() => relayed(dossier), 'the relay to take the dossier’s steps');
    const status = await as(tokens.system(), STATUS);
    expect(status.data!.connectionStatus.backlog).toBeGreaterThanOrEqual(
      Number((await readTo()).last) - Number(read.last),
    );
    expect(Number((await readTo()).last)).toBeGreaterThan(Number(read.last));
  });

  it('refuses bad pages, other provinces’ cursors and callers without the sync', async () => {
    for (const first of [0, 1_001, -5]) {
      const answer = await as(tokens.system(), CHANGES, { first });
      expect([codeOf(answer), fieldOf(answer)]).toEqual(['BAD_USER_INPUT', 'first']);
    }
    for (const after of ['nonsense', 'x'.repeat(500), Buffer.from('v1:01:5').toString('base64url')]) {
      const answer = await as(tokens.system(), CHANGES, { after });
      expect([codeOf(answer), fieldOf(answer)]).toEqual(['BAD_USER_INPUT', 'after']);
      expect(answer.errors![0]!.message).toMatch(/Con trỏ/);
    }
    // A commune officer, the ministry: no feed.
    expect(codeOf(await as(tokens.commune(), CHANGES))).toBe('FORBIDDEN');
    expect(codeOf(await as(tokens.ministry(), CHANGES))).toBe('FORBIDDEN');
    expect(codeOf(await graphql(url, CHANGES))).toBe('UNAUTHENTICATED');
    // Hà Nội's system reads Hà Nội's feed: nothing of Hà Tĩnh's.
    const hanoi = await readFeed(tokens.hanoi());
    expect(hanoi.filter((event) => event.province !== '01')).toEqual([]);
  });

  it('gives provinces in inbound or none mode nothing, and resumes once they send again', async () => {
    const set = async (mode: string) => {
      const answer = await as(tokens.admin(), SET_MODE, { code: '42', mode });
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.setSyncMode).toEqual({ provinceCode: '42', mode });
    };
    try {
      for (const mode of ['INBOUND', 'NONE']) {
        await set(mode);
        const quiet = await fileDossier();
        await eventually(() => relayed(quiet), 'the relay to take the dossier');
        expect(ofDossier(await readFeed(tokens.system()), quiet)).toEqual([]);
      }
    } finally {
      await set('TWO_WAY');
    }
    const heard = await fileDossier();
    await eventually(
      async () => ofDossier(await readFeed(tokens.system()), heard).length === 1,
      'the dossier in the feed',
    );

    // Only the province's administrator sets its mode, and only its own.
    const other = await as(tokens.admin(), SET_MODE, { code: '01', mode: 'TWO_WAY' });
    expect([codeOf(other), fieldOf(other)]).toEqual(['FORBIDDEN', 'provinceCode']);
    expect(codeOf(await as(tokens.system(), SET_MODE, { code: '42', mode: 'NONE' }))).toBe('FORBIDDEN');
    expect(codeOf(await as(tokens.commune(), SET_MODE, { code: '42', mode: 'NONE' }))).toBe('FORBIDDEN');
    const malformed = await as(tokens.admin(), SET_MODE, { code: '4', mode: 'NONE' });
    expect([codeOf(malformed), fieldOf(malformed)]).toEqual(['BAD_USER_INPUT', 'provinceCode']);
    const [mode] = await sql(`select mode from approvals.sync_provinces where province_code = '01'`);
    expect(mode!.mode).toBe('inbound');
  });
});

describe('webhooks', () => {
  it('deliver each event signed with the webhook’s secret, in the documented shape', async () => {
    const receiver = await Receiver.start();
    try {
      const { id: webhookId, secret } = await register(receiver);
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const applicationId = await fileDossier();
      const [received] = await eventually(async () => {
        const found = receiver.requests.filter(
          (request) => request.event.dossier.applicationId === applicationId,
        );
        return found.length ? found : undefined;
      }, 'the webhook POST');
      expect(received!.headers['content-type']).toBe('application/json');
      expect(received!.headers[WEBHOOK_HEADERS.eventId]).toBe(received!.event.id);
      expect(received!.headers[WEBHOOK_HEADERS.eventType]).toBe('application.received');
      expect(verifyWebhook({ secret, body: received!.body, headers: received!.headers })).toMatchObject({
        ok: true,
      });
      expect(
        verifyWebhook({ secret: 'whsec_other', body: received!.body, headers: received!.headers }),
      ).toEqual({ ok: false, reason: 'mismatch' });
      expect(Object.keys(JSON.parse(received!.body) as object)).toEqual([
        'id',
        'sequence',
        'type',
        'occurredAt',
        'province',
        'dossier',
        'data',
      ]);
      // The feed and the webhook tell the same event.
      const [inFeed] = ofDossier(await readFeed(tokens.system()), applicationId);
      expect(received!.event).toEqual(inFeed);

      const deliveries = await eventually(async () => {
        const answer = await as(tokens.system(), DELIVERIES, { webhookId, state: 'DELIVERED' });
        const rows = answer.data!.webhookDeliveries as { eventId: string }[];
        return rows.some((row) => row.eventId === received!.event.id) ? rows : undefined;
      }, 'the delivery recorded');
      expect(deliveries[0]).toMatchObject({
        state: 'DELIVERED',
        attempts: 1,
        lastStatus: 204,
        lastError: null,
      });
      const status = await as(tokens.admin(), STATUS, { code: '42' });
      expect(status.data!.connectionStatus).toMatchObject({
        webhooks: 1,
        lastDeliveryAt: expect.any(String),
      });
      const listed = await as(tokens.system(), `{ webhooks { id clientId url active } }`);
      expect(listed.data!.webhooks).toEqual([
        { id: webhookId, clientId: 'ansinh-province-system', url: receiver.url, active: true },
      ]);
      // The secret is the deliverer's only: the subgraph's role cannot read it.
      const owner = new pg.Client({ connectionString: database.url });
      await owner.connect();
      try {
        await owner.query('begin');
        await owner.query('set local role ansinh_approvals');
        await expect(owner.query('select secret from approvals.webhooks')).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await owner.query('rollback');
        await owner.end();
      }
      expect((await as(tokens.system(), REMOVE, { id: webhookId })).data).toEqual({ removeWebhook: true });
    } finally {
      await receiver.stop();
    }
  });

  it('refuse addresses that are not https, carry credentials or point inside the network, and more than five per client', async () => {
    const refused = async (address: string, pattern: RegExp) => {
      const answer = await as(tokens.system(), REGISTER, { url: address });
      expect([codeOf(answer), fieldOf(answer)]).toEqual(['BAD_USER_INPUT', 'url']);
      expect(answer.errors![0]!.message).toMatch(pattern);
    };
    await refused('http://motcua.hatinh.gov.vn/hook', /https/);
    await refused('https://user:secret@motcua.hatinh.gov.vn/hook', /mật khẩu/);
    await refused('https://10.0.0.8/hook', /nội bộ/);
    await refused('ftp://motcua.hatinh.gov.vn/hook', /https/);
    await refused(`https://motcua.hatinh.gov.vn/${'a'.repeat(2_001)}`, /2\.000/);
    const before = await sql(`select count(*)::int as count from approvals.webhooks`);

    const ids: string[] = [];
    try {
      for (let index = 0; index < 5; index += 1) {
        const answer = await as(tokens.system(), REGISTER, {
          url: `https://motcua.hatinh.gov.vn/hook/${index}`,
        });
        expect(answer.errors).toBeUndefined();
        ids.push(answer.data!.registerWebhook.webhook.id);
      }
      const sixth = await as(tokens.system(), REGISTER, { url: 'https://motcua.hatinh.gov.vn/hook/5' });
      expect([codeOf(sixth), fieldOf(sixth)]).toEqual(['CONFLICT', 'clientId']);
      const again = await as(tokens.system(), REGISTER, { url: 'https://motcua.hatinh.gov.vn/hook/0' });
      expect(codeOf(again)).toBe('CONFLICT');
      // A system registers for itself only; the administrator names a client of its province.
      const forOther = await as(tokens.system(), REGISTER, {
        url: 'https://motcua.hatinh.gov.vn/x',
        clientId: 'ansinh-sync-42',
      });
      expect([codeOf(forOther), fieldOf(forOther)]).toEqual(['FORBIDDEN', 'clientId']);
      const noClient = await as(tokens.admin(), REGISTER, { url: 'https://motcua.hatinh.gov.vn/x' });
      expect([codeOf(noClient), fieldOf(noClient)]).toEqual(['BAD_USER_INPUT', 'clientId']);
      const foreign = await as(tokens.admin(), REGISTER, {
        url: 'https://motcua.hatinh.gov.vn/x',
        clientId: 'ansinh-sync-01',
      });
      expect([codeOf(foreign), fieldOf(foreign)]).toEqual(['BAD_USER_INPUT', 'clientId']);
      const byAdmin = await as(tokens.admin(), REGISTER, {
        url: 'https://motcua.hatinh.gov.vn/admin',
        clientId: 'ansinh-sync-42',
      });
      expect(byAdmin.data!.registerWebhook.webhook).toMatchObject({
        clientId: 'ansinh-sync-42',
        active: true,
      });
      ids.push(byAdmin.data!.registerWebhook.webhook.id);
      expect(codeOf(await as(tokens.commune(), REGISTER, { url: 'https://motcua.hatinh.gov.vn/c' }))).toBe(
        'FORBIDDEN',
      );
      // Another province's system neither sees nor removes them.
      expect((await as(tokens.hanoi(), `{ webhooks { id } }`)).data!.webhooks).toEqual([]);
      expect(codeOf(await as(tokens.hanoi(), REMOVE, { id: ids[0] }))).toBe('NOT_FOUND');
      // The administrator sees every client's.
      expect((await as(tokens.admin(), `{ webhooks { id } }`)).data!.webhooks).toHaveLength(ids.length);
    } finally {
      for (const id of ids) await as(tokens.admin(), REMOVE, { id });
    }
    expect(await sql(`select count(*)::int as count from approvals.webhooks`)).toEqual(before);
  });

  it('retry a failing receiver with backoff, then keep a dead letter that a replay delivers', async () => {
    const receiver = await Receiver.start();
    receiver.answer = () => 500;
    try {
      const { id: webhookId, secret } = await register(receiver);
      const applicationId = await fileDossier();
      const dead = await eventually(async () => {
        const answer = await as(tokens.system(), DELIVERIES, { webhookId, state: 'DEAD' });
        return (answer.data!.webhookDeliveries as { attempts: number }[])[0];
      }, 'a dead letter');
      expect(dead).toMatchObject({
        state: 'DEAD',
        attempts: 3,
        lastStatus: 500,
        lastError: 'HTTP 500: receiver says no',
        deliveredAt: null,
      });
      expect(
        receiver.requests.filter((request) => request.event.dossier.applicationId === applicationId),
      ).toHaveLength(3);
      const status = (await as(tokens.admin(), STATUS)).data!.connectionStatus;
      expect(status.deadLetters).toBeGreaterThanOrEqual(1);

      receiver.answer = () => 200;
      const replayed = await as(
        tokens.system(),
        `mutation ($id: ID!) { replayDeadLetters(webhookId: $id) }`,
        { id: webhookId },
      );
      expect(replayed.errors).toBeUndefined();
      expect(replayed.data!.replayDeadLetters).toBeGreaterThanOrEqual(1);
      const [delivered] = await eventually(async () => {
        const found = receiver.delivered(applicationId);
        return found.length ? found : undefined;
      }, 'the replayed delivery');
      expect(delivered!.type).toBe('application.received');
      const last = receiver.requests.at(-1)!;
      expect(verifyWebhook({ secret, body: last.body, headers: last.headers }).ok).toBe(true);
      await eventually(async () => {
        const answer = await as(tokens.system(), DELIVERIES, { webhookId, state: 'DEAD' });
        return (answer.data!.webhookDeliveries as unknown[]).length === 0;
      }, 'no dead letter left');

      const badSequences = await as(
        tokens.system(),
        `mutation ($id: ID!, $s: [String!]) { replayDeadLetters(webhookId: $id, sequences: $s) }`,
        {
          id: webhookId,
          s: ['12', '-1'],
        },
      );
      expect([codeOf(badSequences), fieldOf(badSequences)]).toEqual(['BAD_USER_INPUT', 'sequences.1']);
      expect(
        codeOf(
          await as(tokens.hanoi(), `mutation ($id: ID!) { replayDeadLetters(webhookId: $id) }`, {
            id: webhookId,
          }),
        ),
      ).toBe('NOT_FOUND');
      await as(tokens.system(), REMOVE, { id: webhookId });
    } finally {
      await receiver.stop();
    }
  });

  it('keep a dossier’s events in order while it is retried, and let another dossier through meanwhile', async () => {
    const receiver = await Receiver.start();
    let held: string | undefined;
    let heldAttempts = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // The first dossier's first event hangs until the test opens the gate, then fails; its retry passes.
    receiver.answer = async (event) => {
      held ??= event.dossier.applicationId ?? undefined;
      if (event.dossier.applicationId !== held || heldAttempts++ > 0) return 200;
      await gate;
      return 503;
    };
    try {
      const { id: webhookId } = await register(receiver);
      const first = await fileDossier();
      const other = await fileDossier();
      await complete(first, 'commune-verification');
      await complete(other, 'commune-verification');
      await eventually(async () => receiver.delivered(other).length === 2, 'the other dossier delivered');
      expect(held).toBe(first);
      // Its second event waits for the first: never sent while the first is in flight.
      expect(receiver.requests.filter((request) => request.event.dossier.applicationId === first)).toEqual(
        [],
      );
      const otherDone = receiver.requests
        .filter((request) => request.event.dossier.applicationId === other)
        .at(-1)!.at;
      open();
      await eventually(async () => receiver.delivered(first).length === 2, 'the held dossier delivered');

      const attempts = receiver.requests.filter((request) => request.event.dossier.applicationId === first);
      expect(attempts.map((request) => [request.event.type, request.status])).toEqual([
        ['application.received', 503],
        ['application.received', 200],
        ['application.step-completed', 200],
      ]);
      expect(receiver.delivered(other).map((event) => event.type)).toEqual([
        'application.received',
        'application.step-completed',
      ]);
      expect(otherDone).toBeLessThan(attempts[1]!.at);
      await as(tokens.system(), REMOVE, { id: webhookId });
    } finally {
      open();
      await receiver.stop();
    }
  });

  it('send again what a deliverer killed mid-send had taken, once its lease expires', async () => {
    const receiver = await Receiver.start();
    await workers.stop();
    try {
      const { id: webhookId } = await register(receiver);
      const applicationId = await fileDossier();
      const [pending] = await eventually(
        () =>
          sql(
            `select seq::text as seq from approvals.webhook_deliveries where webhook_id = $1 and state = 'pending'`,
            [webhookId],
          ).then((rows) => (rows.length ? rows : undefined)),
        'the delivery queued',
      );
      // What a process killed in the middle of sending leaves: the delivery leased (its attempt counted), never settled.
      const owner = new pg.Client({ connectionString: database.url });
      await owner.connect();
      let leasedAt: number;
      try {
        await owner.query('set role ansinh_approvals');
        const { rows } = await owner.query<{ seq: string }>(
          `select seq::text as seq from approvals.lease_webhook_deliveries(100, 2)`,
        );
        expect(rows.map((row) => row.seq)).toContain(pending!.seq);
        leasedAt = Date.now();
      } finally {
        await owner.end();
      }
      workers = await startSyncWorkers({ ...env, SYNC_WORKERS: 'deliver' });
      await eventually(async () => receiver.delivered(applicationId).length === 1, 'the delivery sent again');
      expect(Date.now() - leasedAt).toBeGreaterThanOrEqual(1_500);
      const row = await eventually(async () => {
        const [found] = await sql(
          `select state, attempts from approvals.webhook_deliveries where webhook_id = $1 and seq = $2`,
          [webhookId, pending!.seq],
        );
        return found?.state === 'delivered' ? found : undefined;
      }, 'the delivery recorded');
      expect(row).toEqual({ state: 'delivered', attempts: 2 });
      await as(tokens.system(), REMOVE, { id: webhookId });
    } finally {
      await receiver.stop();
    }
  });

  it('leave slots to other receivers while one hangs until the time-out', async () => {
    const hanging = await Receiver.start();
    const healthy = await Receiver.start();
    hanging.answer = () => new Promise<number>(() => undefined);
    await workers.stop();
    workers = await startSyncWorkers({
      ...env,
      SYNC_WORKERS: 'deliver',
      WEBHOOK_CONCURRENCY: '2',
      WEBHOOK_CONCURRENCY_PER_WEBHOOK: '1',
    });
    const ids: string[] = [];
    try {
      ids.push((await register(hanging)).id);
      const byAdmin = await as(tokens.admin(), REGISTER, { url: healthy.url, clientId: 'ansinh-sync-42' });
      expect(byAdmin.errors).toBeUndefined();
      ids.push(byAdmin.data!.registerWebhook.webhook.id);
      const dossiers = [await fileDossier(), await fileDossier(), await fileDossier()];
      // Well within the 5 s the hanging receiver holds its slot.
      await eventually(
        async () => dossiers.every((dossier) => healthy.delivered(dossier).length === 1),
        'the healthy receiver served',
        4_000,
      );
    } finally {
      for (const id of ids) await as(tokens.admin(), REMOVE, { id });
      await workers.stop();
      workers = await startSyncWorkers({ ...env, SYNC_WORKERS: 'deliver' });
      await hanging.stop();
      await healthy.stop();
    }
  });

  it('deactivate a webhook whose receiver answers 410 Gone', async () => {
    const receiver = await Receiver.start();
    receiver.answer = () => 410;
    try {
      const { id: webhookId } = await register(receiver);
      await fileDossier();
      await eventually(async () => {
        const listed = await as(tokens.system(), `{ webhooks { id active } }`);
        return (listed.data!.webhooks as { id: string; active: boolean }[]).find(
          (hook) => hook.id === webhookId && !hook.active,
        );
      }, 'the webhook deactivated');
      expect(receiver.requests).toHaveLength(1);
      const replay = await as(tokens.system(), `mutation ($id: ID!) { replayDeadLetters(webhookId: $id) }`, {
        id: webhookId,
      });
      expect([codeOf(replay), fieldOf(replay)]).toEqual(['CONFLICT', 'webhookId']);
      await as(tokens.system(), REMOVE, { id: webhookId });
    } finally {
      await receiver.stop();
    }
  });
});

describe('the first payment', () => {
  it('is an event of the dossier whose decision granted the entitlement, told once', async () => {
    const applicationId = await fileDossier();
    await complete(applicationId, 'commune-verification');
    await complete(applicationId, 'commune-decision', DECISION());
    const [entitlement] = await sql(
      `select e.id, e.person_id, e.unit_id from approvals.entitlements e join approvals.decisions d on d.entitlement_id = e.id where d.application_id = $1`,
      [applicationId],
    );
    // A list of next month for the commune, with the entitlement's line; approved, then paid (as the payer records it).
    const month = (
      await sql(
        `select to_char((now() at time zone 'Asia/Ho_Chi_Minh') + interval '1 month', 'YYYY-MM') as month`,
      )
    )[0]!.month as string;
    const [list] = await sql(
      `insert into payments.payment_lists (unit_id, month) values ($1, $2) returning id`,
      [entitlement!.unit_id, month],
    );
    const line = randomUUID();
    await sql(
      `insert into payments.payment_lines (id, person_id, entitlement_id, month, amount, channel, status, created_at, unit_id, list_id, line_code)
       values ($1, $2, $3, $4, 750000, 'post', 'pending', now(), $5, $6, $7)`,
      [
        line,
        entitlement!.person_id,
        entitlement!.id,
        month,
        entitlement!.unit_id,
        list!.id,
        `TEST-${line.slice(0, 8)}`,
      ],
    );
    await sql(`update payments.payment_lists set state = 'approved' where id = $1`, [list!.id]);
    await sql(
      `update payments.payment_lines set status = 'paid', paid_on = current_date, paid_at = now() where id = $1`,
      [line],
    );
    // Returned and paid again: not a first payment any more.
    await sql(
      `update payments.payment_lines set status = 'returned', paid_on = null, paid_at = null where id = $1`,
      [line],
    );
    await sql(
      `update payments.payment_lines set status = 'paid', paid_on = current_date, paid_at = now() where id = $1`,
      [line],
    );

    const paid = await eventually(async () => {
      const found = ofDossier(await readFeed(tokens.system()), applicationId).filter(
        (event) => event.type === 'payment.first-paid',
      );
      return found.length ? found : undefined;
    }, 'the first payment in the feed');
    expect(paid).toEqual([
      expect.objectContaining({
        province: '42',
        data: {
          entitlementId: entitlement!.id,
          month,
          amount: 750000,
          paidOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          channel: 'post',
        },
      }),
    ]);
    const [outbox] = await sql(`select count(*)::int as count from payments.outbox where aggregate_id = $1`, [
      entitlement!.id,
    ]);
    expect(outbox!.count).toBe(1);
    const decided = ofDossier(await readFeed(tokens.system()), applicationId).map((event) => event.type);
    expect(decided.indexOf('application.decided')).toBeLessThan(decided.indexOf('payment.first-paid'));
  });
});

describe('connection status', () => {
  it('shows the ministry every province’s mode and figures, and each province only its own', async () => {
    const all = await as(
      tokens.ministry(),
      `{ connectionStatuses { provinceCode provinceName mode backlog deadLetters webhooks } }`,
    );
    expect(all.errors).toBeUndefined();
    const statuses = all.data!.connectionStatuses as { provinceCode: string; mode: string }[];
    expect(statuses).toHaveLength(34);
    expect(statuses.find((status) => status.provinceCode === '42')).toMatchObject({
      provinceName: 'Tỉnh Hà Tĩnh',
      mode: 'TWO_WAY',
    });
    expect(new Set(statuses.map((status) => status.mode))).toEqual(
      new Set(['TWO_WAY', 'INBOUND', 'OUTBOUND', 'NONE']),
    );
    const one = await as(tokens.ministry(), STATUS, { code: '01' });
    expect(one.data!.connectionStatus).toMatchObject({ provinceCode: '01', mode: 'INBOUND' });
    const unknown = await as(tokens.ministry(), STATUS, { code: '99' });
    expect(codeOf(unknown)).toBe('NOT_FOUND');

    expect(codeOf(await as(tokens.admin(), `{ connectionStatuses { provinceCode } }`))).toBe('FORBIDDEN');
    expect(codeOf(await as(tokens.system(), `{ connectionStatuses { provinceCode } }`))).toBe('FORBIDDEN');
    const other = await as(tokens.system(), STATUS, { code: '01' });
    expect([codeOf(other), fieldOf(other)]).toEqual(['FORBIDDEN', 'provinceCode']);
    expect(codeOf(await as(tokens.commune(), STATUS))).toBe('FORBIDDEN');
    const own = await as(tokens.hanoi(), STATUS);
    expect(own.data!.connectionStatus).toMatchObject({ provinceCode: '01', mode: 'INBOUND', webhooks: 0 });
  });

  it('tells when the province’s system last sent or resubmitted a dossier', async () => {
    const before = (await as(tokens.admin(), STATUS)).data!.connectionStatus as {
      lastIntakeAt: string | null;
    };
    const dossier = await fileDossier();
    // As the intake records a submission (services/approvals/src/sync/intake), an hour from now.
    const [submitted] = await sql(
      `insert into approvals.intake_submissions (application_id, source_system, external_code, province_code, content, updated_at)
       values ($1, 'ansinh-sync-42', $2, '42', '{}', now() + interval '1 hour') returning updated_at`,
      [dossier, `HT-TEST-${dossier.slice(0, 8)}`],
    );
    const after = (await as(tokens.admin(), STATUS)).data!.connectionStatus as { lastIntakeAt: string };
    expect(after.lastIntakeAt).toBe((submitted!.updated_at as Date).toISOString());
    expect(after.lastIntakeAt).not.toBe(before.lastIntakeAt);
    // Another province's submissions are not this one's.
    const hanoi = (await as(tokens.hanoi(), STATUS)).data!.connectionStatus as {
      lastIntakeAt: string | null;
    };
    expect(hanoi.lastIntakeAt).not.toBe(after.lastIntakeAt);
  });
});
