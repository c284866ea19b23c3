/**
 * Demo accounts of the dev realm (infra/keycloak/realm-ansinh.json); realm.test.ts keeps the two in
 * step. Each account acts for one administrative unit of Hà Tĩnh as it stands today (two tiers since
 * 1 July 2025: the province and its communes), plus one former district that only reads its own
 * pre-reform records (see ../demo/demo-units.ts for the old communes behind each current one).
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
  /** What the account shows in the demo (`npm start` prints it). */
  shows: string;
};

export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'tinh.42',
    unitCode: '42',
    unitLevel: 'province',
    roles: ['approver', 'analyst', 'auditor', 'admin'],
    displayName: 'Sở Y tế Hà Tĩnh',
    shows: 'the whole province, every era; assigns the split 18082 Đại Nài',
  },
  // Current communes (since 1 July 2025 the commune chairman decides: each commune receives, approves and pays).
  {
    // A reused code: old 18073 Phường Nam Hà merged whole into the new 18073, with 18077 Bắc Hà and others,
    // and part of the split old 18082 Đại Nài.
    username: 'xa.18073',
    unitCode: '18073',
    unitLevel: 'commune',
    roles: ['officer', 'approver', 'payer'],
    displayName: 'Phường Thành Sen',
    shows: 'old 18073 Nam Hà, 18077 Bắc Hà… whole; part of split 18082',
  },
  {
    // The other part of the split old 18082 Đại Nài, and old 18652 Xã Tân Lâm Hương (a reused code).
    username: 'xa.18652',
    unitCode: '18652',
    unitLevel: 'commune',
    roles: ['officer', 'approver', 'payer'],
    displayName: 'Phường Hà Huy Tập',
    shows: 'old 18652 Tân Lâm Hương… whole; part of split 18082',
  },
  {
    // A reused code: old 18229 Thị trấn Đức Thọ merged whole into the new 18229, with three communes.
    username: 'xa.18229',
    unitCode: '18229',
    unitLevel: 'commune',
    roles: ['officer', 'approver', 'payer'],
    displayName: 'Xã Đức Thọ',
    shows: 'old 18229 Thị trấn Đức Thọ (same code, other land)…',
  },
  {
    // Took old 18235 Xã Quang Vĩnh (abolished), 18253 Yên Hồ and 18262 Bùi La Nhân.
    username: 'xa.18262',
    unitCode: '18262',
    unitLevel: 'commune',
    roles: ['officer', 'approver', 'payer'],
    displayName: 'Xã Đức Quang',
    shows: 'old 18235 Quang Vĩnh (abolished), 18262 Bùi La Nhân…',
  },
  // A former district (ended 30 June 2025): its account reads its own pre-reform records and writes nothing.
  {
    username: 'huyen.436',
    unitCode: '436',
    unitLevel: 'district',
    roles: ['analyst', 'auditor'],
    displayName: 'Thành phố Hà Tĩnh',
    shows: 'former district, ended 30/06/2025: reads its old records only',
  },
  // One role alone, so that what an analyst or an auditor reads can be tested without other roles on top.
  {
    username: 'phantich.42',
    unitCode: '42',
    unitLevel: 'province',
    roles: ['analyst'],
    displayName: 'Phân tích Hà Tĩnh',
    shows: 'the whole province, figures only (no names, no CCCD)',
  },
  {
    username: 'kiemtoan.42',
    unitCode: '42',
    unitLevel: 'province',
    roles: ['auditor'],
    displayName: 'Kiểm toán Hà Tĩnh',
    shows: 'the whole province, read-only audit',
  },
  // Separation of duties on payment lists: who approves a list never records its payments, and back.
  {
    username: 'ketoan.18073',
    unitCode: '18073',
    unitLevel: 'commune',
    roles: ['payer'],
    displayName: 'Kế toán Thành Sen',
    shows: 'pays Thành Sen: daily payment updates, channels, result files',
  },
  {
    username: 'pheduyet.18073',
    unitCode: '18073',
    unitLevel: 'commune',
    roles: ['approver'],
    displayName: 'Phê duyệt Thành Sen',
    shows: 'approves (locks) Thành Sen payment lists; pays nothing',
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
