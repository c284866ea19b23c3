import { badInput, displayMonth, READS_CONFIDENTIAL_SQL, type ReportTable } from '@ansinh/common';
import type pg from 'pg';
import type { ReportArguments, ReportDefinition } from '../exports/report-definition.ts';
import { entitlementChangeData } from './entitlement-changes.repository.ts';
import { ENTITLEMENT_CHANGE_COLUMNS, entitlementChangeRow } from './entitlement-changes.rules.ts';
import { paymentSummaryData } from './payment-summary.repository.ts';
import { paymentSummaryColumns, paymentSummaryRow } from './payment-summary.rules.ts';
import { displayPeriod, reportMonth, reportSubtitle } from './report-heading.rules.ts';
import { reportUnit } from './report-unit.repository.ts';
import { resolution42SummaryData } from './resolution-42-summary.repository.ts';
import { r42PeopleNote, r42SummaryRow, R42_SUMMARY_COLUMNS } from './resolution-42-summary.rules.ts';

export const PAYMENT_SUMMARY_TITLE = 'Tổng hợp chi trả trợ cấp xã hội hằng tháng';
export const ENTITLEMENT_CHANGES_TITLE =
  'Tổng hợp biến động tăng, giảm đối tượng hưởng trợ cấp xã hội hằng tháng';
export const R42_SUMMARY_TITLE =
  'Tổng hợp hỗ trợ người dân gặp khó khăn do đại dịch Covid-19 theo Nghị quyết 42/NQ-CP';

const TOTALS_LABEL = 'Tổng cộng';

type ArgumentName = Exclude<keyof ReportArguments, 'unitCode'>;
const ARGUMENT_NAMES: readonly ArgumentName[] = [
  'month',
  'fromMonth',
  'toMonth',
  'fromDate',
  'toDate',
  'options',
];

/** Where the arguments come from: `exportReport(input)`. */
const INPUT = 'input';

/** Refuses the arguments a report does not take (BAD_USER_INPUT on the first), so that none is silently ignored. */
function onlyArguments(args: ReportArguments, taken: readonly ArgumentName[]): void {
  const extra = ARGUMENT_NAMES.find((name) => !taken.includes(name) && args[name] != null);
  if (extra) throw badInput(`${INPUT}.${extra}`, `Báo cáo này không dùng tham số "${extra}".`);
}

function monthOf(args: ReportArguments): string {
  if (args.month == null) throw badInput(`${INPUT}.month`, 'Cần chọn tháng của báo cáo (YYYY-MM).');
  return reportMonth(args.month, `${INPUT}.month`);
}

/** Whether the export's connection reads confidential categories (the job sets it from its owner's right). */
async function readsConfidential(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ reads: boolean }>(`select ${READS_CONFIDENTIAL_SQL} as reads`);
  return rows[0]?.reads === true;
}

export const paymentSummaryReport: ReportDefinition = {
  name: 'payment-summary',
  action: 'report:read',
  check(args) {
    onlyArguments(args, ['month']);
    return { unitCode: args.unitCode, month: monthOf(args) };
  },
  async table(client, args): Promise<ReportTable> {
    const month = monthOf(args);
    const unit = await reportUnit(client, { code: args.unitCode });
    const summary = await paymentSummaryData(client, unit.scopePaths, month);
    return {
      title: `${PAYMENT_SUMMARY_TITLE} tháng ${displayMonth(month)} – ${unit.name}`,
      subtitle: reportSubtitle(unit, displayMonth(month)),
      columns: paymentSummaryColumns(summary.communes),
      rows: summary.communes.map(paymentSummaryRow),
      totalsLabel: TOTALS_LABEL,
    };
  },
};

export const entitlementChangesReport: ReportDefinition = {
  name: 'entitlement-changes',
  action: 'report:read',
  check(args) {
    onlyArguments(args, ['month']);
    return { unitCode: args.unitCode, month: monthOf(args) };
  },
  async table(client, args): Promise<ReportTable> {
    const month = monthOf(args);
    const unit = await reportUnit(client, { code: args.unitCode });
    const changes = await entitlementChangeData(
      client,
      unit.scopePaths,
      month,
      await readsConfidential(client),
    );
    return {
      title: `${ENTITLEMENT_CHANGES_TITLE} tháng ${displayMonth(month)} – ${unit.name}`,
      subtitle: reportSubtitle(unit, displayMonth(month)),
      columns: ENTITLEMENT_CHANGE_COLUMNS,
      rows: changes.rows.map(entitlementChangeRow),
      totalsLabel: TOTALS_LABEL,
    };
  },
};

export const resolution42SummaryReport: ReportDefinition = {
  name: 'resolution-42-summary',
  action: 'report:read',
  check(args) {
    onlyArguments(args, []);
    return { unitCode: args.unitCode };
  },
  async table(client, args): Promise<ReportTable> {
    const unit = await reportUnit(client, { code: args.unitCode });
    const summary = await resolution42SummaryData(client, unit.scopePaths, await readsConfidential(client));
    return {
      title: `${R42_SUMMARY_TITLE} – ${unit.name}`,
      subtitle: `${reportSubtitle(unit, displayPeriod(summary.fromMonth, summary.toMonth))} · ${r42PeopleNote(summary.people, summary.severalGroups)}`,
      columns: R42_SUMMARY_COLUMNS,
      rows: summary.groups.map(r42SummaryRow),
      totalsLabel: TOTALS_LABEL,
    };
  },
};

export const regulationReports: ReportDefinition[] = [
  paymentSummaryReport,
  entitlementChangesReport,
  resolution42SummaryReport,
];
