import { inRequestTransaction, lower, upper } from '@ansinh/common';
import type { ComplianceUnit, Resolvers } from '../generated/resolvers-types.ts';
import { unitInCallerScope } from '../units/unit-argument.ts';
import { dayRangeArguments, monthRangeArguments, pageArguments } from './compliance-arguments.rules.ts';
import type { ComplianceUnitRow } from './compliance-unit.repository.ts';
import { dataCompleteness, type DataCompletenessRow } from './data-completeness.repository.ts';
import { lateDailyUpdateRows, lateDailyUpdatesSummary } from './late-daily-updates.repository.ts';
import { missingPaymentLists } from './missing-payment-lists.repository.ts';

const complianceUnitOf = (row: ComplianceUnitRow): ComplianceUnit => ({
  unit: { id: row.id },
  code: row.code,
  name: row.name,
  fullName: row.fullName,
  level: upper(row.level),
  former: row.former,
  validFrom: row.validFrom,
  validTo: row.validTo,
});

const completenessRow = (row: DataCompletenessRow) => ({ ...row, unit: complianceUnitOf(row.unit) });

/**
 * Compliance queries: the caller reads reports (`report:read`) and its scope covers the unit asked for;
 * the arguments are checked before any SQL runs; each answer is read in one transaction scoped as the
 * request (the published views filter by the caller's unit path as well).
 */
export const complianceResolvers = {
  Query: {
    missingPaymentLists: async (_parent, args, context) => {
      context.session.assert('report:read');
      const range = monthRangeArguments(args.fromMonth, args.toMonth);
      const unit = await unitInCallerScope(args.unitCode, context, 'unitCode');
      const report = await inRequestTransaction(context.em, (client) =>
        missingPaymentLists(client, unit, range),
      );
      return {
        unit: complianceUnitOf(report.unit),
        fromMonth: range.fromMonth,
        toMonth: range.toMonth,
        unitsChecked: report.unitsChecked,
        rows: report.rows.map((row) => ({ ...row, unit: complianceUnitOf(row.unit) })),
      };
    },
    lateDailyUpdates: async (_parent, args, context) => {
      context.session.assert('report:read');
      const range = dayRangeArguments(args.fromDate, args.toDate);
      const page = pageArguments(args.first, args.offset);
      const unit = await unitInCallerScope(args.unitCode, context, 'unitCode');
      return inRequestTransaction(context.em, async (client) => {
        const { unit: reported, summary } = await lateDailyUpdatesSummary(client, unit, range);
        const rows = await lateDailyUpdateRows(client, unit, range, page);
        return {
          unit: complianceUnitOf(reported),
          fromDate: range.fromDate,
          toDate: range.toDate,
          ...summary,
          rows: rows.map((row) => ({ ...row, unit: complianceUnitOf(row.unit), status: upper(row.status) })),
        };
      });
    },
    dataCompleteness: async (_parent, args, context) => {
      context.session.assert('report:read');
      const grouping = lower(args.groupBy ?? 'COMMUNE');
      const unit = await unitInCallerScope(args.unitCode, context, 'unitCode');
      const report = await inRequestTransaction(context.em, (client) =>
        dataCompleteness(client, unit, grouping),
      );
      return {
        groupBy: upper(report.grouping),
        rows: report.rows.map(completenessRow),
        total: completenessRow(report.total),
      };
    },
  },
} satisfies Pick<Resolvers, 'Query'>;
