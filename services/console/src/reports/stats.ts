import {
  formatCount,
  formatMonth,
  formatVnd,
  GENDER,
  label,
  PAYMENT_CHANNEL,
  PAYMENT_STATUS,
} from '../format.ts';
import type {
  StatsDimension,
  StatsInput,
  StatsMeasure,
  StatsUnitEra,
  StatsUnitLevel,
} from '../generated/graphql.ts';

export const DIMENSION_LABEL: Record<StatsDimension, string> = {
  UNIT: 'Đơn vị',
  PROGRAM: 'Chương trình',
  CATEGORY: 'Chế độ (nhóm đối tượng)',
  GENDER: 'Giới tính',
  ETHNICITY: 'Dân tộc',
  AGE_BAND: 'Nhóm tuổi',
  MONTH: 'Tháng',
  CHANNEL: 'Kênh chi trả',
  PAYMENT_STATUS: 'Trạng thái chi trả',
};
export const DIMENSIONS = Object.keys(DIMENSION_LABEL) as StatsDimension[];

/** In the order the form lists them, which is also the order of the table's columns. */
export const MEASURE_LABEL: Record<StatsMeasure, string> = {
  BENEFICIARIES: 'Đối tượng hưởng',
  ENTITLEMENTS: 'Số chế độ',
  AMOUNT_DUE: 'Kinh phí phải trả',
  INCREASES: 'Biến động tăng',
  DECREASES: 'Biến động giảm',
  PAYMENT_LINES: 'Dòng chi trả',
  PAYMENT_PERSONS: 'Người trong danh sách chi trả',
  PLANNED: 'Kế hoạch chi',
  PAID: 'Đã chi trả',
  UNPAID: 'Chưa chi trả',
  PAID_LATE: 'Chi trả trễ (dòng)',
};
export const MEASURES = Object.keys(MEASURE_LABEL) as StatsMeasure[];

const MONEY_MEASURES: ReadonlySet<StatsMeasure> = new Set(['AMOUNT_DUE', 'PLANNED', 'PAID', 'UNPAID']);

export const UNIT_LEVEL_LABEL: Record<StatsUnitLevel, string> = {
  PROVINCE: 'Tỉnh',
  DISTRICT: 'Huyện (trước 01/07/2025)',
  COMMUNE: 'Xã, phường',
};
const UNIT_LEVELS = Object.keys(UNIT_LEVEL_LABEL) as StatsUnitLevel[];

export const UNIT_ERA_LABEL: Record<StatsUnitEra, string> = {
  CURRENT: 'Theo đơn vị hiện nay',
  RECORDED: 'Như khi ghi nhận',
};
const UNIT_ERAS = Object.keys(UNIT_ERA_LABEL) as StatsUnitEra[];

const MEASURE_FIELD = {
  BENEFICIARIES: 'beneficiaries',
  ENTITLEMENTS: 'entitlements',
  AMOUNT_DUE: 'amountDue',
  INCREASES: 'increases',
  DECREASES: 'decreases',
  PAYMENT_LINES: 'paymentLines',
  PAYMENT_PERSONS: 'paymentPersons',
  PLANNED: 'planned',
  PAID: 'paid',
  UNPAID: 'unpaid',
  PAID_LATE: 'paidLate',
} as const satisfies Record<StatsMeasure, string>;

/** A row's figures: only the measures asked for are there. */
export type StatsFigures = { [field in (typeof MEASURE_FIELD)[StatsMeasure]]?: number | null };

/** A row's group: only the dimensions asked for are there. */
export type StatsGroup = {
  unitCode?: string | null;
  unitName?: string | null;
  program?: string | null;
  category?: string | null;
  categoryName?: string | null;
  gender?: string | null;
  ethnicity?: string | null;
  ageBand?: string | null;
  month?: string | null;
  channel?: string | null;
  paymentStatus?: string | null;
};

/** Names of the codes the graph answers by id: programmes and ethnicities. */
export type StatsLookups = {
  programs: ReadonlyMap<string, string>;
  ethnicities: ReadonlyMap<string, string>;
};

export type StatsForm = {
  unitCode: string;
  fromMonth: string;
  toMonth: string;
  groupBy: StatsDimension;
  /** A second dimension; empty for none. */
  thenBy: StatsDimension | '';
  unitLevel: StatsUnitLevel;
  unitEra: StatsUnitEra;
  measures: StatsMeasure[];
  /** Empty for every programme. */
  programId: string;
};

export const defaultStatsForm = (unitCode: string, month: string): StatsForm => ({
  unitCode,
  fromMonth: month,
  toMonth: month,
  groupBy: 'UNIT',
  thenBy: '',
  unitLevel: 'COMMUNE',
  unitEra: 'CURRENT',
  measures: ['BENEFICIARIES', 'AMOUNT_DUE'],
  programId: '',
});

export const statsDimensions = (form: StatsForm): StatsDimension[] =>
  form.thenBy && form.thenBy !== form.groupBy ? [form.groupBy, form.thenBy] : [form.groupBy];

/** The measures chosen, in the form's order whatever order they were ticked in: the first one is charted. */
export const statsMeasures = (form: Pick<StatsForm, 'measures'>): StatsMeasure[] =>
  MEASURES.filter((measure) => form.measures.includes(measure));

export const withMeasure = (measures: readonly StatsMeasure[], measure: StatsMeasure, chosen: boolean) =>
  statsMeasures({ measures: chosen ? [...measures, measure] : measures.filter((each) => each !== measure) });

export function statsInput(form: StatsForm): StatsInput {
  const groupBy = statsDimensions(form);
  const byUnit = groupBy.includes('UNIT');
  return {
    groupBy,
    measures: statsMeasures(form),
    filter: {
      unitCode: form.unitCode.trim() || null,
      fromMonth: form.fromMonth,
      toMonth: form.toMonth || null,
      programs: form.programId ? [form.programId] : null,
    },
    unitLevel: byUnit ? form.unitLevel : null,
    unitEra: byUnit ? form.unitEra : null,
  };
}

const PARAM = {
  unitCode: 'don-vi',
  fromMonth: 'tu-thang',
  toMonth: 'den-thang',
  groupBy: 'chia-theo',
  unitLevel: 'cap',
  unitEra: 'don-vi-theo',
  measures: 'chi-tieu',
  programId: 'chuong-trinh',
} as const;

/** The statistic asked for, as the address keeps it. */
export function statsParams(form: StatsForm): Record<string, string> {
  const byUnit = statsDimensions(form).includes('UNIT');
  return {
    [PARAM.unitCode]: form.unitCode.trim(),
    [PARAM.fromMonth]: form.fromMonth,
    [PARAM.toMonth]: form.toMonth,
    [PARAM.groupBy]: statsDimensions(form).join(','),
    [PARAM.unitLevel]: byUnit ? form.unitLevel : '',
    [PARAM.unitEra]: byUnit ? form.unitEra : '',
    [PARAM.measures]: statsMeasures(form).join(','),
    [PARAM.programId]: form.programId,
  };
}

const codesOf = <T extends string>(value: string | null, known: readonly T[]): T[] =>
  (value ?? '').split(',').filter((code): code is T => (known as readonly string[]).includes(code));

/** The statistic an address asks for; null before one was asked (the address has no first month). */
export function statsFormOfParams(params: URLSearchParams): StatsForm | null {
  const fromMonth = params.get(PARAM.fromMonth);
  if (!fromMonth) return null;
  const [groupBy = 'UNIT', thenBy = ''] = codesOf(params.get(PARAM.groupBy), DIMENSIONS);
  const measures = codesOf(params.get(PARAM.measures), MEASURES);
  return {
    unitCode: params.get(PARAM.unitCode) ?? '',
    fromMonth,
    toMonth: params.get(PARAM.toMonth) ?? '',
    groupBy,
    thenBy,
    unitLevel: codesOf(params.get(PARAM.unitLevel), UNIT_LEVELS)[0] ?? 'COMMUNE',
    unitEra: codesOf(params.get(PARAM.unitEra), UNIT_ERAS)[0] ?? 'CURRENT',
    measures: measures.length ? measures : ['BENEFICIARIES'],
    programId: params.get(PARAM.programId) ?? '',
  };
}

export const measureValue = (row: StatsFigures, measure: StatsMeasure): number | null =>
  row[MEASURE_FIELD[measure]] ?? null;

export const formatMeasure = (measure: StatsMeasure, value: number | null): string =>
  value === null ? '—' : MONEY_MEASURES.has(measure) ? formatVnd(value) : formatCount(value);

/** `0-3` → `0–3 tuổi`, `80+` → `từ 80 tuổi`. */
function ageBandLabel(band: string): string {
  if (band === 'unknown') return 'Chưa rõ tuổi';
  if (band.endsWith('+')) return `Từ ${band.slice(0, -1)} tuổi`;
  return `${band.replace('-', '–')} tuổi`;
}

const NOT_KNOWN = 'Không xác định';

/** What a row is for in one dimension, in officials' words. */
export function dimensionValue(row: StatsGroup, dimension: StatsDimension, lookups: StatsLookups): string {
  switch (dimension) {
    case 'UNIT':
      return row.unitName ? `${row.unitName} (${row.unitCode})` : (row.unitCode ?? NOT_KNOWN);
    case 'PROGRAM':
      return row.program ? (lookups.programs.get(row.program) ?? row.program) : NOT_KNOWN;
    case 'CATEGORY':
      if (!row.categoryName) return row.category ?? NOT_KNOWN;
      return row.category ? `${row.category} ${row.categoryName}` : row.categoryName;
    case 'GENDER':
      return row.gender ? label(GENDER, row.gender) : NOT_KNOWN;
    case 'ETHNICITY':
      if (row.ethnicity == null) return NOT_KNOWN;
      return row.ethnicity === ''
        ? 'Chưa ghi nhận'
        : (lookups.ethnicities.get(row.ethnicity) ?? row.ethnicity);
    case 'AGE_BAND':
      return row.ageBand ? ageBandLabel(row.ageBand) : NOT_KNOWN;
    case 'MONTH':
      return row.month ? formatMonth(row.month) : NOT_KNOWN;
    case 'CHANNEL':
      // Rows name channels and statuses in lower case (`e_wallet`); the console's labels in upper case.
      return row.channel ? label(PAYMENT_CHANNEL, row.channel.toUpperCase()) : NOT_KNOWN;
    case 'PAYMENT_STATUS':
      return row.paymentStatus ? label(PAYMENT_STATUS, row.paymentStatus.toUpperCase()) : NOT_KNOWN;
  }
}

/** A row's label in the chart: its values in every dimension. */
export const groupLabel = (row: StatsGroup, dimensions: readonly StatsDimension[], lookups: StatsLookups) =>
  dimensions.map((dimension) => dimensionValue(row, dimension, lookups)).join(' · ');
