import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of Ansinh's webhooks (the contract a provincial system verifies): each POST carries
 * the event's id and type, the unix time it was signed at, and `v1=<hex HMAC-SHA256(secret,
 * "<timestamp>.<raw body>")>`. Signing the timestamp with the body lets a receiver refuse a request
 * replayed outside a short window; within it, the event id de-duplicates. Several `v1=` values,
 * comma-separated, may come while a secret is rotated: one match is enough.
 */
export const WEBHOOK_HEADERS = {
  eventId: 'x-ansinh-event-id',
  eventType: 'x-ansinh-event-type',
  timestamp: 'x-ansinh-timestamp',
  signature: 'x-ansinh-signature',
} as const;

/** How far a receiver lets a signature's timestamp be from its own clock (the replay window). */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

const SCHEME = 'v1';
const HEX_SHA256 = /^[0-9a-f]{64}$/;
/** A timestamp header: unix seconds, at most 12 digits (no sign, no fraction). */
const UNIX_SECONDS = /^[0-9]{1,12}$/;
/** More candidate signatures than this is not a rotation but an attempt to try many. */
const MAX_SIGNATURES = 5;

function digest(secret: string, body: string | Uint8Array, timestampSeconds: number): Buffer {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest();
}

/** The `x-ansinh-signature` value of `body` (the exact bytes sent) signed at `timestampSeconds`. */
export function signWebhook(secret: string, body: string | Uint8Array, timestampSeconds: number): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0)
    throw new Error('signWebhook: the timestamp must be whole unix seconds');
  return `${SCHEME}=${digest(secret, body, timestampSeconds).toString('hex')}`;
}

/** Headers as Node's IncomingMessage has them (lower-case names), or a plain record. */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type WebhookVerification =
  | { ok: true; timestampSeconds: number }
  | {
      ok: false;
      reason:
        | 'missing-timestamp'
        | 'malformed-timestamp'
        | 'stale'
        | 'missing-signature'
        | 'malformed-signature'
        | 'mismatch';
    };

function single(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.length === 1 ? value[0] : undefined;
}

/**
 * Checks a received webhook: a timestamp within `toleranceSeconds` of `nowSeconds` (either side) and
 * a `v1` signature of the raw body with `secret`, compared in constant time. A receiver still
 * de-duplicates on the event id: a request replayed within the window verifies.
 */
export function verifyWebhook(options: {
  secret: string;
  /** The raw body as received (not re-serialised JSON). */
  body: string | Uint8Array;
  headers: WebhookHeaders;
  nowSeconds?: number;
  toleranceSeconds?: number;
}): WebhookVerification {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  const timestampText = single(options.headers, WEBHOOK_HEADERS.timestamp);
  if (timestampText === undefined) return { ok: false, reason: 'missing-timestamp' };
  if (!UNIX_SECONDS.test(timestampText)) return { ok: false, reason: 'malformed-timestamp' };
  const timestampSeconds = Number(timestampText);
  if (Math.abs(now - timestampSeconds) > tolerance) return { ok: false, reason: 'stale' };

  const signatureText = single(options.headers, WEBHOOK_HEADERS.signature);
  if (signatureText === undefined || signatureText.trim() === '')
    return { ok: false, reason: 'missing-signature' };
  const candidates = signatureText.split(',').map((part) => part.trim());
  if (candidates.length > MAX_SIGNATURES) return { ok: false, reason: 'malformed-signature' };
  const signatures: Buffer[] = [];
  for (const candidate of candidates) {
    const [scheme, value, extra] = candidate.split('=');
    if (scheme !== SCHEME || value === undefined || extra !== undefined || !HEX_SHA256.test(value))
      return { ok: false, reason: 'malformed-signature' };
    signatures.push(Buffer.from(value, 'hex'));
  }
  const expected = digest(options.secret, options.body, timestampSeconds);
  // Every candidate is compared, so the time taken does not tell which one matched.
  let matched = false;
  for (const signature of signatures) matched = timingSafeEqual(signature, expected) || matched;
  return matched ? { ok: true, timestampSeconds } : { ok: false, reason: 'mismatch' };
}
