import { inRequestTransaction, upper } from '@ansinh/common';
import type { ChangeDirection, PaymentListState, Resolvers } from '../generated/resolvers-types.ts';
import { unitInCallerScope } from '../units/unit-argument.ts';
import { entitlementChangeData } from './entitlement-changes.repository.ts';
import type { ChangeFigures } from './entitlement-changes.rules.ts';
import { paymentSummaryData } from './payment-summary.repository.ts';
import { reportMonth, type ReportUnit } from './report-heading.rules.ts';
import { reportUnit } from './report-unit.repository.ts';
import { resolution42SummaryData } from './resolution-42-summary.repository.ts';

const heading = (unit: ReportUnit) => ({ unit: { id: unit.id }, unitCode: unit.code, unitName: unit.name });

const changeFigures = (row: ChangeFigures) => ({
  ...row,
  direction: upper(row.direction) as ChangeDirection,
});

export const regulationReportResolvers = {
  Query: {
    paymentSummary: async (_parent, args, context) => {
      context.session.assert('report:read');
      const month = reportMonth(args.month, 'month');
      const { id } = await unitInCallerScope(args.unitCode, context, 'unitCode');
      return inRequestTransaction(context.em, async (client) => {
        const unit = await reportUnit(client, { id });
        const summary = await paymentSummaryData(client, unit.scopePaths, month);
        return {
          ...heading(unit),
          month,
          communes: summary.communes.map((commune) => ({
            unit: { id: commune.unitId },
            unitCode: commune.unitCode,
            unitName: commune.unitName,
            districtCode: commune.districtCode,
            listState: upper(commune.listState) as PaymentListState,
            figures: commune.figures,
          })),
          districts: summary.districts.map((district) => ({
            unit: { id: district.unitId },
            unitCode: district.unitCode,
            unitName: district.unitName,
            communes: district.communes,
            figures: district.figures,
          })),
          total: summary.total,
        };
      });
    },
    entitlementChangeSummary: async (_parent, args, context) => {
      context.session.assert('report:read');
      const month = reportMonth(args.month, 'month');
      const { id } = await unitInCallerScope(args.unitCode, context, 'unitCode');
      const readsConfidential = context.session.allows('entitlement:read-confidential');
      return inRequestTransaction(context.em, async (client) => {
        const unit = await reportUnit(client, { id });
        const changes = await entitlementChangeData(client, unit.scopePaths, month, readsConfidential);
        return {
          ...heading(unit),
          month,
          rows: changes.rows.map(changeFigures),
          reasons: changes.reasons.map(changeFigures),
          directions: changes.directions.map((direction) => ({
            ...direction,
            direction: upper(direction.direction) as ChangeDirection,
          })),
        };
      });
    },
    resolution42SupportSummary: async (_parent, args, context) => {
      context.session.assert('report:read');
      const { id } = await unitInCallerScope(args.unitCode, context, 'unitCode');
      const readsConfidential = context.session.allows('entitlement:read-confidential');
      return inRequestTransaction(context.em, async (client) => {
        const unit = await reportUnit(client, { id });
        return {
          ...heading(unit),
          ...(await resolution42SummaryData(client, unit.scopePaths, readsConfidential)),
        };
      });
    },
  },
} satisfies Pick<Resolvers, 'Query'>;
