import { addMonths, badInput, isMonth } from '@ansinh/common';
import { AGE_BANDS, UNKNOWN_AGE_BAND } from './age-band.rules.ts';

export const STATS_DIMENSIONS = [
  'unit',
  'program',
  'category',
  'gender',
  'ethnicity',
  'age_band',
  'month',
  'channel',
  'payment_status',
] as const;
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

/** Measures of the approvals ledger (`beneficiary_cells`). */
const LEDGER_MEASURES = ['beneficiaries', 'entitlements', 'amount_due', 'increases', 'decreases'] as const;
/** Measures of the payment lists (`payment_cells`). */
const PAYMENT_MEASURES = [
  'payment_lines',
  'payment_persons',
  'planned',
  'paid',
  'unpaid',
  'paid_late',
] as const;
export type StatsMeasure = (typeof LEDGER_MEASURES)[number] | (typeof PAYMENT_MEASURES)[number];

/** Sums over cells; a stock (persons at a time) is read in the last month unless months are a dimension. */
const MEASURE_SQL: Record<StatsMeasure, { column: string; stock?: boolean }> = {
  beneficiaries: { column: 'beneficiaries', stock: true },
  entitlements: { column: 'entitlements', stock: true },
  amount_due: { column: 'amount_due' },
  increases: { column: 'increases' },
  decreases: { column: 'decreases' },
  payment_lines: { column: 'lines' },
  payment_persons: { column: 'persons', stock: true },
  planned: { column: 'planned' },
  paid: { column: 'paid' },
  unpaid: { column: 'unpaid' },
  paid_late: { column: 'paid_late' },
};

export const PAYMENT_CHANNELS = ['cash', 'post', 'bank', 'e_wallet', 'mobile_money', 'vneid'] as const;
export const PAYMENT_STATUSES = ['pending', 'paid', 'unpaid', 'unreachable', 'returned', 'held'] as const;
const GENDERS = ['male', 'female', 'unknown'] as const;

export const MAX_DIMENSIONS = 4;
export const MAX_MONTHS = 36;
/** Groups answered at most; a finer breakdown is refused with a hint to narrow it. */
export const MAX_GROUPS = 5_000;

export type UnitLevel = 'province' | 'district' | 'commune';
export type UnitEra = 'recorded' | 'current';

export type StatsRequest = {
  groupBy: readonly StatsDimension[];
  measures: readonly StatsMeasure[];
  fromMonth: string;
  toMonth: string;
  unitLevel: UnitLevel;
  unitEra: UnitEra;
  programs?: readonly string[] | null | undefined;
  categories?: readonly string[] | null | undefined;
  genders?: readonly string[] | null | undefined;
  ethnicities?: readonly string[] | null | undefined;
  ageBands?: readonly string[] | null | undefined;
  channels?: readonly string[] | null | undefined;
  statuses?: readonly string[] | null | undefined;
};

const PAYMENT_DIMENSIONS: readonly StatsDimension[] = ['channel', 'payment_status'];

function listArgument(
  values: readonly string[] | null | undefined,
  field: string,
  max: number,
  allowed?: readonly string[],
  pattern: RegExp = /^[\p{L}\p{N}._-]{0,40}$/u,
): string[] | undefined {
  if (values === null || values === undefined) return undefined;
  if (values.length === 0 || values.length > max)
    throw badInput(`input.filter.${field}`, `Danh sách lọc "${field}" phải có từ 1 đến ${max} giá trị.`);
  for (const value of values) {
    if ((allowed && !allowed.includes(value)) || (!allowed && !pattern.test(value)))
      throw badInput(
        `input.filter.${field}`,
        `Giá trị "${value.slice(0, 40)}" không hợp lệ cho "${field}"${allowed ? `: chỉ nhận ${allowed.join(', ')}` : ''}.`,
      );
  }
  return [...new Set(values)];
}

/**
 * Checks a statistics request (bounds, months, which measures go with which dimensions) and answers it
 * normalised; every refusal is BAD_USER_INPUT on the field at fault, in Vietnamese.
 */
export function checkStatsRequest(request: StatsRequest, currentMonth: string): StatsRequest {
  const groupBy = [...new Set(request.groupBy)];
  if (groupBy.length > MAX_DIMENSIONS)
    throw badInput('input.groupBy', `Chỉ chia theo tối đa ${MAX_DIMENSIONS} tiêu chí cùng lúc.`);
  const measures = [...new Set(request.measures)];
  if (measures.length === 0) throw badInput('input.measures', 'Hãy chọn ít nhất một chỉ tiêu.');
  for (const [field, month] of [
    ['fromMonth', request.fromMonth],
    ['toMonth', request.toMonth],
  ] as const)
    if (!isMonth(month))
      throw badInput(`input.filter.${field}`, `Tháng "${month.slice(0, 20)}" không đúng dạng YYYY-MM.`);
  if (request.toMonth < request.fromMonth)
    throw badInput('input.filter.toMonth', 'Tháng cuối phải sau hoặc bằng tháng đầu.');
  if (request.toMonth > addMonths(currentMonth, 1))
    throw badInput('input.filter.toMonth', 'Chưa có số liệu cho tháng sau tháng tới.');
  if (addMonths(request.fromMonth, MAX_MONTHS - 1) < request.toMonth)
    throw badInput('input.filter.toMonth', `Mỗi lần thống kê tối đa ${MAX_MONTHS} tháng.`);
  if (request.unitLevel === 'district' && request.unitEra === 'current')
    throw badInput(
      'input.unitLevel',
      'Từ 01/07/2025 không còn cấp huyện: chia theo huyện chỉ dùng với đơn vị như đã ghi nhận (RECORDED).',
    );
  const channels = listArgument(request.channels, 'channels', PAYMENT_CHANNELS.length, PAYMENT_CHANNELS);
  const statuses = listArgument(request.statuses, 'statuses', PAYMENT_STATUSES.length, PAYMENT_STATUSES);
  const byPayment = groupBy.some((d) => PAYMENT_DIMENSIONS.includes(d)) || channels || statuses;
  const ledger = measures.filter((m) => (LEDGER_MEASURES as readonly string[]).includes(m));
  if (byPayment && ledger.length > 0)
    throw badInput(
      'input.measures',
      `Các chỉ tiêu ${ledger.join(', ')} tính theo sổ chế độ, không chia hay lọc theo kênh hoặc trạng thái chi trả.`,
    );
  return {
    ...request,
    groupBy,
    measures,
    programs: listArgument(request.programs, 'programs', 20),
    categories: listArgument(request.categories, 'categories', 50),
    genders: listArgument(request.genders, 'genders', GENDERS.length, GENDERS),
    ethnicities: listArgument(request.ethnicities, 'ethnicities', 60, undefined, /^[0-9]{0,2}$/),
    ageBands: listArgument(request.ageBands, 'ageBands', AGE_BANDS.length + 1, [
      ...AGE_BANDS,
      UNKNOWN_AGE_BAND,
    ]),
    channels,
    statuses,
  };
}

/** Group key of each dimension over a cell `c` and its unit mapping `m`, as text (null-free, for the join). */
const KEY_SQL: Record<StatsDimension, string> = {
  unit: `coalesce(m.group_id::text, '')`,
  program: 'c.program_id',
  category: 'c.category_id::text',
  gender: 'c.gender',
  ethnicity: 'c.ethnicity_code',
  age_band: 'c.age_band',
  month: 'c.month::text',
  channel: 'c.channel',
  payment_status: 'c.status',
};

/**
 * SQL: the unit each recorded unit of `units` is counted under, at a level and in an era (today's units
 * from `today_units`).
 */
function unitMappingSql(level: UnitLevel, era: UnitEra): string {
  const depth = level === 'province' ? 1 : 2;
  const recorded =
    level === 'commune'
      ? 'u.id'
      : `(select a.id from registry.v_units a where a.path = subpath(u.path, 0, ${depth}) and nlevel(u.path) > ${depth})`;
  const recordedUnits = `select u.id, u.path from registry.v_units u where u.id in (select unit_id from units)`;
  if (era === 'recorded') return `select u.id as unit_id, ${recorded} as group_id from (${recordedUnits}) u`;
  // Today's units at the level, once: the lineage of every unit is computed by the view.
  return `select u.id as unit_id, coalesce(
      (select t.id from today_units t where u.path <@ t.scope_paths order by nlevel(t.path) desc limit 1),
      ${recorded}) as group_id
    from (${recordedUnits}) u`;
}

function todayUnitsSql(level: UnitLevel, scope: string): string {
  // A province's lineage reaches above the caller's subtree only through its own scope paths.
  return `select t.id, t.path, t.scope_paths from registry.v_units t
     where t.level = '${level}' and (t.valid_to is null or t.valid_to >= (now() at time zone 'Asia/Ho_Chi_Minh')::date)
       and (t.path <@ any(${scope}::ltree[]) or t.path @> any(${scope}::ltree[]))`;
}

export type StatsSql = { text: string; values: unknown[] };

/**
 * One statement answering a checked request over the cells of the units under `scopePaths`: the ledger's
 * and the payment lists' cells grouped by the same keys and joined on them. Without the right to read
 * confidential categories their cells are left out entirely (of the totals too), so that no figure of
 * such a category can be derived by subtraction.
 */
export function statsSql(
  request: StatsRequest,
  scopePaths: readonly string[],
  options: { includeConfidential: boolean; limit: number },
): StatsSql {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const scope = param(scopePaths);
  const fromMonth = param(request.fromMonth);
  const toMonth = param(request.toMonth);
  const conditions = [
    `c.month between ${fromMonth} and ${toMonth}`,
    `c.unit_id in (select id from scope_units)`,
  ];
  if (!options.includeConfidential) conditions.push('not c.confidential');
  if (request.programs) conditions.push(`c.program_id = any(${param(request.programs)}::text[])`);
  if (request.categories)
    conditions.push(
      `c.category_id in (select k.id from approvals.categories k where k.code = any(${param(request.categories)}::text[]))`,
    );
  if (request.genders) conditions.push(`c.gender = any(${param(request.genders)}::text[])`);
  if (request.ethnicities) conditions.push(`c.ethnicity_code = any(${param(request.ethnicities)}::text[])`);
  if (request.ageBands) conditions.push(`c.age_band = any(${param(request.ageBands)}::text[])`);
  const paymentConditions = [...conditions];
  if (request.channels) paymentConditions.push(`c.channel = any(${param(request.channels)}::text[])`);
  if (request.statuses) paymentConditions.push(`c.status = any(${param(request.statuses)}::text[])`);

  const keys = request.groupBy.map((dimension) => ({
    dimension,
    sql: KEY_SQL[dimension],
    name: `k_${dimension}`,
  }));
  const byMonth = request.groupBy.includes('month');
  const measuresOf = (source: readonly StatsMeasure[]) =>
    request.measures
      .filter((measure) => source.includes(measure))
      .map((measure) => {
        const { column, stock } = MEASURE_SQL[measure];
        const sum =
          stock && !byMonth ? `sum(c.${column}) filter (where c.month = ${toMonth})` : `sum(c.${column})`;
        return `coalesce(${sum}, 0)::bigint as ${measure}`;
      });
  const withUnits = request.groupBy.includes('unit');
  const source = (table: string, measures: string[], where: string[]) =>
    `select ${[...keys.map((key) => `${key.sql} as ${key.name}`), ...measures].join(', ')}
       from reporting.${table} c ${withUnits ? 'join unit_map m on m.unit_id = c.unit_id' : ''}
      where ${where.join(' and ')}
      ${keys.length > 0 ? `group by ${keys.map((_, i) => i + 1).join(', ')}` : ''}`;

  const ledger = measuresOf(LEDGER_MEASURES);
  const payment = measuresOf(PAYMENT_MEASURES);
  const parts: string[] = [];
  if (ledger.length > 0) parts.push(`b as (${source('beneficiary_cells', ledger, conditions)})`);
  if (payment.length > 0) parts.push(`p as (${source('payment_cells', payment, paymentConditions)})`);
  const names = keys.map((key) => key.name);
  const from =
    parts.length === 2
      ? names.length > 0
        ? `b full join p using (${names.join(', ')})`
        : 'b cross join p'
      : ledger.length > 0
        ? 'b'
        : 'p';
  const prelude = [
    `scope_units as materialized (select id from registry.v_units where path <@ any(${scope}::ltree[]))`,
    ...(withUnits
      ? [
          `units as (select distinct unit_id from reporting.beneficiary_cells c where ${conditions.slice(0, 2).join(' and ')}
             union select distinct unit_id from reporting.payment_cells c where ${conditions.slice(0, 2).join(' and ')})`,
          ...(request.unitEra === 'current'
            ? [`today_units as materialized (${todayUnitsSql(request.unitLevel, scope)})`]
            : []),
          `unit_map as materialized (${unitMappingSql(request.unitLevel, request.unitEra)})`,
        ]
      : []),
  ];
  const measureColumns = request.measures.map((measure) => `coalesce(${measure}, 0)::bigint as ${measure}`);
  const text = `with ${[...prelude, ...parts].join(',\n')}
    select ${[...names, ...measureColumns].join(', ')} from ${from}
    ${names.length > 0 ? `order by ${names.join(', ')}` : ''} limit ${param(options.limit)}`;
  return { text, values };
}
