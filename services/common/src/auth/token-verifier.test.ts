import { describe, expect, it } from '@jest/globals';
import { generateKeyPair, SignJWT } from 'jose';
import { AppError } from '../errors/app-error.ts';
import { bearerToken, principalFromClaims, TokenVerifier } from './token-verifier.ts';

// Against the realm of the Keycloak the test run uses (KEYCLOAK_URL, set by the global setup).
const issuer = `${process.env.KEYCLOAK_URL!.replace(/\/+$/, '')}/realms/ansinh`;
const audience = 'ansinh-graph';

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

async function forged(kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ unit_code: '42', unit_level: 'province' })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject('attacker')
    .setExpirationTime('5m')
    .sign(privateKey);
}

describe('TokenVerifier', () => {
  it('refuses a token signed by a key the realm does not have, naming the cause', async () => {
    const verifier = new TokenVerifier({ issuer, audience });
    const error = await refusal(verifier.verify(await forged('not-a-realm-key')));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/không được ký bởi máy chủ đăng nhập/);
  });

  it('refuses malformed and oversized tokens without a server error', async () => {
    const verifier = new TokenVerifier({ issuer, audience });
    for (const token of ['abc', 'a.b.c', 'x'.repeat(20_000)]) {
      const error = await refusal(verifier.verify(token));
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.message).toMatch(/Mã truy cập không hợp lệ/);
    }
  });

  it('answers a clear UNAUTHENTICATED when the keys cannot be fetched at all, without waiting long', async () => {
    // A port of the loopback that nothing listens on: connection refused.
    const verifier = new TokenVerifier({
      issuer,
      audience,
      jwksUrl: 'http://127.0.0.1:9/realms/ansinh/protocol/openid-connect/certs',
      fetchTimeout: 1000,
    });
    const started = Date.now();
    const error = await refusal(verifier.verify(await forged('any')));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/máy chủ đăng nhập tạm thời không truy cập được/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header and refuses other schemes', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => bearerToken('Basic dXNlcjpwYXNz')).toThrow(AppError);
  });
});

describe('principalFromClaims', () => {
  it('refuses a token without a unit', () => {
    expect(() => principalFromClaims({ sub: 'someone' })).toThrow(/unit_code/);
  });
});
