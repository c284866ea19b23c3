import {
  badInput,
  idArgument,
  identifierArgument,
  jobOwnerOf,
  lower,
  notFound,
  subtreeFor,
  unitInScope,
  upper,
  type JobRecord,
} from '@ansinh/common';
import type {
  Resolution42ImportOutcome,
  Resolution42Outcome,
  Resolvers,
} from '../generated/resolvers-types.ts';
import { R42_IMPORT, R42_INLINE_MAX_BYTES, type R42ImportPayload } from './r42-import.job.ts';
import { R42_PROGRAM, unknownCategory, type R42ImportResult } from './r42-import.service.ts';
import { decisionDateOf, decisionNumberOf, R42_CATEGORY_CODE_FORMAT, rowsPageOf } from './r42-input.rule.ts';
import { findR42ListById, findR42Lists, findR42Rows, summariseR42 } from './r42.repository.ts';

/** Reading lists and their people: whoever reads entitlements (names and CCCD need person:read-identity). */
const READ = 'entitlement:read';
/** Importing a list: the commune's officer, who files the dossiers (or the province's system). */
const WRITE = 'application:write';

const LIST_NOT_FOUND = 'Không tìm thấy danh sách Nghị quyết 42 này trong phạm vi của bạn.';

export const resolution42Resolvers = {
  Query: {
    resolution42Summary: async (_parent, args, context) => {
      const paths = await subtreeFor(context.session, READ, args.unitCode, context.loaders.units);
      const summary = await summariseR42(context.em, paths);
      return { unitCode: args.unitCode ?? context.session.requirePrincipal().unitCode, ...summary };
    },
    resolution42Lists: async (_parent, args, context) => {
      const paths = await subtreeFor(context.session, READ, args.unitCode, context.loaders.units);
      return findR42Lists(context.em, paths);
    },
    resolution42Rows: async (_parent, args, context) => {
      const filter = args.filter ?? {};
      const page = rowsPageOf(args.first, args.offset);
      const paths = await subtreeFor(
        context.session,
        READ,
        filter.unitCode,
        context.loaders.units,
        'filter.unitCode',
      );
      let listId: string | undefined;
      if (filter.listId != null) {
        listId = idArgument(filter.listId, 'filter.listId');
        // Row-level security hides a list outside the caller's scope: not found, as one that does not exist.
        if (!(await findR42ListById(context.em, listId))) throw notFound(LIST_NOT_FOUND);
      }
      const categoryCode =
        filter.categoryCode == null
          ? undefined
          : identifierArgument(
              filter.categoryCode,
              R42_CATEGORY_CODE_FORMAT,
              'filter.categoryCode',
              'Mã nhóm đối tượng',
            );
      return findR42Rows(context.em, {
        listId,
        paths,
        categoryCode,
        outcome: filter.outcome == null ? undefined : lower(filter.outcome),
        ...page,
      });
    },
  },
  Mutation: {
    /**
     * Checks the request (nothing is queued for a bad one), then imports the uploaded list as a job of
     * the caller: a small file within this request (the job comes back done), a larger one queued.
     */
    importResolution42List: async (_parent, { input }, context): Promise<JobRecord> => {
      const { session } = context;
      session.assert(WRITE);
      const owner = jobOwnerOf(session);
      const fileId = idArgument(input.fileId, 'fileId');
      const categoryCode = identifierArgument(
        input.categoryCode,
        R42_CATEGORY_CODE_FORMAT,
        'categoryCode',
        'Mã nhóm đối tượng',
      );
      const unit = await unitInScope(session, WRITE, input.unitCode, context.loaders.units, {
        field: 'unitCode',
      });
      if (unit.level === 'province')
        throw badInput(
          'unitCode',
          'Danh sách Nghị quyết 42 do xã/phường phê duyệt: hãy chọn xã/phường của danh sách.',
        );
      const decisionNumber = decisionNumberOf(input.decisionNumber);
      const decisionDate = decisionDateOf(input.decisionDate);
      const [category] = await context.em.execute<{ id: string }[]>(
        `select id from approvals.categories where program_id = ? and code = ? and rule = 'fixed' and not confidential`,
        [R42_PROGRAM, categoryCode],
      );
      if (!category) throw unknownCategory(categoryCode);
      // NOT_FOUND unless the upload is in the caller's scope (and not expired).
      const upload = await context.files.stat(fileId, owner.unitPath);
      const payload: R42ImportPayload = {
        fileId: upload.id,
        fileName: upload.fileName,
        categoryCode,
        unitCode: unit.code,
        decisionNumber,
        decisionDate,
      };
      const jobs = context.jobs;
      if (!jobs) throw new Error('approvals: the subgraph runs without its jobs');
      return upload.bytes <= R42_INLINE_MAX_BYTES
        ? jobs.runNow(R42_IMPORT, payload, owner)
        : jobs.enqueue(R42_IMPORT, payload, owner);
    },
  },
  Job: {
    resolution42Import: async (job, _args, context) => {
      if (job.kind !== R42_IMPORT || job.state !== 'done' || !job.result) return null;
      const { listId, outcome, ...result } = job.result as R42ImportResult;
      return {
        ...result,
        outcome: upper(outcome) as Resolution42ImportOutcome,
        // The list as it is now (null once removed, or for a reader who no longer reads it).
        list: await findR42ListById(context.em, listId),
      };
    },
  },
  Resolution42List: {
    unit: (list) => ({ id: list.unitId }),
  },
  Resolution42Row: {
    outcome: (row) => upper(row.outcome) as Resolution42Outcome,
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Job' | 'Resolution42List' | 'Resolution42Row'>;
