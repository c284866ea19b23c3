import {
  badInput,
  forbidden,
  jobOwnerOf,
  lower,
  todayInVietnam,
  unitInScope,
  type JobRecord,
} from '@ansinh/common';
import type { RegistryContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { AdministrativeUnit } from '../units/administrative-unit.entity.ts';
import { assignReformReviews } from './reform-assignment.service.ts';
import { REFORM_CARRY_OVER, type ReformCarryOverPayload } from './reform-carry-over.job.ts';
import { reviewsPage, type ReformReviewRow } from './reform-review.repository.ts';
import { checkReformDate, type ReformCarryOverReport } from './reform.rules.ts';

/** Units by id, in order; an id that names no unit is left out. */
async function unitsById(context: RegistryContext, ids: readonly string[]): Promise<AdministrativeUnit[]> {
  const units = await Promise.all(ids.map((id) => context.loaders.unitById.load(id)));
  return units.filter((unit): unit is AdministrativeUnit => unit !== null);
}

const cursorOf = (review: ReformReviewRow) => Buffer.from(review.id).toString('base64url');

function afterOf(cursor: string | null | undefined): string | null {
  if (!cursor) return null;
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!/^[0-9a-f-]{36}$/.test(id)) throw badInput('after', 'Con trỏ trang không hợp lệ.');
  return id;
}

export const reformResolvers = {
  Query: {
    reformReviews: async (_parent, args, context) => {
      context.session.assert('person:read');
      const first = args.first ?? 50;
      if (first < 1 || first > 500) throw badInput('first', 'Số bản ghi mỗi trang phải từ 1 đến 500.');
      const candidate = args.unitCode
        ? await unitInScope(context.session, 'person:read', args.unitCode, context.loaders.scopeUnits, {
            field: 'unitCode',
          })
        : undefined;
      const page = await reviewsPage(
        context.em,
        {
          candidateUnitId: candidate?.id,
          fromUnitCode: args.fromUnitCode ?? undefined,
          addressContains: args.addressContains?.trim() || undefined,
          status: lower(args.status ?? 'WAITING'),
        },
        first,
        afterOf(args.after),
      );
      return {
        edges: page.nodes.map((node) => ({ cursor: cursorOf(node), node })),
        pageInfo: {
          hasNextPage: page.hasNextPage,
          endCursor: page.nodes.length ? cursorOf(page.nodes[page.nodes.length - 1]!) : null,
        },
        totalCount: page.totalCount,
      };
    },
  },
  Mutation: {
    /** The province's carry-over as a job: a dry run answers done; the real one is queued. */
    carryAcrossReform: async (_parent, args, context) => {
      const { session } = context;
      session.assert('reform:write');
      if (session.scope?.level !== 'province') {
        throw forbidden(
          'Chỉ tài khoản cấp tỉnh chuyển được đối tượng sang đơn vị mới theo sắp xếp đơn vị hành chính.',
        );
      }
      const date = checkReformDate(args.on, todayInVietnam());
      if (!date.ok) throw badInput('on', date.message);
      const payload: ReformCarryOverPayload = { on: date.on, dryRun: args.dryRun ?? false };
      const jobs = context.jobs!;
      const owner = jobOwnerOf(session);
      return payload.dryRun
        ? jobs.runNow(REFORM_CARRY_OVER, payload, owner)
        : jobs.enqueue(REFORM_CARRY_OVER, payload, owner);
    },
    assignReformReviews: (_parent, args, context) =>
      assignReformReviews(context.em, context.session, context.loaders.scopeUnits, {
        reviewIds: args.reviewIds,
        addressContains: args.addressContains,
        fromUnitCode: args.fromUnitCode,
        unitCode: args.unitCode,
      }),
  },
  ReformReview: {
    person: (review, _args, context) => context.loaders.personById.load(review.personId),
    fromUnit: async (review, _args, context) => (await context.loaders.unitById.load(review.fromUnitId))!,
    candidates: (review, _args, context) => unitsById(context, review.candidateUnitIds),
    assignedUnit: (review, _args, context) =>
      review.assignedUnitId ? context.loaders.unitById.load(review.assignedUnitId) : null,
    assignedAt: (review) => review.assignedAt?.toISOString() ?? null,
    createdAt: (review) => review.createdAt.toISOString(),
  },
  ReformUnitMove: {
    from: async (move, _args, context) => (await context.loaders.unitById.load(move.from.id))!,
    to: async (move, _args, context) => (await context.loaders.unitById.load(move.to.id))!,
  },
  ReformSplitCase: {
    from: async (split, _args, context) => (await context.loaders.unitById.load(split.from.id))!,
    candidates: (split, _args, context) =>
      unitsById(
        context,
        split.candidates.map((unit) => unit.id),
      ),
  },
  ReformStrandedUnit: {
    unit: async (stranded, _args, context) => (await context.loaders.unitById.load(stranded.unit.id))!,
  },
  Job: {
    reformCarryOver: (job: JobRecord) => {
      if (job.kind !== REFORM_CARRY_OVER || job.state !== 'done' || !job.result) return null;
      const report = job.result as ReformCarryOverReport;
      return { ...report, ...report.totals };
    },
  },
} satisfies Pick<
  Resolvers,
  'Query' | 'Mutation' | 'ReformReview' | 'ReformUnitMove' | 'ReformSplitCase' | 'ReformStrandedUnit' | 'Job'
>;
