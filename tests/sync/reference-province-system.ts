// A reference provincial one-stop system (hệ thống thông tin một cửa điện tử cấp tỉnh), as a province
// would build one against Ansinh's published contract: it signs in by client credentials, submits
// dossiers through the gateway, registers a webhook and receives signed events over HTTPS, and pages
// the `changes` feed with a cursor it keeps on disk. It verifies signatures with its own code, from
// the documented header contract, not with Ansinh's: a province does not import Ansinh's modules, and
// a shared bug in signer and verifier would otherwise pass unnoticed.
import { execFile } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/** What Ansinh sends (one event per webhook POST, one item of the `changes` feed). */
export type SyncEvent = {
  id: string;
  sequence: string;
  type: string;
  occurredAt: string;
  province?: string;
  dossier: { source: string | null; externalCode: string | null; applicationId: string | null };
  data: Record<string, unknown>;
};

/** The replay window of the header contract: a timestamp more than this far from now is refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const WEBHOOK_HEADERS = {
  eventId: 'x-ansinh-event-id',
  eventType: 'x-ansinh-event-type',
  timestamp: 'x-ansinh-timestamp',
  signature: 'x-ansinh-signature',
} as const;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, the signature header's value. */
export function signatureOf(secret: string, timestampSeconds: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}

/** The headers Ansinh sends with an event, signed with `secret` at `timestampSeconds` (tests forge with it). */
export function signedHeaders(
  secret: string,
  rawBody: string,
  timestampSeconds: number,
  event: { id: string; type: string },
): Record<string, string> {
  return {
    'content-type': 'application/json',
    [WEBHOOK_HEADERS.eventId]: event.id,
    [WEBHOOK_HEADERS.eventType]: event.type,
    [WEBHOOK_HEADERS.timestamp]: String(timestampSeconds),
    [WEBHOOK_HEADERS.signature]: signatureOf(secret, timestampSeconds, rawBody),
  };
}

const header = (headers: IncomingHttpHeaders | Record<string, string | undefined>, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The `v1=` values of a signature header (a few while the sender rotates its secret); more than five
 * is someone trying many guesses at once, and none is taken.
 */
function signatureValues(value: string): Buffer[] {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.length > 5) return [];
  return parts
    .filter((part) => /^v1=[0-9a-f]{64}$/.test(part))
    .map((part) => Buffer.from(part.slice(3), 'hex'));
}

/** The per-dossier key a province files events under: the dossier, else its code, else the entitlement. */
export function dossierKeyOf(event: SyncEvent): string {
  if (event.dossier.applicationId) return event.dossier.applicationId;
  if (event.dossier.source && event.dossier.externalCode)
    return `${event.dossier.source}/${event.dossier.externalCode}`;
  return `entitlement:${String(event.data['entitlementId'] ?? event.id)}`;
}

/**
 * Events as a province keeps them: each once (by event id), filed per dossier in the order they
 * first arrived; an event that arrives after a later one of its dossier is an order violation.
 */
export class EventLedger {
  readonly #events = new Map<string, SyncEvent>();
  readonly #dossiers = new Map<string, SyncEvent[]>();
  readonly #lastSequence = new Map<string, bigint>();
  #duplicates = 0;
  readonly orderViolations: string[] = [];

  record(event: SyncEvent): 'new' | 'duplicate' {
    if (this.#events.has(event.id)) {
      this.#duplicates += 1;
      return 'duplicate';
    }
    this.#events.set(event.id, event);
    const key = dossierKeyOf(event);
    const sequence = BigInt(event.sequence);
    const last = this.#lastSequence.get(key);
    if (last !== undefined && sequence < last) {
      this.orderViolations.push(`${key}: ${event.type} #${event.sequence} after #${last}`);
    }
    if (last === undefined || sequence > last) this.#lastSequence.set(key, sequence);
    const list = this.#dossiers.get(key) ?? [];
    list.push(event);
    this.#dossiers.set(key, list);
    return 'new';
  }

  has(id: string): boolean {
    return this.#events.has(id);
  }

  /** Distinct events kept. */
  get size(): number {
    return this.#events.size;
  }

  /** Copies received again and dropped. */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** Every distinct event, in the order first received. */
  events(): SyncEvent[] {
    return [...this.#events.values()];
  }

  /** A dossier's events, in the order first received. */
  dossier(key: string): SyncEvent[] {
    return this.#dossiers.get(key) ?? [];
  }

  /** A dossier's event types, in the order first received. */
  types(key: string): string[] {
    return this.dossier(key).map((event) => event.type);
  }
}

export type InboxOutcome =
  'accepted' | 'duplicate' | 'forged' | 'stale' | 'replayed' | 'malformed' | 'foreign';

export type InboxAnswer = { status: number; outcome: InboxOutcome; reason?: string };

const isEvent = (value: unknown): value is SyncEvent => {
  if (!value || typeof value !== 'object') return false;
  const event = value as Record<string, unknown>;
  const dossier = event['dossier'] as Record<string, unknown> | null | undefined;
  return (
    typeof event['id'] === 'string' &&
    typeof event['sequence'] === 'string' &&
    /^\d{1,19}$/.test(event['sequence']) &&
    typeof event['type'] === 'string' &&
    typeof event['occurredAt'] === 'string' &&
    !!dossier &&
    typeof dossier === 'object' &&
    !!event['data'] &&
    typeof event['data'] === 'object'
  );
};

/**
 * The receiving end of the webhook, without HTTP: checks the signature against the secrets it was
 * given at registration, refuses a timestamp outside the window (an old message sent again) and the
 * exact same signed message seen before (a copy sent again within the window), and keeps each event
 * once. A retry by Ansinh is signed anew (a new timestamp), so it is accepted and de-duplicated.
 */
export class WebhookInbox {
  readonly ledger = new EventLedger();
  readonly refused: Record<Exclude<InboxOutcome, 'accepted' | 'duplicate'>, number> = {
    forged: 0,
    stale: 0,
    replayed: 0,
    malformed: 0,
    foreign: 0,
  };
  readonly #secrets: string[] = [];
  /** Signed messages accepted within the window: `<event id> <signature>` → their timestamp. */
  readonly #seen = new Map<string, number>();
  readonly #toleranceSeconds: number;
  readonly #province: string | undefined;

  constructor(options: { toleranceSeconds?: number; province?: string } = {}) {
    this.#toleranceSeconds = options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
    this.#province = options.province;
  }

  /** A secret that registerWebhook returned (kept along with earlier ones). */
  trust(secret: string): void {
    if (!this.#secrets.includes(secret)) this.#secrets.push(secret);
  }

  receive(request: {
    rawBody: string;
    headers: IncomingHttpHeaders | Record<string, string | undefined>;
    nowSeconds?: number;
  }): InboxAnswer {
    const now = request.nowSeconds ?? Math.floor(Date.now() / 1000);
    const refuse = (outcome: keyof WebhookInbox['refused'], status: number, reason: string): InboxAnswer => {
      this.refused[outcome] += 1;
      return { status, outcome, reason };
    };
    const timestampText = header(request.headers, WEBHOOK_HEADERS.timestamp);
    const signatureText = header(request.headers, WEBHOOK_HEADERS.signature);
    if (!timestampText || !signatureText) return refuse('forged', 401, 'unsigned');
    if (!/^\d{1,12}$/.test(timestampText)) return refuse('forged', 401, 'bad timestamp');
    const timestamp = Number(timestampText);
    const offered = signatureValues(signatureText);
    const signed = this.#secrets.find((secret) => {
      const expected = Buffer.from(signatureOf(secret, timestamp, request.rawBody).slice(3), 'hex');
      return offered.some((value) => value.length === expected.length && timingSafeEqual(value, expected));
    });
    if (!signed) return refuse('forged', 401, 'signature does not match');
    if (Math.abs(now - timestamp) > this.#toleranceSeconds) return refuse('stale', 401, 'outside the window');

    let event: unknown;
    try {
      event = JSON.parse(request.rawBody);
    } catch {
      return refuse('malformed', 400, 'not JSON');
    }
    if (!isEvent(event)) return refuse('malformed', 400, 'not an event');
    if (header(request.headers, WEBHOOK_HEADERS.eventId) !== event.id)
      return refuse('malformed', 400, 'event id header differs from the body');
    if (this.#province && event.province !== this.#province)
      return refuse('foreign', 400, `event of province ${event.province}`);

    for (const [key, at] of this.#seen) if (at < now - this.#toleranceSeconds) this.#seen.delete(key);
    const replayKey = `${event.id} ${signatureText}`;
    if (this.#seen.has(replayKey)) return refuse('replayed', 409, 'this signed message was received before');
    this.#seen.set(replayKey, timestamp);
    return this.ledger.record(event) === 'new'
      ? { status: 200, outcome: 'accepted' }
      : { status: 200, outcome: 'duplicate' };
  }
}

export type Tls = { key: string; cert: string; certFile: string; dir: string };

/**
 * A self-signed certificate for localhost and 127.0.0.1, made with the openssl command line, valid
 * one day. Ansinh's deliverer trusts it through WEBHOOK_CA_FILE (`certFile`).
 */
export async function createSelfSignedCertificate(): Promise<Tls> {
  const dir = await mkdtemp(join(tmpdir(), 'ansinh-province-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost/O=So Y te (he thong mot cua tham chieu)',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`The reference system needs the openssl command for its certificate: ${String(error)}`, {
      cause: error,
    });
  }
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile, dir };
}

export type ReceiverAttempt = { at: number; eventId: string | undefined; status: number; outcome: string };

/** A delivery as it came over the wire (what an eavesdropper could capture and send again). */
export type CapturedDelivery = { rawBody: string; headers: Record<string, string> };

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The province's webhook endpoint over HTTPS. It can be made unavailable (503), slow, or taken down
 * altogether (the port closed, connections cut) and brought back on the same address.
 */
export class ReferenceWebhookReceiver {
  readonly inbox: WebhookInbox;
  /** Every POST answered, in order (refusals and 503s included). */
  readonly attempts: ReceiverAttempt[] = [];
  /** The last 1,000 deliveries accepted, as received. */
  readonly accepted: CapturedDelivery[] = [];
  readonly #server: Server;
  readonly #path: string;
  #port = 0;
  #unavailable = false;
  #delayMs = 0;
  #listening = false;
  #inFlight = 0;

  private constructor(tls: Tls, options: { province?: string; path?: string }) {
    this.inbox = new WebhookInbox(options.province ? { province: options.province } : {});
    this.#path = options.path ?? '/ansinh/webhooks';
    this.#server = createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
      void this.#answer(request, response);
    });
  }

  static async start(tls: Tls, options: { province?: string; path?: string } = {}) {
    const receiver = new ReferenceWebhookReceiver(tls, options);
    await receiver.#listen(0);
    return receiver;
  }

  /** The address to register (the certificate names localhost). */
  get url(): string {
    return `https://localhost:${this.#port}${this.#path}`;
  }

  get up(): boolean {
    return this.#listening;
  }

  /** Deliveries read in full and not yet answered (held by the delay). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Answer 503 to every delivery (true) or serve again (false). */
  setUnavailable(unavailable: boolean): void {
    this.#unavailable = unavailable;
  }

  /** Wait this long before answering each delivery (a slow receiver keeps a batch in flight). */
  setDelay(ms: number): void {
    this.#delayMs = ms;
  }

  /** An outage: the port is closed and open connections are cut, so deliveries fail to connect. */
  async goDown(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  /** Back on the same address after an outage. */
  async comeBack(): Promise<void> {
    if (!this.#listening) await this.#listen(this.#port);
  }

  async stop(): Promise<void> {
    await this.goDown();
  }

  /** Waits until `until()` holds, checking every 100 ms; fails with `what` after `timeoutMs`. */
  async waitUntil(until: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!until()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#listening = true;
  }

  async #answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const eventId = header(request.headers, WEBHOOK_HEADERS.eventId);
    const send = (status: number, outcome: string, reason?: string) => {
      this.attempts.push({ at: Date.now(), eventId, status, outcome });
      if (response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ outcome, ...(reason ? { reason } : {}) }));
    };
    if (request.method !== 'POST' || request.url !== this.#path) return send(404, 'not-found');
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) return send(413, 'too-large');
        chunks.push(chunk);
      }
    } catch {
      return; // the sender went away
    }
    if (this.#delayMs) {
      this.#inFlight += 1;
      await sleep(this.#delayMs);
      this.#inFlight -= 1;
    }
    if (this.#unavailable) return send(503, 'unavailable');
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const answer = this.inbox.receive({ rawBody, headers: request.headers });
    if (answer.outcome === 'accepted') {
      const headers = Object.fromEntries(
        Object.values(WEBHOOK_HEADERS).map((name) => [name, header(request.headers, name) ?? '']),
      );
      this.accepted.push({ rawBody, headers: { 'content-type': 'application/json', ...headers } });
      if (this.accepted.length > 1000) this.accepted.shift();
    }
    send(answer.status, answer.outcome, answer.reason);
  }
}

// ---------------------------------------------------------------------------------------------
// The system's client side: token, intake, webhook registration and the feed.

export type GraphQLError = {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
};
export type GraphQLAnswer<T> = { status: number; data?: T | null; errors?: GraphQLError[] };

export type IntakeDossier = {
  source: string;
  externalCode: string;
  communeCode: string;
  applicant: {
    citizenId: string;
    fullName: string;
    birthDate: string;
    gender?: string;
    ethnicityCode?: string;
    phone?: string;
    address?: string;
  };
  categoryCode: string;
  filedOn: string;
  memberCount?: number;
  documents?: { kind: string; name: string; number?: string; issuedOn?: string }[];
};

export type IntakeResult = {
  index: number;
  externalCode: string;
  created: boolean;
  resubmitted: boolean;
  application: { id: string; state: string; externalDossierCode: string | null } | null;
  error: { code: string; field: string | null; message: string; fields: string[] | null } | null;
};

const INTAKE_RESULT = `index externalCode created resubmitted application { id state externalDossierCode } error { code field message fields }`;

export const SUBMIT_APPLICATION = `mutation ($input: IntakeDossierInput!) { submitApplication(input: $input) { ${INTAKE_RESULT} } }`;
export const SUBMIT_APPLICATIONS = `mutation ($inputs: [IntakeDossierInput!]!) { submitApplications(inputs: $inputs) { ${INTAKE_RESULT} } }`;
export const REGISTER_WEBHOOK = `mutation ($url: String!) { registerWebhook(url: $url) { secret webhook { id url } } }`;
export const CHANGES = `query ($after: String, $first: Int) { changes(after: $after, first: $first) {
  events { id sequence type occurredAt dossier { source externalCode applicationId } dataJson }
  endCursor hasMore } }`;

type FeedPage = {
  changes: {
    events: (Omit<SyncEvent, 'data' | 'province'> & { dataJson: string })[];
    endCursor: string | null;
    hasMore: boolean;
  };
};

/** What the system keeps on disk between runs: where it stopped in the feed. */
export type FeedState = { cursor: string | null; pages: number; eventsRead: number };

export type ProvinceSystemOptions = {
  gatewayUrl: string;
  keycloakUrl: string;
  realm?: string;
  clientId: string;
  clientSecret: string;
  /** The file that keeps the feed cursor (FeedState as JSON). */
  stateFile: string;
};

/**
 * The system's side that calls Ansinh. A new instance on the same `stateFile` resumes the feed where
 * the last one stopped: the cursor is written (atomically) after each page is filed.
 */
export class ReferenceProvinceClient {
  readonly feed = new EventLedger();
  readonly #options: ProvinceSystemOptions;
  #token: { value: string; refreshAt: number } | undefined;

  constructor(options: ProvinceSystemOptions) {
    this.#options = options;
  }

  get clientId(): string {
    return this.#options.clientId;
  }

  /** An access token by client credentials, reused until 30 s before it expires. */
  async token(): Promise<string> {
    if (this.#token && Date.now() < this.#token.refreshAt) return this.#token.value;
    const { keycloakUrl, realm = 'ansinh', clientId, clientSecret } = this.#options;
    const response = await fetch(`${keycloakUrl}/realms/${realm}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || !body.access_token)
      throw new Error(`Client credentials for ${clientId} refused: ${response.status} ${body.error ?? ''}`);
    this.#token = {
      value: body.access_token,
      refreshAt: Date.now() + Math.max(0, (body.expires_in ?? 60) - 30) * 1000,
    };
    return body.access_token;
  }

  async graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphQLAnswer<T>> {
    const response = await fetch(this.#options.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.token()}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLAnswer<T>, 'status'>;
    return { status: response.status, ...body };
  }

  submitApplication(input: IntakeDossier) {
    return this.graphql<{ submitApplication: IntakeResult }>(SUBMIT_APPLICATION, { input });
  }

  submitApplications(inputs: IntakeDossier[]) {
    return this.graphql<{ submitApplications: IntakeResult[] }>(SUBMIT_APPLICATIONS, { inputs });
  }

  /** Registers the receiver's address; the secret comes back once and the receiver trusts it. */
  async registerWebhook(receiver: ReferenceWebhookReceiver): Promise<{ id: string; secret: string }> {
    const answer = await this.graphql<{ registerWebhook: { secret: string; webhook: { id: string } } }>(
      REGISTER_WEBHOOK,
      { url: receiver.url },
    );
    if (!answer.data?.registerWebhook)
      throw new Error(`registerWebhook failed: ${JSON.stringify(answer.errors)}`);
    const { secret, webhook } = answer.data.registerWebhook;
    receiver.inbox.trust(secret);
    return { id: webhook.id, secret };
  }

  async readState(): Promise<FeedState> {
    try {
      return JSON.parse(await readFile(this.#options.stateFile, 'utf8')) as FeedState;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { cursor: null, pages: 0, eventsRead: 0 };
      throw error;
    }
  }

  async #writeState(state: FeedState): Promise<void> {
    const file = this.#options.stateFile;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify(state));
    await rename(`${file}.tmp`, file);
  }

  /**
   * Pages the feed from the saved cursor until it has no more (or `maxPages` pages), filing each
   * event and saving the cursor after each page. Answers the events read by this call, in order.
   */
  async pageChanges(options: { pageSize?: number; maxPages?: number } = {}): Promise<SyncEvent[]> {
    const { pageSize = 100, maxPages = Number.POSITIVE_INFINITY } = options;
    const state = await this.readState();
    const read: SyncEvent[] = [];
    for (let page = 0; page < maxPages; page += 1) {
      const answer = await this.graphql<FeedPage>(CHANGES, { after: state.cursor, first: pageSize });
      if (!answer.data?.changes) throw new Error(`changes failed: ${JSON.stringify(answer.errors)}`);
      const { events, endCursor, hasMore } = answer.data.changes;
      for (const { dataJson, ...rest } of events) {
        const event: SyncEvent = { ...rest, data: JSON.parse(dataJson) as Record<string, unknown> };
        this.feed.record(event);
        read.push(event);
      }
      if (endCursor) state.cursor = endCursor;
      state.pages += 1;
      state.eventsRead += events.length;
      await this.#writeState(state);
      if (!hasMore) break;
    }
    return read;
  }
}
