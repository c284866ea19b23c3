import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pidAlive } from '../process/pid-alive.ts';
import { REALM } from './keycloak.ts';

type Mapper = { name: string; protocolMapper: string; config?: Record<string, string> };
type Client = {
  clientId: string;
  publicClient?: boolean;
  bearerOnly?: boolean;
  standardFlowEnabled?: boolean;
  implicitFlowEnabled?: boolean;
  directAccessGrantsEnabled?: boolean;
  serviceAccountsEnabled?: boolean;
  secret?: string;
  redirectUris?: string[];
  attributes?: Record<string, string>;
  defaultClientScopes?: string[];
  optionalClientScopes?: string[];
  protocolMappers?: Mapper[];
};
type User = {
  username: string;
  serviceAccountClientId?: string;
  realmRoles?: string[];
  credentials?: unknown[];
  attributes?: Record<string, string[]>;
};
type Realm = Record<string, unknown> & {
  realm: string;
  sslRequired: string;
  accessTokenLifespan: number;
  ssoSessionIdleTimeout: number;
  ssoSessionMaxLifespan: number;
  bruteForceProtected: boolean;
  permanentLockout: boolean;
  failureFactor: number;
  waitIncrementSeconds: number;
  maxFailureWaitSeconds: number;
  passwordPolicy?: string;
  registrationAllowed: boolean;
  roles: unknown;
  defaultRole: unknown;
  clientScopes: { name: string; protocolMappers?: Mapper[] }[];
  clients: Client[];
  users: User[];
};

const readRealm = (file: string): Realm =>
  JSON.parse(readFileSync(new URL(`../../keycloak/${file}`, import.meta.url), 'utf8')) as Realm;
const demo = readRealm('realm-ansinh.json');
const production = readRealm('realm-ansinh.production.json');

const TEST_CLIENTS = ['ansinh-test-console', 'ansinh-test-login', 'ansinh-test-short-lived'];
/** The demo's sync clients, one per province with a public secret: a real realm adds its own (README). */
const isDemoSyncClient = (clientId: string) => /^ansinh-sync-\d{2}$/.test(clientId);
const sorted = (values: readonly string[]): string[] => [...values].sort();
const clientIds = (realm: Realm): string[] => sorted(realm.clients.map((client) => client.clientId));
const client = (realm: Realm, clientId: string): Client => {
  const found = realm.clients.find((candidate) => candidate.clientId === clientId);
  if (!found) throw new Error(`client ${clientId} is missing from ${realm.realm}`);
  return found;
};

/** Every object key anywhere in a JSON value, with its path. */
function keysOf(value: unknown, path = '$'): { path: string; key: string; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keysOf(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    { path: `${path}.${key}`, key, value: inner },
    ...keysOf(inner, `${path}.${key}`),
  ]);
}

describe('realm-ansinh.production.json (the production realm template)', () => {
  it("is the realm ansinh with exactly the demo realm clients, minus the test clients and the demo's sync clients", () => {
    expect(production.realm).toBe(REALM);
    expect(production.realm).toBe(demo.realm);
    expect(clientIds(production)).toEqual(
      clientIds(demo).filter((clientId) => !TEST_CLIENTS.includes(clientId) && !isDemoSyncClient(clientId)),
    );
    for (const clientId of TEST_CLIENTS) expect(clientIds(demo)).toContain(clientId);
    expect(clientIds(demo).filter(isDemoSyncClient)).toHaveLength(34);
    expect(clientIds(production)).toEqual(expect.arrayContaining(['admin-cli', 'ansinh-province-system']));
  });

  it('has no demo users and no passwords: only the service account of the province system, without credentials', () => {
    expect(production.users.map((user) => user.username)).toEqual(['service-account-ansinh-province-system']);
    for (const user of production.users) {
      expect(user.serviceAccountClientId).toBe('ansinh-province-system');
      expect(user.credentials).toBeUndefined();
      expect(user.realmRoles).toEqual(expect.arrayContaining(['integration']));
      // The province is the operator's to set; the demo's Hà Tĩnh must not leak into a real realm.
      expect(user.attributes).toBeUndefined();
    }
  });

  it('holds no secret: no secret, credential or password value anywhere, and no demo string', () => {
    const forbidden = keysOf(production).filter(
      ({ key }) => /secret|credential|password$/i.test(key) && key !== 'passwordPolicy',
    );
    expect(forbidden.map(({ path }) => path)).toEqual([]);
    const text = JSON.stringify(production);
    expect(text).not.toContain('Ansinh@2026');
    expect(text).not.toContain('dev-secret');
    expect(text).not.toMatch(/ansinh-test-|ansinh-sync-|tinh\.42|xa\.18073|huyen\.436|boyte|Hà Tĩnh/);
  });

  it('turns the password grant off on every client, admin-cli included, explicitly', () => {
    for (const each of production.clients) {
      expect({ clientId: each.clientId, directAccessGrantsEnabled: each.directAccessGrantsEnabled }).toEqual({
        clientId: each.clientId,
        directAccessGrantsEnabled: false,
      });
      expect({ clientId: each.clientId, implicitFlowEnabled: each.implicitFlowEnabled }).toEqual({
        clientId: each.clientId,
        implicitFlowEnabled: false,
      });
      expect([each.clientId, each.attributes?.['oauth2.device.authorization.grant.enabled']]).toEqual([
        each.clientId,
        'false',
      ]);
    }
    expect(client(production, 'admin-cli').directAccessGrantsEnabled).toBe(false);
    // What the template changes: the demo realm has it on.
    expect(client(demo, 'admin-cli').directAccessGrantsEnabled).toBe(true);
  });

  it('requires PKCE (S256) on every public client', () => {
    const publicClients = production.clients.filter((each) => each.publicClient === true);
    expect(publicClients.map((each) => each.clientId)).toEqual(
      expect.arrayContaining([
        'ansinh-admin-console',
        'admin-cli',
        'account-console',
        'security-admin-console',
      ]),
    );
    for (const each of publicClients) {
      expect([each.clientId, each.attributes?.['pkce.code.challenge.method']]).toEqual([
        each.clientId,
        'S256',
      ]);
    }
  });

  it('keeps confidential clients without a secret, so that Keycloak generates one on import', () => {
    const confidential = production.clients.filter(
      (each) => each.publicClient === false && each.bearerOnly !== true,
    );
    expect(confidential.map((each) => each.clientId)).toEqual(['ansinh-province-system']);
    for (const each of confidential) expect(each.secret).toBeUndefined();
    expect(client(production, 'ansinh-province-system')).toMatchObject({
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
    });
  });

  it('sends the admin console back only to an https address the operator sets, not to localhost', () => {
    for (const uri of client(production, 'ansinh-admin-console').redirectUris ?? []) {
      expect(uri).toMatch(/^https:\/\//);
      expect(uri).not.toMatch(/localhost|127\.0\.0\.1/);
    }
  });

  it('detects brute force with a sensible lockout', () => {
    expect(production.bruteForceProtected).toBe(true);
    expect(production.failureFactor).toBeGreaterThanOrEqual(3);
    expect(production.failureFactor).toBeLessThanOrEqual(10);
    expect(production.waitIncrementSeconds).toBeGreaterThanOrEqual(60);
    expect(production.maxFailureWaitSeconds).toBeGreaterThanOrEqual(900);
    // Temporary lockouts only: a permanent one lets any stranger disable an official's account.
    expect(production.permanentLockout).toBe(false);
  });

  it('issues short-lived tokens and sessions', () => {
    expect(production.accessTokenLifespan).toBeLessThanOrEqual(300);
    expect(production.ssoSessionIdleTimeout).toBeLessThanOrEqual(1800);
    expect(production.ssoSessionMaxLifespan).toBeLessThanOrEqual(36_000);
    expect(production['revokeRefreshToken']).toBe(true);
    for (const each of production.clients) {
      expect([each.clientId, each.attributes?.['access.token.lifespan']]).toEqual([each.clientId, undefined]);
    }
  });

  it('has a strong password policy, no self-registration and SSL outside private networks', () => {
    const policy = production.passwordPolicy ?? '';
    expect(Number(/\blength\((\d+)\)/.exec(policy)?.[1])).toBeGreaterThanOrEqual(12);
    expect(policy).toMatch(/\bnotUsername\b/);
    expect(Number(/\bpasswordHistory\((\d+)\)/.exec(policy)?.[1])).toBeGreaterThanOrEqual(1);
    expect(production.registrationAllowed).toBe(false);
    expect(['external', 'all']).toContain(production.sslRequired);
  });

  it('shares the demo realm roles, default role, client scopes (unit_code, unit_level and audience mappers) and user profile', () => {
    expect(production.roles).toEqual(demo.roles);
    expect(production.defaultRole).toEqual(demo.defaultRole);
    expect(production.clientScopes).toEqual(demo.clientScopes);
    for (const key of [
      'defaultDefaultClientScopes',
      'defaultOptionalClientScopes',
      'scopeMappings',
      'clientScopeMappings',
      'components',
    ]) {
      expect([key, production[key]]).toEqual([key, demo[key]]);
    }
    const mappers = production.clientScopes.find((scope) => scope.name === 'ansinh-graph')?.protocolMappers;
    expect(sorted((mappers ?? []).map((mapper) => mapper.name))).toEqual([
      'audience ansinh-graph',
      'unit_code',
      'unit_level',
    ]);
  });

  it('gives each client the scopes and mappers it has in the demo realm', () => {
    for (const each of production.clients) {
      const inDemo = client(demo, each.clientId);
      expect([
        each.clientId,
        each.defaultClientScopes,
        each.optionalClientScopes,
        each.protocolMappers,
      ]).toEqual([
        each.clientId,
        inDemo.defaultClientScopes,
        inDemo.optionalClientScopes,
        inDemo.protocolMappers,
      ]);
    }
  });
});

// The local development Keycloak's master realm administrator (infra/src/keycloak/keycloak.ts).
const ADMIN_USERNAME = 'admin';
const ADMIN_PASSWORD = 'admin';
/** Realms of one run carry its machine and process id, so that leftovers of killed runs can be told apart. */
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 6);
const REALM_PREFIX = `ansinh-production-check-${HOST}-`;

describe('realm-ansinh.production.json imported into the real Keycloak', () => {
  const keycloakUrl = process.env['KEYCLOAK_URL'] ?? 'http://localhost:8180';
  const realmName = `${REALM_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  let imported = false;

  async function adminToken(): Promise<string> {
    const response = await fetch(`${keycloakUrl}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: ADMIN_USERNAME,
        password: ADMIN_PASSWORD,
      }),
    });
    const body = (await response.json()) as { access_token?: string; error_description?: string };
    if (!body.access_token)
      throw new Error(`admin login to ${keycloakUrl} failed: ${body.error_description}`);
    return body.access_token;
  }

  /** Admin REST call; a fresh token each time, since master tokens live 60 s. */
  async function admin(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${keycloakUrl}/admin/realms${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await adminToken()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async function adminJson<T>(path: string): Promise<T> {
    const response = await admin('GET', path);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  async function tokenRequest(
    form: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${keycloakUrl}/realms/${realmName}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams(form),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function clientUuid(clientId: string): Promise<string> {
    const [found] = await adminJson<{ id: string }[]>(
      `/${realmName}/clients?clientId=${encodeURIComponent(clientId)}`,
    );
    if (!found) throw new Error(`client ${clientId} not found in ${realmName}`);
    return found.id;
  }

  async function provinceSystemSecret(): Promise<string> {
    const secret = await adminJson<{ value?: string }>(
      `/${realmName}/clients/${await clientUuid('ansinh-province-system')}/client-secret`,
    );
    return secret.value ?? '';
  }

  beforeAll(async () => {
    // Realms left by runs of this machine that were killed before their cleanup.
    const realms = await adminJson<{ realm: string }[]>('?briefRepresentation=true');
    for (const { realm } of realms) {
      const pid = realm.startsWith(REALM_PREFIX)
        ? Number(realm.slice(REALM_PREFIX.length).split('-')[0])
        : NaN;
      if (Number.isInteger(pid) && !pidAlive(pid)) await admin('DELETE', `/${realm}`);
    }
    const response = await admin('POST', '', { ...production, realm: realmName });
    imported = response.status === 201;
    if (!imported)
      throw new Error(`import of the template failed: HTTP ${response.status} ${await response.text()}`);
  });

  afterAll(async () => {
    if (!imported) return;
    const response = await admin('DELETE', `/${realmName}`);
    expect(response.status).toBe(204);
    expect((await admin('GET', `/${realmName}`)).status).toBe(404);
  });

  it('is accepted by Keycloak as it is, with its security settings kept', async () => {
    const realm = await adminJson<Realm>(`/${realmName}`);
    expect(realm).toMatchObject({
      enabled: true,
      sslRequired: production.sslRequired,
      accessTokenLifespan: production.accessTokenLifespan,
      ssoSessionIdleTimeout: production.ssoSessionIdleTimeout,
      bruteForceProtected: true,
      failureFactor: production.failureFactor,
      passwordPolicy: production.passwordPolicy,
      registrationAllowed: false,
    });
    const clients = await adminJson<Client[]>(`/${realmName}/clients`);
    expect(sorted(clients.map((each) => each.clientId))).toEqual(clientIds(production));
    for (const each of clients) {
      expect([each.clientId, each.directAccessGrantsEnabled]).toEqual([each.clientId, false]);
    }
    const users = await adminJson<User[]>(`/${realmName}/users?max=100`);
    // Keycloak lists service accounts apart from users: no user can log in to a fresh realm.
    expect(users).toEqual([]);
  });

  it('refuses the password grant on admin-cli and every Ansinh client, even for a real user with a valid password', async () => {
    const username = 'can-bo.kiem-tra';
    const password = `Kiem-Tra-${randomBytes(6).toString('hex')}-9A`;
    const created = await admin('POST', `/${realmName}/users`, {
      username,
      enabled: true,
      email: 'can-bo.kiem-tra@ansinh.invalid',
      emailVerified: true,
      firstName: 'Cán bộ',
      lastName: 'Kiểm tra',
      credentials: [{ type: 'password', value: password, temporary: false }],
    });
    expect(created.status).toBe(201);
    // Control: a client with the password grant on logs this user in, so the refusals below are
    // the clients' doing and not a wrong password.
    const control = await admin('POST', `/${realmName}/clients`, {
      clientId: 'password-grant-control',
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
    });
    expect(control.status).toBe(201);
    const allowed = await tokenRequest({
      grant_type: 'password',
      client_id: 'password-grant-control',
      username,
      password,
    });
    expect([allowed.status, typeof allowed.body['access_token']]).toEqual([200, 'string']);

    const secret = await provinceSystemSecret();
    for (const clientId of [
      'admin-cli',
      'ansinh-admin-console',
      'ansinh-province-system',
      'ansinh-graph',
      'account-console',
      'security-admin-console',
    ]) {
      const refused = await tokenRequest({
        grant_type: 'password',
        client_id: clientId,
        ...(clientId === 'ansinh-province-system' ? { client_secret: secret } : {}),
        username,
        password,
      });
      expect([clientId, refused.body['access_token']]).toEqual([clientId, undefined]);
      expect([clientId, refused.status]).toEqual([clientId, expect.any(Number)]);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect([clientId, refused.body['error']]).toEqual([
        clientId,
        expect.stringMatching(/^(unauthorized_client|invalid_client)$/),
      ]);
    }
  });

  it('enforces the password policy: a short password, like the demo one, is refused', async () => {
    const response = await admin('POST', `/${realmName}/users`, {
      username: 'mat-khau.ngan',
      enabled: true,
      credentials: [{ type: 'password', value: 'Ansinh@2026', temporary: false }],
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/invalidPasswordMinLength/);
  });

  it('generates a secret for the province system on import; its tokens live 5 minutes and carry the Ansinh claims', async () => {
    const secret = await provinceSystemSecret();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(secret).not.toContain('dev-secret');

    // The operator's step: the province the system acts for.
    const account = await adminJson<{ id: string } & Record<string, unknown>>(
      `/${realmName}/clients/${await clientUuid('ansinh-province-system')}/service-account-user`,
    );
    const updated = await admin('PUT', `/${realmName}/users/${account.id}`, {
      ...account,
      attributes: { unit_code: ['42'], unit_level: ['province'] },
    });
    expect(updated.status).toBe(204);

    const wrong = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'ansinh-province-system',
      client_secret: 'ansinh-province-system-dev-secret',
    });
    expect([wrong.status, wrong.body['error']]).toEqual([401, 'unauthorized_client']);

    const granted = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'ansinh-province-system',
      client_secret: secret,
    });
    expect(granted.status).toBe(200);
    // Keycloak counts expires_in from the moment it answers, so a second boundary crossed
    // while it works gives 299; the lifetime itself is exp - iat below.
    expect(granted.body['expires_in']).toBeGreaterThanOrEqual(299);
    expect(granted.body['expires_in']).toBeLessThanOrEqual(300);
    const token = String(granted.body['access_token']);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp: number;
      iat: number;
      aud: string | string[];
      unit_code?: string;
      unit_level?: string;
      realm_access?: { roles?: string[] };
    };
    expect(claims.exp - claims.iat).toBe(300);
    expect([claims.aud].flat()).toContain('ansinh-graph');
    expect(claims.unit_code).toBe('42');
    expect(claims.unit_level).toBe('province');
    expect(claims.realm_access?.roles).toEqual(expect.arrayContaining(['integration']));
  });

  it("adds a province's sync client as the README says: a copy of the province system, its unit, the integration role and a fresh secret", async () => {
    // 1. A copy of ansinh-province-system (console: Action → Export, then Import client) under the new id.
    const {
      id: _id,
      secret: _secret,
      ...original
    } = await adminJson<Client & { id: string }>(
      `/${realmName}/clients/${await clientUuid('ansinh-province-system')}`,
    );
    const created = await admin('POST', `/${realmName}/clients`, {
      ...original,
      clientId: 'ansinh-sync-01',
      name: 'One-stop system of Thành phố Hà Nội (sync)',
      secret: 'copied-secret-of-another-client',
    });
    expect(created.status).toBe(201);
    const uuid = await clientUuid('ansinh-sync-01');
    // A copy keeps the scopes and flows; the role of the service account does not travel with it.
    const copy = await adminJson<Client>(`/${realmName}/clients/${uuid}`);
    expect(copy).toMatchObject({
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: false,
    });
    expect(copy.defaultClientScopes).toEqual(expect.arrayContaining(['ansinh-graph']));
    const account = await adminJson<{ id: string } & Record<string, unknown>>(
      `/${realmName}/clients/${uuid}/service-account-user`,
    );
    const before = await adminJson<{ name: string }[]>(
      `/${realmName}/users/${account.id}/role-mappings/realm`,
    );
    expect(before.map((role) => role.name)).not.toContain('integration');

    // 2. Service account roles: integration. 3. Its user: unit_code and unit_level province.
    const integration = await adminJson<{ id: string; name: string }>(`/${realmName}/roles/integration`);
    const assigned = await admin('POST', `/${realmName}/users/${account.id}/role-mappings/realm`, [
      integration,
    ]);
    expect(assigned.status).toBe(204);
    const updated = await admin('PUT', `/${realmName}/users/${account.id}`, {
      ...account,
      attributes: { unit_code: ['01'], unit_level: ['province'] },
    });
    expect(updated.status).toBe(204);

    // 4. Credentials → Regenerate: the copied secret stops working, the generated one is handed over.
    const regenerated = await admin('POST', `/${realmName}/clients/${uuid}/client-secret`);
    expect(regenerated.status).toBe(200);
    const secret = ((await regenerated.json()) as { value: string }).value;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const copied = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'ansinh-sync-01',
      client_secret: 'copied-secret-of-another-client',
    });
    expect(copied.status).toBe(401);
    const granted = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'ansinh-sync-01',
      client_secret: secret,
    });
    expect(granted.status).toBe(200);
    const claims = JSON.parse(
      Buffer.from(String(granted.body['access_token']).split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as {
      azp?: string;
      aud: string | string[];
      unit_code?: string;
      unit_level?: string;
      realm_access?: { roles?: string[] };
    };
    expect(claims).toMatchObject({ azp: 'ansinh-sync-01', unit_code: '01', unit_level: 'province' });
    expect([claims.aud].flat()).toContain('ansinh-graph');
    expect(claims.realm_access?.roles).toEqual(expect.arrayContaining(['integration']));
  });

  it('holds the ministry: role ministry, and a user profile that takes unit_level national but no made-up level', async () => {
    const ministry = await adminJson<{ name: string }>(`/${realmName}/roles/ministry`);
    expect(ministry.name).toBe('ministry');
    const user = (username: string, level: string) =>
      admin('POST', `/${realmName}/users`, {
        username,
        enabled: true,
        email: `${username}@ansinh.invalid`,
        firstName: 'Bộ Y tế',
        lastName: 'Cục Bảo trợ xã hội',
        attributes: { unit_code: ['00'], unit_level: [level] },
      });
    expect((await user('bo-y-te.kiem-tra', 'national')).status).toBe(201);
    const refused = await user('bo-y-te.sai-cap', 'country');
    expect(refused.status).toBe(400);
  });
});
