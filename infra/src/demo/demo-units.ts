/**
 * Hà Tĩnh (GSO 42) as it stood before the 1 July 2025 reform, for demo data: the province, its
 * district-level units and every commune of three districts (436 Thành phố Hà Tĩnh, 437 Thị xã Hồng
 * Lĩnh, 440 Huyện Đức Thọ), with the GSO codes, names and kinds of the national list
 * (`units-before-2025-07-01.csv`, see ../shared/data/admin-units/README.md; facts only).
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
  // Thành phố Hà Tĩnh: all 27 communes
  commune('18073', 'Nam Hà', 'Phường', '436'),
  commune('18077', 'Bắc Hà', 'Phường', '436'),
  commune('18079', 'Tân Giang', 'Phường', '436'),
  commune('18082', 'Đại Nài', 'Phường', '436'),
  commune('18085', 'Hà Huy Tập', 'Phường', '436'),
  commune('18088', 'Thạch Trung', 'Phường', '436'),
  commune('18091', 'Thạch Quý', 'Phường', '436'),
  commune('18094', 'Trần Phú', 'Phường', '436'),
  commune('18097', 'Văn Yên', 'Phường', '436'),
  commune('18100', 'Thạch Hạ', 'Phường', '436'),
  commune('18103', 'Đồng Môn', 'Phường', '436'),
  commune('18109', 'Thạch Hưng', 'Phường', '436'),
  commune('18112', 'Thạch Bình', 'Xã', '436'),
  commune('18571', 'Thạch Hải', 'Xã', '436'),
  commune('18595', 'Đỉnh Bàn', 'Xã', '436'),
  commune('18598', 'Hộ Độ', 'Xã', '436'),
  commune('18604', 'Thạch Khê', 'Xã', '436'),
  commune('18619', 'Thạch Trị', 'Xã', '436'),
  commune('18622', 'Thạch Lạc', 'Xã', '436'),
  commune('18628', 'Tượng Sơn', 'Xã', '436'),
  commune('18631', 'Thạch Văn', 'Xã', '436'),
  commune('18637', 'Thạch Thắng', 'Xã', '436'),
  commune('18643', 'Thạch Đài', 'Xã', '436'),
  commune('18649', 'Thạch Hội', 'Xã', '436'),
  commune('18652', 'Tân Lâm Hương', 'Xã', '436'),
  commune('18685', 'Cẩm Bình', 'Xã', '436'),
  commune('18691', 'Cẩm Vịnh', 'Xã', '436'),
  // Thị xã Hồng Lĩnh: all 6 communes
  commune('18115', 'Bắc Hồng', 'Phường', '437'),
  commune('18118', 'Nam Hồng', 'Phường', '437'),
  commune('18121', 'Trung Lương', 'Phường', '437'),
  commune('18124', 'Đức Thuận', 'Phường', '437'),
  commune('18127', 'Đậu Liêu', 'Phường', '437'),
  commune('18130', 'Thuận Lộc', 'Xã', '437'),
  // Huyện Đức Thọ: all 16 communes
  commune('18229', 'Đức Thọ', 'Thị trấn', '440'),
  commune('18235', 'Quang Vĩnh', 'Xã', '440'),
  commune('18241', 'Tùng Châu', 'Xã', '440'),
  commune('18244', 'Trường Sơn', 'Xã', '440'),
  commune('18247', 'Liên Minh', 'Xã', '440'),
  commune('18253', 'Yên Hồ', 'Xã', '440'),
  commune('18259', 'Tùng Ảnh', 'Xã', '440'),
  commune('18262', 'Bùi La Nhân', 'Xã', '440'),
  commune('18274', 'Thanh Bình Thịnh', 'Xã', '440'),
  commune('18277', 'Lâm Trung Thủy', 'Xã', '440'),
  commune('18280', 'Hòa Lạc', 'Xã', '440'),
  commune('18283', 'Tân Dân', 'Xã', '440'),
  commune('18298', 'An Dũng', 'Xã', '440'),
  commune('18304', 'Đức Đồng', 'Xã', '440'),
  commune('18307', 'Đức Lạng', 'Xã', '440'),
  commune('18310', 'Tân Hương', 'Xã', '440'),
];

/** Communes that get demo persons: the four communes with demo accounts. */
export const DEMO_COMMUNES = ['18073', '18077', '18229', '18235'] as const;
