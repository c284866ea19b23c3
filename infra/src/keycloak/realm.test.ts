import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { isWriteAction, PERMISSIONS, type Action } from '@ansinh/common';
import { DEMO_CURRENT_COMMUNES, DEMO_FORMER_DISTRICTS, DEMO_PROVINCE } from '../demo/demo-units.ts';
import {
  DEMO_PASSWORD,
  DEMO_PROVINCE_SYSTEM_CLIENT,
  DEMO_SYNC_CLIENTS,
  DEMO_SYNC_PROVINCES,
  DEMO_USERS,
  demoSyncClient,
} from './demo-users.ts';

type RealmUser = {
  username: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
  emailVerified?: boolean;
  serviceAccountClientId?: string;
  attributes?: Record<string, string[]>;
  realmRoles?: string[];
  requiredActions?: string[];
  credentials?: { type: string; value: string; temporary?: boolean }[];
};
type RealmClient = {
  clientId: string;
  name?: string;
  description?: string;
  publicClient?: boolean;
  secret?: string;
  standardFlowEnabled?: boolean;
  implicitFlowEnabled?: boolean;
  directAccessGrantsEnabled?: boolean;
  serviceAccountsEnabled?: boolean;
  attributes?: Record<string, string>;
  defaultClientScopes?: string[];
};
type Realm = {
  realm: string;
  roles: { realm: { name: string; description?: string }[] };
  users: RealmUser[];
  clients: RealmClient[];
  defaultRole: { name: string };
  components: Record<string, { providerId: string; config: Record<string, string[]> }[]>;
};

const realm = JSON.parse(
  readFileSync(new URL('../../keycloak/realm-ansinh.json', import.meta.url), 'utf8'),
) as Realm;
const ANSINH_ROLES = [
  'officer',
  'approver',
  'payer',
  'analyst',
  'auditor',
  'integration',
  'admin',
  'ministry',
];
/** The provinces in force since 1 July 2025, as the national list has them (code, full name). */
const CURRENT_PROVINCES = readFileSync(
  new URL('../../../services/registry/data/admin-units/units-from-2025-07-01.csv', import.meta.url),
  'utf8',
)
  .split('\n')
  .map((line) => line.split(','))
  .filter((cells) => cells[3] === 'province')
  .map(([code, , fullName]) => ({ code: code!, fullName: fullName! }));
const sorted = (values: readonly string[]): string[] => [...values].sort();
const people = realm.users.filter((user) => user.serviceAccountClientId === undefined);
const ansinhRoles = (user: RealmUser): string[] =>
  sorted((user.realmRoles ?? []).filter((role) => role !== realm.defaultRole.name));

describe('realm-ansinh.json', () => {
  it('is the ansinh realm with the Ansinh roles', () => {
    expect(realm.realm).toBe('ansinh');
    const roles = realm.roles.realm.filter((role) => ANSINH_ROLES.includes(role.name));
    expect(sorted(roles.map((role) => role.name))).toEqual(sorted(ANSINH_ROLES));
    for (const role of roles) expect(role.description).toBeTruthy();
  });

  it('has exactly the demo users of DEMO_USERS', () => {
    expect(sorted(people.map((user) => user.username))).toEqual(
      sorted(DEMO_USERS.map((user) => user.username)),
    );
  });

  for (const demo of DEMO_USERS) {
    it(`${demo.username} agrees with DEMO_USERS`, () => {
      const user = people.find((candidate) => candidate.username === demo.username);
      expect(user).toBeDefined();
      if (!user) return;
      expect(user.attributes).toEqual({ unit_code: [demo.unitCode], unit_level: [demo.unitLevel] });
      expect(ansinhRoles(user)).toEqual(sorted(demo.roles));
      expect(`${user.firstName} ${user.lastName}`).toBe(demo.displayName);
      expect(user.enabled).toBe(true);
      expect(user.emailVerified).toBe(true);
      expect(user.requiredActions ?? []).toEqual([]);
      expect(user.credentials).toEqual([{ type: 'password', value: DEMO_PASSWORD, temporary: false }]);
    });
  }

  it('has accounts only for units of today (the province, current communes) and one former district', () => {
    const province = DEMO_USERS.filter((user) => user.unitLevel === 'province');
    const communes = DEMO_USERS.filter((user) => user.unitLevel === 'commune');
    const districts = DEMO_USERS.filter((user) => user.unitLevel === 'district');
    expect(province.map((user) => user.unitCode)).toEqual(province.map(() => DEMO_PROVINCE.code));
    expect(sorted([...new Set(communes.map((user) => user.unitCode))])).toEqual(
      sorted(['18073', '18652', '18229', '18262']),
    );
    for (const user of communes)
      expect(DEMO_CURRENT_COMMUNES.map((commune) => commune.code)).toContain(user.unitCode);
    // Units that no longer exist: district 440, communes 18077 and 18235 (abolished on 1 July 2025).
    for (const gone of ['huyen.440', 'xa.18077', 'xa.18235'])
      expect(people.map((user) => user.username)).not.toContain(gone);
    expect(districts.map((user) => user.username)).toEqual(['huyen.436']);
    expect(DEMO_FORMER_DISTRICTS.map((district) => district.code)).toContain('436');
  });

  it('lets each current commune receive, decide and pay (the commune chairman decides since 1 July 2025)', () => {
    for (const user of DEMO_USERS.filter(
      (each) => each.unitLevel === 'commune' && each.username.startsWith('xa.'),
    ))
      expect([user.username, sorted(user.roles)]).toEqual([user.username, ['approver', 'officer', 'payer']]);
  });

  it('separates approving a payment list from paying it in Thành Sen (one role each)', () => {
    const roles = (username: string) => DEMO_USERS.find((user) => user.username === username)?.roles;
    expect(roles('ketoan.18073')).toEqual(['payer']);
    expect(roles('pheduyet.18073')).toEqual(['approver']);
  });

  it('gives the former district only roles that read: no role of it grants a change', () => {
    const district = DEMO_USERS.find((user) => user.username === 'huyen.436')!;
    const writes = (Object.keys(PERMISSIONS) as Action[]).filter(isWriteAction);
    expect(writes).toEqual(expect.arrayContaining(['person:write', 'duplicate:decide']));
    for (const action of writes) {
      const granted: readonly string[] = PERMISSIONS[action];
      expect([action, district.roles.filter((role) => granted.includes(role))]).toEqual([action, []]);
    }
    // It still reads its own records: persons, entitlements, payments and history.
    for (const action of [
      'person:read',
      'entitlement:read',
      'payment:read',
      'history:read-values',
    ] as const) {
      const granted: readonly string[] = PERMISSIONS[action];
      expect([action, district.roles.some((role) => granted.includes(role))]).toEqual([action, true]);
    }
  });

  it('gives the province system service account its unit and the integration role', () => {
    const account = realm.users.find(
      (user) => user.serviceAccountClientId === DEMO_PROVINCE_SYSTEM_CLIENT.clientId,
    );
    expect(account?.attributes).toEqual({
      unit_code: [DEMO_PROVINCE_SYSTEM_CLIENT.unitCode],
      unit_level: [DEMO_PROVINCE_SYSTEM_CLIENT.unitLevel],
    });
    expect(account && ansinhRoles(account)).toEqual([...DEMO_PROVINCE_SYSTEM_CLIENT.roles]);
  });

  it('gives every Ansinh client the ansinh-graph scope by default', () => {
    const clients = realm.clients.filter((client) => client.clientId.startsWith('ansinh-'));
    expect(sorted(clients.map((client) => client.clientId))).toEqual(
      sorted([
        'ansinh-admin-console',
        'ansinh-graph',
        'ansinh-province-system',
        'ansinh-test-console',
        'ansinh-test-login',
        'ansinh-test-short-lived',
        ...DEMO_SYNC_CLIENTS.map((client) => client.clientId),
      ]),
    );
    for (const client of clients) {
      expect(client.defaultClientScopes).toEqual(
        expect.arrayContaining(['ansinh-graph', 'roles', 'profile', 'email', 'web-origins', 'basic', 'acr']),
      );
    }
  });

  it('has a sync client for each of the 34 provinces of today, as the national list names them', () => {
    expect(CURRENT_PROVINCES).toHaveLength(34);
    expect(DEMO_SYNC_PROVINCES.map((province) => ({ ...province }))).toEqual(CURRENT_PROVINCES);
    expect(DEMO_SYNC_CLIENTS.map((client) => client.clientId)).toContain('ansinh-sync-42');
    expect(demoSyncClient('01')).toMatchObject({
      clientId: 'ansinh-sync-01',
      clientSecret: 'ansinh-sync-01-dev-secret',
      unitCode: '01',
      provinceName: 'Thành phố Hà Nội',
    });
    // Provinces that ended on 30 June 2025 (02 Hà Giang, 10 Lào Cai, 17 Hòa Bình: their codes are not reused) have none.
    for (const gone of ['02', '10', '17']) expect(() => demoSyncClient(gone)).toThrow(/34 provinces/);
  });

  for (const demo of DEMO_SYNC_CLIENTS) {
    it(`${demo.clientId} is a confidential client of ${demo.provinceName}'s one-stop system, client credentials only`, () => {
      const client = realm.clients.find((candidate) => candidate.clientId === demo.clientId);
      expect(client).toMatchObject({
        publicClient: false,
        secret: demo.clientSecret,
        standardFlowEnabled: false,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: true,
        attributes: { 'oauth2.device.authorization.grant.enabled': 'false' },
      });
      expect(client?.defaultClientScopes).toEqual(
        expect.arrayContaining(['ansinh-graph', 'roles', 'service_account']),
      );
      expect(client?.name).toContain(demo.provinceName);
      expect(client?.description).toMatch(/một cửa điện tử/);
      expect(client?.description?.toLowerCase()).toContain(demo.provinceName.toLowerCase());
      const account = realm.users.find((user) => user.serviceAccountClientId === demo.clientId);
      expect(account?.username).toBe(`service-account-${demo.clientId}`);
      expect(account?.attributes).toEqual({ unit_code: [demo.unitCode], unit_level: ['province'] });
      expect(account && ansinhRoles(account)).toEqual(['integration']);
      expect(account?.credentials).toBeUndefined();
    });
  }

  it('fits every name and description into the columns Keycloak stores them in (255 characters)', () => {
    for (const client of realm.clients) {
      expect([client.clientId, (client.name ?? '').length <= 255]).toEqual([client.clientId, true]);
      expect([client.clientId, (client.description ?? '').length <= 255]).toEqual([client.clientId, true]);
    }
    for (const role of realm.roles.realm)
      expect([role.name, (role.description ?? '').length <= 255]).toEqual([role.name, true]);
  });

  it('has the ministry (boyte) as the only national account: unit 00, role ministry, which grants no scoped action', () => {
    const national = DEMO_USERS.filter((user) => user.unitLevel === 'national');
    expect(national.map((user) => [user.username, user.unitCode, user.roles])).toEqual([
      ['boyte', '00', ['ministry']],
    ]);
    const granted = (Object.keys(PERMISSIONS) as Action[]).filter((action) =>
      (PERMISSIONS[action] as readonly string[]).includes('ministry'),
    );
    expect(granted).toEqual(['national-sync:read']);
    const ministry = realm.roles.realm.find((role) => role.name === 'ministry');
    expect(ministry?.description).toMatch(/Bộ Y tế/);
  });

  it('lets the user profile hold unit_level national (the ministry) beside the unit levels', () => {
    const [profile] = realm.components['org.keycloak.userprofile.UserProfileProvider'] ?? [];
    const config = JSON.parse(profile?.config['kc.user.profile.config']?.[0] ?? '{}') as {
      attributes: { name: string; validations?: Record<string, Record<string, unknown>> }[];
    };
    const level = config.attributes.find((attribute) => attribute.name === 'unit_level');
    expect(level?.validations?.['options']?.['options']).toEqual([
      'province',
      'district',
      'commune',
      'national',
    ]);
    const code = config.attributes.find((attribute) => attribute.name === 'unit_code');
    expect(new RegExp(String(code?.validations?.['pattern']?.['pattern'])).test('00')).toBe(true);
  });
});
