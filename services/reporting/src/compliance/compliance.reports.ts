import { displayDate, type ReportColumn, type ReportRow } from '@ansinh/common';
import type { ReportDefinition } from '../exports/report-definition.ts';
import { displayPeriod, reportSubtitle } from '../regulation-reports/report-heading.rules.ts';
import { reportUnit } from '../regulation-reports/report-unit.repository.ts';
import {
  dayRangeArguments,
  monthRangeArguments,
  refuseOtherArguments,
} from './compliance-arguments.rules.ts';
import { DAILY_UPDATE_ISSUE_LABELS, unitLabel, vietnamDateTime } from './compliance-display.rules.ts';
import { dataCompleteness, type DataCompletenessRow } from './data-completeness.repository.ts';
import {
  COMPLETENESS_FIELDS,
  COMPLETENESS_LABELS,
  completenessGroupingOption,
  vietnamesePercent,
} from './data-completeness.rules.ts';
import { streamLateDailyUpdateRows } from './late-daily-updates.repository.ts';
import { missingPaymentLists } from './missing-payment-lists.repository.ts';

/** Field names of `exportReport`'s input, as its refusals name them. */
const INPUT = 'input.';

/**
 * The ministry's table of units without payment lists: STT, Tỉnh, Đơn vị, Các tháng chưa lập danh sách
 * chi trả (rendered as the ministry writes months: `12/2023 -> 2/2024 & 4/2024`, `> 5 tháng`).
 */
export const missingPaymentListsReport: ReportDefinition = {
  name: 'missing-payment-lists',
  action: 'report:read',
  check(args) {
    refuseOtherArguments(args, ['fromMonth', 'toMonth'], 'missing-payment-lists', INPUT);
    const range = monthRangeArguments(args.fromMonth, args.toMonth, INPUT);
    return { unitCode: args.unitCode, fromMonth: range.fromMonth, toMonth: range.toMonth };
  },
  async table(client, args) {
    const range = monthRangeArguments(args.fromMonth, args.toMonth, INPUT);
    const unit = await reportUnit(client, { code: args.unitCode });
    const report = await missingPaymentLists(client, unit, range);
    return {
      title: 'Danh sách đơn vị chưa lập danh sách chi trả trợ cấp xã hội hằng tháng',
      subtitle: `${reportSubtitle(unit, displayPeriod(range.fromMonth, range.toMonth))} · Số đơn vị rà soát: ${report.unitsChecked.toLocaleString('vi-VN')}`,
      columns: [
        { key: 'index', header: 'STT', kind: 'integer', width: 6 },
        { key: 'province', header: 'Tỉnh', kind: 'text', width: 18 },
        { key: 'unit', header: 'Đơn vị', kind: 'text', width: 40 },
        { key: 'months', header: 'Các tháng chưa lập danh sách chi trả', kind: 'text', width: 40 },
      ],
      rows: report.rows.map((row, index) => ({
        index: index + 1,
        province: row.province.name,
        unit: unitLabel(row.unit),
        months: row.rendered,
      })),
    };
  },
};

/** Missing and late daily payment updates, one row per commune and working day, streamed with a cursor. */
export const lateDailyUpdatesReport: ReportDefinition = {
  name: 'late-daily-updates',
  action: 'report:read',
  check(args) {
    refuseOtherArguments(args, ['fromDate', 'toDate'], 'late-daily-updates', INPUT);
    const range = dayRangeArguments(args.fromDate, args.toDate, INPUT);
    return { unitCode: args.unitCode, fromDate: range.fromDate, toDate: range.toDate };
  },
  async table(client, args, signal) {
    const range = dayRangeArguments(args.fromDate, args.toDate, INPUT);
    const unit = await reportUnit(client, { code: args.unitCode });
    async function* rows(): AsyncGenerator<ReportRow> {
      let index = 0;
      for await (const row of streamLateDailyUpdateRows(client, unit, range, signal)) {
        index += 1;
        yield {
          index,
          unit: unitLabel(row.unit),
          date: row.date,
          status: DAILY_UPDATE_ISSUE_LABELS[row.status],
          updates: row.updates,
          lateUpdates: row.lateUpdates,
          lastRecordedAt: vietnamDateTime(row.lastRecordedAt),
        };
      }
    }
    return {
      title: 'Tình hình cập nhật chi trả hằng ngày: đơn vị chưa cập nhật hoặc cập nhật sau 17:30',
      subtitle: reportSubtitle(unit, `${displayDate(range.fromDate)} – ${displayDate(range.toDate)}`),
      columns: [
        { key: 'index', header: 'STT', kind: 'integer', width: 6 },
        { key: 'unit', header: 'Đơn vị', kind: 'text', width: 40 },
        { key: 'date', header: 'Ngày', kind: 'date', width: 12 },
        { key: 'status', header: 'Tình trạng', kind: 'text', width: 20 },
        { key: 'updates', header: 'Số lượt cập nhật', kind: 'integer', total: true },
        { key: 'lateUpdates', header: 'Số lượt sau 17:30', kind: 'integer', total: true },
        { key: 'lastRecordedAt', header: 'Lần ghi nhận cuối', kind: 'text', width: 18 },
      ],
      rows: rows(),
      totalsLabel: 'Tổng cộng',
    };
  },
};

const completenessColumns: ReportColumn[] = [
  { key: 'index', header: 'STT', kind: 'integer', width: 6 },
  { key: 'unit', header: 'Đơn vị', kind: 'text', width: 40 },
  { key: 'persons', header: 'Số người (còn sống)', kind: 'integer' },
  { key: 'beneficiaries', header: 'Số đối tượng đang hưởng', kind: 'integer' },
  ...COMPLETENESS_FIELDS.flatMap((field): ReportColumn[] => [
    { key: field, header: `Thiếu ${COMPLETENESS_LABELS[field]}`, kind: 'integer' },
    {
      key: `${field}Percent`,
      header: `Tỷ lệ thiếu ${COMPLETENESS_LABELS[field]} (%)`,
      kind: 'text',
      width: 10,
    },
  ]),
];

function completenessCells(row: DataCompletenessRow): Record<string, number | string> {
  return Object.fromEntries(
    COMPLETENESS_FIELDS.flatMap((field) => [
      [field, row[field].missing],
      [`${field}Percent`, vietnamesePercent(row[field].percent)],
    ]),
  );
}

/**
 * Data completeness per unit (`options.groupBy`: COMMUNE, the default, or CHILD_UNIT), and the total as
 * its last row: the total counts every person under the unit with its percentages, which a sum of the
 * rows' cells could not give.
 */
export const dataCompletenessReport: ReportDefinition = {
  name: 'data-completeness',
  action: 'report:read',
  check(args) {
    refuseOtherArguments(args, ['options'], 'data-completeness', INPUT);
    const grouping = completenessGroupingOption(args.options, `${INPUT}options`);
    return { unitCode: args.unitCode, options: { groupBy: grouping.toUpperCase() } };
  },
  async table(client, args) {
    const grouping = completenessGroupingOption(args.options, `${INPUT}options`);
    const unit = await reportUnit(client, { code: args.unitCode });
    const report = await dataCompleteness(client, unit, grouping);
    return {
      title: 'Mức độ đầy đủ dữ liệu đối tượng bảo trợ xã hội theo đơn vị',
      subtitle: reportSubtitle(unit, `đến ngày ${displayDate(report.asOf)}`),
      columns: completenessColumns,
      rows: [
        ...report.rows.map((row, index) => ({
          index: index + 1,
          unit: unitLabel(row.unit),
          persons: row.persons,
          beneficiaries: row.beneficiaries,
          ...completenessCells(row),
        })),
        {
          index: null,
          unit: 'Tổng cộng',
          persons: report.total.persons,
          beneficiaries: report.total.beneficiaries,
          ...completenessCells(report.total),
        },
      ],
    };
  },
};

export const complianceReports: ReportDefinition[] = [
  missingPaymentListsReport,
  lateDailyUpdatesReport,
  dataCompletenessReport,
];
