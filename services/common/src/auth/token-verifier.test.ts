import { describe, expect, it, jest } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
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

describe('TokenVerifier, verified tokens', () => {
  it('takes a token it verified at its word until it expires, and no longer', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwks = JSON.stringify({
      keys: [{ ...(await exportJWK(publicKey)), kid: 'local', alg: 'RS256', use: 'sig' }],
    });
    let fetches = 0;
    const server = createServer((_request, response) => {
      fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Only the clock is faked: the key server and fetch keep their timers.
    jest.useFakeTimers({
      now: Date.now(),
      doNotFake: [
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'setImmediate',
        'clearImmediate',
        'nextTick',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    try {
      const verifier = new TokenVerifier({
        issuer,
        audience,
        jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`,
      });
      const token = await new SignJWT({
        unit_code: '42',
        unit_level: 'province',
        preferred_username: 'tinh.42',
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'local' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject('someone')
        .setExpirationTime('30s')
        .sign(privateKey);
      const first = await verifier.verify(token);
      expect(first).toMatchObject({ subject: 'someone', unitCode: '42' });
      expect(await verifier.verify(token)).toBe(first);
      expect(fetches).toBe(1);
      // Past its expiry (and the verifier's 5 s of tolerance), the same token is refused.
      jest.setSystemTime(Date.now() + 36_000);
      const error = await refusal(verifier.verify(token));
      expect(error.message).toMatch(/hết hạn/);
    } finally {
      jest.useRealTimers();
      server.close();
    }
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

  it('accepts the national level of the ministry (unit 00), and no level it does not know', () => {
    expect(
      principalFromClaims({
        sub: 'm',
        preferred_username: 'boyte',
        unit_code: '00',
        unit_level: 'national',
        realm_access: { roles: ['ministry'] },
      }),
    ).toMatchObject({ unitCode: '00', unitLevel: 'national', roles: ['ministry'] });
    for (const level of ['country', 'ministry', 'National', ''])
      expect(() => principalFromClaims({ sub: 'm', unit_code: '00', unit_level: level })).toThrow(
        expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      );
  });
});

describe('real tokens of the demo realm', () => {
  async function token(form: Record<string, string>): Promise<string> {
    const response = await fetch(`${issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as { access_token?: string; error_description?: string };
    if (!body.access_token) throw new Error(`no token: ${body.error_description}`);
    return body.access_token;
  }

  it("verifies the ministry's token: national, unit 00, role ministry", async () => {
    const verifier = new TokenVerifier({ issuer, audience });
    const principal = await verifier.verify(
      await token({
        grant_type: 'password',
        client_id: 'ansinh-test-login',
        username: 'boyte',
        password: 'Ansinh@2026',
      }),
    );
    expect(principal).toMatchObject({ username: 'boyte', unitCode: '00', unitLevel: 'national' });
    expect(principal.roles).toContain('ministry');
  });

  it("verifies a province sync client's token: its province, role integration, the client id as azp", async () => {
    const verifier = new TokenVerifier({ issuer, audience });
    const principal = await verifier.verify(
      await token({
        grant_type: 'client_credentials',
        client_id: 'ansinh-sync-01',
        client_secret: 'ansinh-sync-01-dev-secret',
      }),
    );
    expect(principal).toMatchObject({ unitCode: '01', unitLevel: 'province', clientId: 'ansinh-sync-01' });
    expect(principal.roles).toContain('integration');
  });
});
