/**
 * Hà Tĩnh (GSO 42) as it stood before the 1 July 2025 reform, for demo data: the province, its
 * district-level units and a few communes of the two demo districts (GSO codes and names; facts only).
 */
export type DemoUnit = {
  code: string;
  name: string;
  fullName: string;
  level: 'province' | 'district' | 'commune';
  kind: string;
  parentCode: string | null;
};

const district = (code: string, name: string, kind: string): DemoUnit => ({
  code,
  name,
  fullName: `${kind} ${name}`,
  level: 'district',
  kind,
  parentCode: '42',
});
const commune = (code: string, name: string, kind: string, parentCode: string): DemoUnit => ({
  code,
  name,
  fullName: `${kind} ${name}`,
  level: 'commune',
  kind,
  parentCode,
});

export const DEMO_UNITS: readonly DemoUnit[] = [
  {
    code: '42',
    name: 'Hà Tĩnh',
    fullName: 'Tỉnh Hà Tĩnh',
    level: 'province',
    kind: 'Tỉnh',
    parentCode: null,
  },
  district('436', 'Hà Tĩnh', 'Thành phố'),
  district('437', 'Hồng Lĩnh', 'Thị xã'),
  district('439', 'Hương Sơn', 'Huyện'),
  district('440', 'Đức Thọ', 'Huyện'),
  district('441', 'Vũ Quang', 'Huyện'),
  district('442', 'Nghi Xuân', 'Huyện'),
  district('443', 'Can Lộc', 'Huyện'),
  district('444', 'Hương Khê', 'Huyện'),
  district('445', 'Thạch Hà', 'Huyện'),
  district('446', 'Cẩm Xuyên', 'Huyện'),
  district('447', 'Kỳ Anh', 'Huyện'),
  district('449', 'Kỳ Anh', 'Thị xã'),
  commune('18073', 'Nam Hà', 'Phường', '436'),
  commune('18077', 'Bắc Hà', 'Phường', '436'),
  commune('18079', 'Tân Giang', 'Phường', '436'),
  commune('18082', 'Đại Nài', 'Phường', '436'),
  commune('18229', 'Đức Thọ', 'Thị trấn', '440'),
  commune('18235', 'Quang Vĩnh', 'Xã', '440'),
  commune('18241', 'Tùng Châu', 'Xã', '440'),
];

/** Communes that get demo persons: the four communes with demo accounts. */
export const DEMO_COMMUNES = ['18073', '18077', '18229', '18235'] as const;
