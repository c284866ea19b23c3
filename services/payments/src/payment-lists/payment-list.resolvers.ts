import {
  idArgument,
  jobOwnerOf,
  lower,
  monthArgument,
  notFound,
  subtreeFor,
  unitInScope,
  upper,
} from '@ansinh/common';
import type {
  ChannelTotal,
  CoveredMonthKind,
  PaymentAdjustmentKind,
  PaymentChannel,
  PaymentListState,
  Resolvers,
} from '../generated/resolvers-types.ts';
import type { PaymentsContext } from '../context.ts';
import type { PaymentChannelValue, PaymentStatusValue } from '../payment-lines/payment-line.entity.ts';
import type { PaymentListStateValue } from './payment-list.entity.ts';
import {
  PAYMENT_LIST_GENERATION,
  type GeneratePaymentListsPayload,
  type GeneratePaymentListsResult,
} from './payment-list.job.ts';
import { findListLines, findLists, findRecoveries } from './payment-list.repository.ts';
import { listMonth } from './payment-list.rules.ts';
import { adjustLine, approveList, changeChannel, closeList } from './payment-list.service.ts';

async function unitCodeOf(unitId: string, context: PaymentsContext): Promise<string> {
  const unit = await context.loaders.unitById.load(unitId);
  if (!unit) throw new Error(`unit ${unitId} is not in registry.v_units`);
  return unit.code;
}

async function listAfterChange(id: string, context: PaymentsContext) {
  context.em.clear();
  const list = await context.loaders.listById.clear(id).load(id);
  if (!list) throw new Error(`payment list ${id} vanished after its change`);
  return list;
}

async function lineAfterChange(id: string, context: PaymentsContext) {
  context.em.clear();
  const line = await context.loaders.lineById.clear(id).load(id);
  if (!line) throw new Error(`payment line ${id} vanished after its change`);
  return line;
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

export const paymentListResolvers = {
  Query: {
    paymentList: async (_parent, args, context) => {
      context.session.assert('payment:read');
      const list = await context.loaders.listById.load(idArgument(args.id, 'id'));
      if (!list) throw notFound('Không tìm thấy danh sách chi trả này trong phạm vi đơn vị của bạn.');
      return list;
    },
    paymentLists: async (_parent, args, context) => {
      const month = monthArgument(args.month, 'month');
      const paths = await subtreeFor(context.session, 'payment:read', args.unitCode, context.loaders.units);
      return findLists(
        context.em,
        paths,
        month,
        args.state ? (lower(args.state) as PaymentListStateValue) : undefined,
      );
    },
    recoveries: async (_parent, args, context) => {
      const paths = await subtreeFor(context.session, 'payment:read', args.unitCode, context.loaders.units);
      return findRecoveries(context.em, paths, args.all ?? false);
    },
  },
  Mutation: {
    generatePaymentList: async (_parent, args, context) => {
      const unit = await unitInScope(
        context.session,
        'payment-list:write',
        args.unitCode,
        context.loaders.units,
      );
      const month = listMonth(args.month);
      const jobs = context.jobs;
      if (!jobs) throw new Error('payments: the subgraph runs without its jobs');
      const payload: GeneratePaymentListsPayload = { unitId: unit.id, unitCode: unit.code, month };
      const owner = jobOwnerOf(context.session);
      // A commune's list is made within the request; a province's communes in the background.
      return unit.level === 'commune'
        ? jobs.runNow(PAYMENT_LIST_GENERATION, payload, owner)
        : jobs.enqueue(PAYMENT_LIST_GENERATION, payload, owner);
    },
    approvePaymentList: async (_parent, args, context) => {
      const id = idArgument(args.id, 'id');
      await approveList(context.em, context.session, id);
      return listAfterChange(id, context);
    },
    closePaymentList: async (_parent, args, context) => {
      const id = idArgument(args.id, 'id');
      await closeList(context.em, context.session, id);
      return listAfterChange(id, context);
    },
    adjustPaymentLine: async (_parent, { input }, context) => {
      const lineId = idArgument(input.lineId, 'lineId');
      await adjustLine(context.em, context.session, {
        lineId,
        expectedVersion: input.expectedVersion,
        kind: lower(input.kind) as 'amount' | 'hold' | 'release',
        amount: input.amount,
        reason: input.reason,
      });
      return lineAfterChange(lineId, context);
    },
    changePaymentChannel: async (_parent, { input }, context) => {
      const lineId = idArgument(input.lineId, 'lineId');
      await changeChannel(context.em, context.session, {
        lineId,
        expectedVersion: input.expectedVersion,
        channel: lower(input.channel) as PaymentChannelValue,
        accountId: input.accountId == null ? null : idArgument(input.accountId, 'accountId'),
        reason: input.reason,
      });
      return lineAfterChange(lineId, context);
    },
  },
  Job: {
    paymentListGeneration: (job) => {
      if (job.kind !== PAYMENT_LIST_GENERATION || job.state !== 'done' || !job.result) return null;
      const result = job.result as GeneratePaymentListsResult;
      return {
        month: result.month,
        lists: result.lists,
        lockedLists: result.lockedLists,
        lines: result.lines,
        heldLines: result.held,
        amount: result.amount,
        newRecoveries: result.newRecoveries,
      };
    },
  },
  PaymentList: {
    __resolveReference: async (reference, context) => {
      context.session.assert('payment:read');
      return context.loaders.listById.load(reference.id);
    },
    unit: (list) => ({ id: list.unitId }),
    unitCode: (list, _args, context) => unitCodeOf(list.unitId, context),
    state: (list) => upper(list.state) as PaymentListState,
    controlTotals: (list) => ({
      lines: list.lineCount,
      persons: list.personCount,
      amount: list.totalAmount,
      heldLines: list.heldCount,
      heldAmount: list.heldAmount,
      byChannel: Object.entries(list.channelTotals)
        .map(([channel, total]): ChannelTotal => ({
          channel: upper(channel) as PaymentChannel,
          lines: total?.lines ?? 0,
          amount: Number(total?.amount ?? 0),
        }))
        .sort((a, b) => a.channel.localeCompare(b.channel)),
    }),
    lines: (list, args, context) =>
      findListLines(
        context.em,
        list.id,
        args.first ?? 500,
        args.status ? (lower(args.status) as PaymentStatusValue) : undefined,
      ),
    adjustments: (list, _args, context) => context.loaders.adjustmentsByList.load(list.id),
    generatedAt: (list) => iso(list.generatedAt),
    generatedBy: (list) => list.generatedByName ?? null,
    approvedAt: (list) => iso(list.approvedAt),
    approvedBy: (list) => list.approvedByName ?? null,
    payingAt: (list) => iso(list.payingAt),
    closedAt: (list) => iso(list.closedAt),
    closedBy: (list) => list.closedByName ?? null,
    history: (list, _args, context) => {
      context.session.assert('payment:read');
      return context.loaders.paymentListHistory.load(list.id);
    },
  },
  PaymentListAdjustment: {
    kind: (row) => upper(row.kind) as PaymentAdjustmentKind,
    line: (row, _args, context) => (row.line_id ? context.loaders.lineById.load(row.line_id) : null),
    recordedBy: (row) => row.recorded_by_name,
    recordedAt: (row) => new Date(row.recorded_at).toISOString(),
  },
  Recovery: {
    personId: (row) => row.person_id,
    entitlementId: (row) => row.entitlement_id,
    amount: (row) => Number(row.amount),
    paidLine: (row, _args, context) => context.loaders.lineById.load(row.paid_line_id),
    deductedFrom: (row, _args, context) =>
      row.deducted_line_id ? context.loaders.lineById.load(row.deducted_line_id) : null,
  },
  CoveredMonth: {
    amount: (row) => Number(row.amount),
    kind: (row) => upper(row.kind) as CoveredMonthKind,
  },
} satisfies Pick<
  Resolvers,
  'Query' | 'Mutation' | 'Job' | 'PaymentList' | 'PaymentListAdjustment' | 'Recovery' | 'CoveredMonth'
>;
