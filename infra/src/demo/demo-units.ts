/**
 * The units of the demo, as facts of the national lists (`units-before-2025-07-01.csv`,
 * `units-from-2025-07-01.csv` and `merges-2025-07-01.json`; see the NOTICE beside the lists). The
 * units themselves come from the national load (`loadNationalUnits`); this module only names the
 * old communes of Hà Tĩnh (42) that get demo persons with pre-reform records, and where the reform
 * of 1 July 2025 sent them, so that tests and `npm start` can say what each demo account shows.
 */
export type DemoOldCommune = {
  /** GSO code until 30 June 2025 (some are reused by a new commune of other territory). */
  code: string;
  fullName: string;
  /** The district it lay in (districts ended on 30 June 2025). */
  districtCode: string;
  /** The new communes it went to on 1 July 2025: one (merged whole) or several (split). */
  successorCodes: readonly string[];
};

/** The current communes (from 1 July 2025) that received the demo persons. */
export type DemoCurrentCommune = { code: string; fullName: string };

export const DEMO_PROVINCE = { code: '42', fullName: 'Tỉnh Hà Tĩnh' } as const;

/** Districts of the demo communes, which ended on 30 June 2025. */
export const DEMO_FORMER_DISTRICTS = [
  { code: '436', fullName: 'Thành phố Hà Tĩnh' },
  { code: '437', fullName: 'Thị xã Hồng Lĩnh' },
  { code: '440', fullName: 'Huyện Đức Thọ' },
] as const;

export const DEMO_OLD_COMMUNES: readonly DemoOldCommune[] = [
  // Thành phố Hà Tĩnh (436)
  { code: '18073', fullName: 'Phường Nam Hà', districtCode: '436', successorCodes: ['18073'] },
  { code: '18077', fullName: 'Phường Bắc Hà', districtCode: '436', successorCodes: ['18073'] },
  // Split: part to Phường Thành Sen, part to Phường Hà Huy Tập; its people wait in the review queue.
  { code: '18082', fullName: 'Phường Đại Nài', districtCode: '436', successorCodes: ['18073', '18652'] },
  { code: '18652', fullName: 'Xã Tân Lâm Hương', districtCode: '436', successorCodes: ['18652'] },
  // Thị xã Hồng Lĩnh (437)
  { code: '18115', fullName: 'Phường Bắc Hồng', districtCode: '437', successorCodes: ['18115'] },
  // Huyện Đức Thọ (440)
  { code: '18229', fullName: 'Thị trấn Đức Thọ', districtCode: '440', successorCodes: ['18229'] },
  { code: '18235', fullName: 'Xã Quang Vĩnh', districtCode: '440', successorCodes: ['18262'] },
];

export const DEMO_CURRENT_COMMUNES: readonly DemoCurrentCommune[] = [
  { code: '18073', fullName: 'Phường Thành Sen' },
  { code: '18652', fullName: 'Phường Hà Huy Tập' },
  { code: '18115', fullName: 'Phường Bắc Hồng Lĩnh' },
  { code: '18229', fullName: 'Xã Đức Thọ' },
  { code: '18262', fullName: 'Xã Đức Quang' },
];

/** Old communes (before 1 July 2025) that get demo persons. */
export const DEMO_COMMUNES: readonly string[] = DEMO_OLD_COMMUNES.map((commune) => commune.code);

/** The old commune split across several new ones (its people sit in the reform review queue). */
export const DEMO_SPLIT_COMMUNE = '18082';

/** The reform the demo carries its persons across. */
export const DEMO_REFORM_DATE = '2025-07-01';
