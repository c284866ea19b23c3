import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook, WEBHOOK_HEADERS } from './webhook-signature.ts';

const SECRET = 'whsec_test-secret-of-the-province';
const BODY = JSON.stringify({
  id: '5f0c6f55-64e5-5b0e-9d55-6a1a4a3d2b11',
  type: 'application.decided',
  data: { amount: 750000 },
});
const NOW = 1_796_000_000;

const headersOf = (signature: string, timestamp: number | string = NOW) => ({
  [WEBHOOK_HEADERS.timestamp]: String(timestamp),
  [WEBHOOK_HEADERS.signature]: signature,
});

describe('signWebhook', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<raw body>", as the contract documents', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, NOW)).toBe(`v1=${expected}`);
    // The bytes are signed, so a Buffer of the same text signs the same.
    expect(signWebhook(SECRET, Buffer.from(BODY), NOW)).toBe(`v1=${expected}`);
  });

  it('refuses a timestamp that is not whole unix seconds', () => {
    expect(() => signWebhook(SECRET, BODY, 1.5)).toThrow(/unix seconds/);
    expect(() => signWebhook(SECRET, BODY, -1)).toThrow(/unix seconds/);
  });
});

describe('verifyWebhook', () => {
  const signature = signWebhook(SECRET, BODY, NOW);

  it('accepts the signed body within the window, on either side of the clock', () => {
    expect(
      verifyWebhook({ secret: SECRET, body: BODY, headers: headersOf(signature), nowSeconds: NOW }),
    ).toEqual({
      ok: true,
      timestampSeconds: NOW,
    });
    for (const skew of [-300, 300]) {
      expect(
        verifyWebhook({ secret: SECRET, body: BODY, headers: headersOf(signature), nowSeconds: NOW + skew })
          .ok,
      ).toBe(true);
    }
  });

  it('refuses a replay outside the window, even with a valid signature', () => {
    expect(
      verifyWebhook({ secret: SECRET, body: BODY, headers: headersOf(signature), nowSeconds: NOW + 301 }),
    ).toEqual({ ok: false, reason: 'stale' });
    expect(
      verifyWebhook({ secret: SECRET, body: BODY, headers: headersOf(signature), nowSeconds: NOW - 301 }),
    ).toEqual({ ok: false, reason: 'stale' });
    // A narrower window is the receiver's choice.
    expect(
      verifyWebhook({
        secret: SECRET,
        body: BODY,
        headers: headersOf(signature),
        nowSeconds: NOW + 31,
        toleranceSeconds: 30,
      }).ok,
    ).toBe(false);
  });

  it('refuses a replayed signature under a fresh timestamp: the timestamp is signed', () => {
    expect(
      verifyWebhook({
        secret: SECRET,
        body: BODY,
        headers: headersOf(signature, NOW + 100),
        nowSeconds: NOW + 100,
      }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses forgeries: another secret, a changed body, a re-serialised body', () => {
    const forged = signWebhook('whsec_guessed', BODY, NOW);
    expect(
      verifyWebhook({ secret: SECRET, body: BODY, headers: headersOf(forged), nowSeconds: NOW }),
    ).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    const tampered = BODY.replace('750000', '7500000');
    expect(
      verifyWebhook({ secret: SECRET, body: tampered, headers: headersOf(signature), nowSeconds: NOW }).ok,
    ).toBe(false);
    const reformatted = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(
      verifyWebhook({ secret: SECRET, body: reformatted, headers: headersOf(signature), nowSeconds: NOW }).ok,
    ).toBe(false);
    // One flipped hex digit.
    const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
    expect(
      verifyWebhook({ secret: SECRET, body: BODY, headers: headersOf(flipped), nowSeconds: NOW }).ok,
    ).toBe(false);
  });

  it('says what is missing or malformed', () => {
    const verify = (headers: Record<string, string | string[] | undefined>) =>
      verifyWebhook({ secret: SECRET, body: BODY, headers, nowSeconds: NOW });
    expect(verify({ [WEBHOOK_HEADERS.signature]: signature })).toEqual({
      ok: false,
      reason: 'missing-timestamp',
    });
    for (const timestamp of ['', '-1', '1.5', '1e9', ' 1796000000', '1'.repeat(13)]) {
      expect(verify(headersOf(signature, timestamp))).toEqual({ ok: false, reason: 'malformed-timestamp' });
    }
    expect(verify({ [WEBHOOK_HEADERS.timestamp]: String(NOW) })).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
    for (const bad of [
      'sha256=' + signature.slice(3),
      'v1=abc',
      'v1=' + 'g'.repeat(64),
      `${signature}=x`,
      'v0=' + '0'.repeat(64),
    ]) {
      expect(verify(headersOf(bad))).toEqual({ ok: false, reason: 'malformed-signature' });
    }
    // A header sent twice is ambiguous: refused rather than one of them picked.
    expect(
      verify({
        [WEBHOOK_HEADERS.timestamp]: [String(NOW), String(NOW)],
        [WEBHOOK_HEADERS.signature]: signature,
      }),
    ).toEqual({
      ok: false,
      reason: 'missing-timestamp',
    });
  });

  it('accepts any one of a few signatures (a secret being rotated), not a list to try many', () => {
    const old = signWebhook('whsec_previous', BODY, NOW);
    expect(
      verifyWebhook({
        secret: SECRET,
        body: BODY,
        headers: headersOf(`${old}, ${signature}`),
        nowSeconds: NOW,
      }).ok,
    ).toBe(true);
    const many = Array.from({ length: 6 }, (_, index) => signWebhook(`guess-${index}`, BODY, NOW)).join(',');
    expect(
      verifyWebhook({
        secret: SECRET,
        body: BODY,
        headers: headersOf(`${many},${signature}`),
        nowSeconds: NOW,
      }),
    ).toEqual({
      ok: false,
      reason: 'malformed-signature',
    });
  });
});
