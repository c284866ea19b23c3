import { idArgument, monthArgument, notFound, subtreeFor, upper } from '@ansinh/common';
import type { ApprovalsContext } from '../context.ts';
import type { ChangeDirection, DecisionKind, Resolvers, StopReason } from '../generated/resolvers-types.ts';
import { findChanges, findConflicts, findStopProposals } from './decision.repository.ts';
import { grantFuneralSupport, recordDecision, relocateEntitlement } from './decision.service.ts';

/** An entitlement the resolver returns: in the caller's scope (row-level security), else a bug. */
async function entitlementOf(id: string, context: ApprovalsContext) {
  const entitlement = await context.loaders.entitlementById.load(id);
  if (!entitlement) throw new Error(`entitlement ${id} is not readable in this request's scope`);
  return entitlement;
}

/** A reference to the person when the caller reads them now (the registry would refuse the others). */
async function personIfInScope(personId: string, context: ApprovalsContext) {
  return (await context.loaders.personInScope.load(personId)) ? { id: personId } : null;
}

async function unitCodeOf(unitId: string, context: ApprovalsContext): Promise<string> {
  const unit = await context.loaders.unitById.load(unitId);
  if (!unit) throw new Error(`unit ${unitId} is not in registry.v_units`);
  return unit.code;
}

export const decisionResolvers = {
  Query: {
    decision: async (_parent, args, context) => {
      context.session.assert('entitlement:read');
      const decision = await context.loaders.decisionById.load(idArgument(args.id, 'id'));
      if (!decision) throw notFound('Không tìm thấy quyết định trong phạm vi đơn vị của bạn.');
      return decision;
    },
    entitlementChanges: async (_parent, args, context) => {
      const paths = await subtreeFor(
        context.session,
        'entitlement:read',
        args.unitCode,
        context.loaders.units,
      );
      return findChanges(context.em, paths, monthArgument(args.month, 'month'));
    },
    policyConflicts: async (_parent, args, context) => {
      const paths = await subtreeFor(
        context.session,
        'entitlement:read',
        args.unitCode,
        context.loaders.units,
      );
      return findConflicts(context.em, paths);
    },
    stopProposals: async (_parent, args, context) => {
      const paths = await subtreeFor(
        context.session,
        'entitlement:read',
        args.unitCode,
        context.loaders.units,
      );
      return findStopProposals(context.em, paths);
    },
  },
  Mutation: {
    changeEntitlement: (_parent, args, context) =>
      recordDecision(context.em, context.session, {
        entitlementId: idArgument(args.entitlementId, 'entitlementId'),
        kind: 'change',
        categoryId: args.categoryId == null ? null : idArgument(args.categoryId, 'categoryId'),
        memberCount: args.memberCount,
        overrideReason: args.overrideReason,
        decision: args.decision,
      }),
    suspendEntitlement: (_parent, args, context) =>
      recordDecision(context.em, context.session, {
        entitlementId: idArgument(args.entitlementId, 'entitlementId'),
        kind: 'suspend',
        decision: args.decision,
      }),
    resumeEntitlement: (_parent, args, context) =>
      recordDecision(context.em, context.session, {
        entitlementId: idArgument(args.entitlementId, 'entitlementId'),
        kind: 'resume',
        overrideReason: args.overrideReason,
        decision: args.decision,
      }),
    stopEntitlement: (_parent, args, context) =>
      recordDecision(context.em, context.session, {
        entitlementId: idArgument(args.entitlementId, 'entitlementId'),
        kind: 'stop',
        decision: args.decision,
      }),
    relocateEntitlement: (_parent, args, context) =>
      relocateEntitlement(context.em, context.session, {
        entitlementId: idArgument(args.entitlementId, 'entitlementId'),
        decision: args.decision,
      }),
    grantFuneralSupport: (_parent, args, context) =>
      grantFuneralSupport(context.em, context.session, {
        personId: idArgument(args.personId, 'personId'),
        decision: args.decision,
      }),
  },
  Decision: {
    __resolveReference: async (reference, context) => {
      context.session.assert('entitlement:read');
      return (await context.loaders.decisionById.load(reference.id)) ?? null;
    },
    kind: (decision) => upper(decision.kind.replace('-', '_')) as DecisionKind,
    signingUnit: (decision) => ({ id: decision.signingUnitId }),
    signingUnitCode: (decision, _args, context) => unitCodeOf(decision.signingUnitId, context),
    category: async (decision, _args, context) =>
      (await context.loaders.categoryById.load(decision.categoryId)) ?? null,
    entitlement: (decision, _args, context) => entitlementOf(decision.entitlementId, context),
    recordedBy: (decision) => decision.recordedByName,
    recordedAt: (decision) => decision.recordedAt.toISOString(),
  },
  EntitlementChange: {
    decision: async (change, _args, context) => {
      const decision = await context.loaders.decisionById.load(change.decisionId);
      if (!decision) throw new Error(`decision ${change.decisionId} is not readable in this request's scope`);
      return decision;
    },
    entitlement: (change, _args, context) => entitlementOf(change.entitlementId, context),
    person: (change, _args, context) => personIfInScope(change.personId, context),
    direction: (change) => upper(change.direction) as ChangeDirection,
  },
  PolicyConflict: {
    entitlement: (conflict, _args, context) => entitlementOf(conflict.entitlementId, context),
    otherUnit: (conflict) => ({ id: conflict.otherUnitId }),
    otherUnitCode: (conflict, _args, context) => unitCodeOf(conflict.otherUnitId, context),
    proposedAction: (conflict) =>
      conflict.overridden
        ? 'Đã được người duyệt chấp thuận có lý do; rà soát lại khi có thay đổi.'
        : conflict.sameRecord
          ? 'Giữ mức hưởng cao nhất (trừ các trường hợp được hưởng đồng thời), thôi hưởng mức hưởng còn lại từ tháng sau.'
          : 'Xác minh hai hồ sơ có phải cùng một người (cảnh báo trùng); nếu đúng, gộp hồ sơ và chỉ giữ một mức hưởng.',
  },
  StopProposal: {
    entitlement: (proposal, _args, context) => entitlementOf(proposal.entitlementId, context),
    person: (proposal, _args, context) => personIfInScope(proposal.personId, context),
    reason: (proposal) => upper(proposal.reason.replace('-', '_')) as StopReason,
    toUnit: (proposal) => (proposal.toUnitId ? { id: proposal.toUnitId } : null),
  },
} satisfies Pick<
  Resolvers,
  'Query' | 'Mutation' | 'Decision' | 'EntitlementChange' | 'PolicyConflict' | 'StopProposal'
>;
