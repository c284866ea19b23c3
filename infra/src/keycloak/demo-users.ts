/**
 * Demo accounts of the dev realm (infra/keycloak/realm-ansinh.json); realm.test.ts keeps the two in
 * step. Each account acts for one administrative unit of Hà Tĩnh (see ../demo/demo-units.ts).
 * Local demo only: the password is public.
 */
export const DEMO_PASSWORD = 'Ansinh@2026';

export type DemoUnitLevel = 'province' | 'district' | 'commune';

export type DemoUser = {
  username: string;
  /** GSO code of the unit, the token's `unit_code` claim. */
  unitCode: string;
  /** The token's `unit_level` claim. */
  unitLevel: DemoUnitLevel;
  /** Ansinh realm roles (the realm's default roles come on top). */
  roles: readonly string[];
  /** firstName + ' ' + lastName in the realm. */
  displayName: string;
};

export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'tinh.42',
    unitCode: '42',
    unitLevel: 'province',
    roles: ['approver', 'analyst', 'auditor', 'admin'],
    displayName: 'Sở Y tế Hà Tĩnh',
  },
  {
    username: 'huyen.436',
    unitCode: '436',
    unitLevel: 'district',
    roles: ['approver', 'payer', 'analyst'],
    displayName: 'Thành phố Hà Tĩnh',
  },
  {
    username: 'huyen.440',
    unitCode: '440',
    unitLevel: 'district',
    roles: ['approver', 'payer', 'analyst'],
    displayName: 'Huyện Đức Thọ',
  },
  {
    username: 'xa.18073',
    unitCode: '18073',
    unitLevel: 'commune',
    roles: ['officer', 'payer'],
    displayName: 'Phường Nam Hà',
  },
  {
    username: 'xa.18077',
    unitCode: '18077',
    unitLevel: 'commune',
    roles: ['officer', 'payer'],
    displayName: 'Phường Bắc Hà',
  },
  {
    username: 'xa.18229',
    unitCode: '18229',
    unitLevel: 'commune',
    roles: ['officer', 'payer'],
    displayName: 'Thị trấn Đức Thọ',
  },
  {
    username: 'xa.18235',
    unitCode: '18235',
    unitLevel: 'commune',
    roles: ['officer', 'payer'],
    displayName: 'Xã Quang Vĩnh',
  },
  // One role alone, so that what an analyst or an auditor reads can be tested without other roles on top.
  {
    username: 'phantich.42',
    unitCode: '42',
    unitLevel: 'province',
    roles: ['analyst'],
    displayName: 'Phân tích Hà Tĩnh',
  },
  {
    username: 'kiemtoan.42',
    unitCode: '42',
    unitLevel: 'province',
    roles: ['auditor'],
    displayName: 'Kiểm toán Hà Tĩnh',
  },
];

/** Confidential client of the provincial one-stop system (client credentials); dev realm secret. */
export const DEMO_PROVINCE_SYSTEM_CLIENT = {
  clientId: 'ansinh-province-system',
  clientSecret: 'ansinh-province-system-dev-secret',
  unitCode: '42',
  unitLevel: 'province',
  roles: ['integration'],
} as const;
