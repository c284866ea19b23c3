/**
 * Demo accounts of the dev realm (infra/keycloak/realm-ansinh.json); realm.test.ts keeps the two in
 * step. Each account acts for one administrative unit of Hà Tĩnh as it stands today (two tiers since
 * 1 July 2025: the province and its communes), plus one former district that only reads its own
 * pre-reform records (see ../demo/demo-units.ts for the old communes behind each current one), and
 * the ministry, which acts for no unit. Local demo only: the password and the secrets are public.
 */
export const DEMO_PASSWORD = 'Ansinh@2026';

/** `national`: the ministry (Bộ Y tế), unit code `00`, which holds no administrative unit. */
export type DemoUnitLevel = 'province' | 'district' | 'commune' | 'national';

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
  // The ministry checks every province's sync with its one-stop system; it reads no unit's records.
  {
    username: 'boyte',
    unitCode: '00',
    unitLevel: 'national',
    roles: ['ministry'],
    // Keycloak's person-name check refuses brackets in first and last names: a dash instead.
    displayName: 'Bộ Y tế – Cục Bảo trợ xã hội',
    shows: "every province's sync mode and connection status; no unit's records",
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

/**
 * The 34 provinces in force since 1 July 2025 (services/registry/data/admin-units/units-from-2025-07-01.csv;
 * realm.test.ts checks them against it): each has a sync client in the dev realm.
 */
export const DEMO_SYNC_PROVINCES = [
  { code: '01', fullName: 'Thành phố Hà Nội' },
  { code: '04', fullName: 'Tỉnh Cao Bằng' },
  { code: '08', fullName: 'Tỉnh Tuyên Quang' },
  { code: '11', fullName: 'Tỉnh Điện Biên' },
  { code: '12', fullName: 'Tỉnh Lai Châu' },
  { code: '14', fullName: 'Tỉnh Sơn La' },
  { code: '15', fullName: 'Tỉnh Lào Cai' },
  { code: '19', fullName: 'Tỉnh Thái Nguyên' },
  { code: '20', fullName: 'Tỉnh Lạng Sơn' },
  { code: '22', fullName: 'Tỉnh Quảng Ninh' },
  { code: '24', fullName: 'Tỉnh Bắc Ninh' },
  { code: '25', fullName: 'Tỉnh Phú Thọ' },
  { code: '31', fullName: 'Thành phố Hải Phòng' },
  { code: '33', fullName: 'Tỉnh Hưng Yên' },
  { code: '37', fullName: 'Tỉnh Ninh Bình' },
  { code: '38', fullName: 'Tỉnh Thanh Hóa' },
  { code: '40', fullName: 'Tỉnh Nghệ An' },
  { code: '42', fullName: 'Tỉnh Hà Tĩnh' },
  { code: '44', fullName: 'Tỉnh Quảng Trị' },
  { code: '46', fullName: 'Thành phố Huế' },
  { code: '48', fullName: 'Thành phố Đà Nẵng' },
  { code: '51', fullName: 'Tỉnh Quảng Ngãi' },
  { code: '52', fullName: 'Tỉnh Gia Lai' },
  { code: '56', fullName: 'Tỉnh Khánh Hòa' },
  { code: '66', fullName: 'Tỉnh Đắk Lắk' },
  { code: '68', fullName: 'Tỉnh Lâm Đồng' },
  { code: '75', fullName: 'Tỉnh Đồng Nai' },
  { code: '79', fullName: 'Thành phố Hồ Chí Minh' },
  { code: '80', fullName: 'Tỉnh Tây Ninh' },
  { code: '82', fullName: 'Tỉnh Đồng Tháp' },
  { code: '86', fullName: 'Tỉnh Vĩnh Long' },
  { code: '91', fullName: 'Tỉnh An Giang' },
  { code: '92', fullName: 'Thành phố Cần Thơ' },
  { code: '96', fullName: 'Tỉnh Cà Mau' },
] as const;

/** A province's sync client in the dev realm: its one-stop system's service account (client credentials). */
export type DemoSyncClient = {
  provinceCode: string;
  provinceName: string;
  clientId: string;
  clientSecret: string;
  unitCode: string;
  unitLevel: 'province';
  roles: readonly ['integration'];
};

/** The client id of a province's sync client: `ansinh-sync-<code>` (also the `source` of its dossiers). */
export const syncClientId = (provinceCode: string): string => `ansinh-sync-${provinceCode}`;

/** Its dev realm secret (public, local demo only; a real realm generates one). */
export const syncClientSecret = (provinceCode: string): string => `ansinh-sync-${provinceCode}-dev-secret`;

export const DEMO_SYNC_CLIENTS: readonly DemoSyncClient[] = DEMO_SYNC_PROVINCES.map((province) => ({
  provinceCode: province.code,
  provinceName: province.fullName,
  clientId: syncClientId(province.code),
  clientSecret: syncClientSecret(province.code),
  unitCode: province.code,
  unitLevel: 'province',
  roles: ['integration'],
}));

/** The sync client of a province by its code; throws for a code that is no province of today. */
export function demoSyncClient(provinceCode: string): DemoSyncClient {
  const found = DEMO_SYNC_CLIENTS.find((client) => client.provinceCode === provinceCode);
  if (!found)
    throw new Error(`no sync client for "${provinceCode}": not one of the 34 provinces since 1 July 2025`);
  return found;
}
