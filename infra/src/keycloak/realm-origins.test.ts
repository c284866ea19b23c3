import { describe, expect, it } from '@jest/globals';

/**
 * The admin console exchanges its login code and refreshes its tokens from the browser, which sends
 * its Origin; Keycloak compares that with the client's web origins exactly (a wildcard port in a
 * redirect URI gives none), so the console's origins are listed. Asked of the running Keycloak.
 */
const tokenUrl = () => `${process.env['KEYCLOAK_URL']}/realms/ansinh/protocol/openid-connect/token`;

async function exchangeFrom(origin: string) {
  const answer = await fetch(tokenUrl(), {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'ansinh-admin-console',
      code: 'not-a-code',
      redirect_uri: `${origin}/`,
      code_verifier: 'v'.repeat(43),
    }),
  });
  return {
    status: answer.status,
    allowOrigin: answer.headers.get('access-control-allow-origin'),
    error: ((await answer.json()) as { error?: string }).error,
  };
}

describe('the admin console client, from a browser', () => {
  it.each(['http://localhost:4100', 'http://127.0.0.1:4100'])(
    'takes a code exchange from the console at %s (the code alone is refused)',
    async (origin) => {
      expect(await exchangeFrom(origin)).toEqual({
        status: 400,
        allowOrigin: origin,
        error: 'invalid_grant',
      });
    },
  );

  it('refuses any other origin', async () => {
    for (const origin of ['http://localhost:4101', 'https://ansinh.example']) {
      expect(await exchangeFrom(origin)).toEqual({ status: 403, allowOrigin: null, error: 'Invalid origin' });
    }
  });
});
