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
  type BaseContext,
  type FileStore,
  type JobRecord,
  type UnitsByCode,
} from '@ansinh/common';
import { R42_IMPORT, R42_INLINE_MAX_BYTES, type R42ImportPayload } from './r42-import.job.ts';
import { R42_PROGRAM, unknownCategory, type R42ImportResult } from './r42-import.service.ts';
import { decisionDateOf, decisionNumberOf, R42_CATEGORY_CODE_FORMAT, rowsPageOf } from './r42-input.rule.ts';
import {
  findR42ListById,
  findR42Lists,
  findR42Rows,
  summariseR42,
  type R42ListView,
  type R42RowView,
} from './r42.repository.ts';

/** What the Resolution 42 resolvers need of the approvals context (the lead's `ApprovalsContext` has it). */
export type R42Context = BaseContext & {
  loaders: { units: UnitsByCode };
  /** The approvals file store (`approvalsFiles`), for the uploaded lists. */
  files?: FileStore | undefined;
};

// The arguments of resolution-42.graphql, as generated/resolvers-types.ts has them: written here because
// the generated types import the context, which imports this capability's module (an import circle).
type UnitArgs = { unitCode?: string | null | undefined };
type RowsArgs = {
  filter?: {
    listId?: string | null | undefined;
    unitCode?: string | null | undefined;
    categoryCode?: string | null | undefined;
    outcome?: 'PAID' | 'FLAGGED' | null | undefined;
  } | null;
  first?: number | null | undefined;
  offset?: number | null | undefined;
};
type ImportArgs = {
  input: {
    fileId: string;
    categoryCode: string;
    unitCode: string;
    decisionNumber: string;
    decisionDate: string;
  };
};

/** Reading lists and their people: whoever reads entitlements (names and CCCD need person:read-identity). */
const READ = 'entitlement:read';
/** Importing a list: the commune's officer, who files the dossiers (or the province's system). */
const WRITE = 'application:write';

const LIST_NOT_FOUND = 'Không tìm thấy danh sách Nghị quyết 42 này trong phạm vi của bạn.';

function wired<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`approvals: ${what} is not wired into the request context`);
  return value;
}

export const resolution42Resolvers = {
  Query: {
    resolution42Summary: async (_parent: unknown, args: UnitArgs, context: R42Context) => {
      const paths = await subtreeFor(context.session, READ, args.unitCode, context.loaders.units);
      const summary = await summariseR42(context.em, paths);
      return { unitCode: args.unitCode ?? context.session.requirePrincipal().unitCode, ...summary };
    },
    resolution42Lists: async (_parent: unknown, args: UnitArgs, context: R42Context) => {
      const paths = await subtreeFor(context.session, READ, args.unitCode, context.loaders.units);
      return findR42Lists(context.em, paths);
    },
    resolution42Rows: async (_parent: unknown, args: RowsArgs, context: R42Context) => {
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
    importResolution42List: async (
      _parent: unknown,
      { input }: ImportArgs,
      context: R42Context,
    ): Promise<JobRecord> => {
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
      const upload = await wired(context.files, 'files').stat(fileId, owner.unitPath);
      const payload: R42ImportPayload = {
        fileId: upload.id,
        fileName: upload.fileName,
        categoryCode,
        unitCode: unit.code,
        decisionNumber,
        decisionDate,
      };
      const jobs = wired(context.jobs, 'jobs');
      return upload.bytes <= R42_INLINE_MAX_BYTES
        ? jobs.runNow(R42_IMPORT, payload, owner)
        : jobs.enqueue(R42_IMPORT, payload, owner);
    },
  },
  Job: {
    resolution42Import: async (job: JobRecord, _args: unknown, context: R42Context) => {
      if (job.kind !== R42_IMPORT || job.state !== 'done' || !job.result) return null;
      const { listId, outcome, ...result } = job.result as R42ImportResult;
      return {
        ...result,
        outcome: upper(outcome),
        // The list as it is now (null once removed, or for a reader who no longer reads it).
        list: await findR42ListById(context.em, listId),
      };
    },
  },
  Resolution42List: {
    unit: (list: R42ListView) => ({ id: list.unitId }),
  },
  Resolution42Row: {
    outcome: (row: R42RowView) => upper(row.outcome),
  },
};
