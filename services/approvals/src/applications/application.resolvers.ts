import {
  badInput,
  createUnitLoader,
  entityKey,
  forbidden,
  lower,
  subtreeFor,
  todayInVietnam,
  upper,
  UUID_FORMAT,
  type BaseContext,
} from '@ansinh/common';
import DataLoader from 'dataloader';
import { createCategoryLoader } from '../programs/program.repository.ts';
import type { Application, ApplicationEvent } from './application.entity.ts';
import type { DocumentInput } from './application-input.rule.ts';
import {
  createApplicationEventsLoader,
  createApplicationLoader,
  createApplicationsByPersonLoader,
  createWorkflowUnitLoader,
  findApplications,
  loadWorkflows,
  MAX_APPLICATIONS_PER_QUEUE,
} from './application.repository.ts';
import {
  completeApplicationStep,
  fileApplication,
  rejectApplication,
  resubmitApplication,
  returnApplication,
} from './application.service.ts';
import { stepOf, stepOverdue, type ApplicationState, type Workflow } from './workflow.rule.ts';

/** The request's loaders of this capability (merged into the subgraph's context by the lead). */
export function applicationLoaders(base: BaseContext) {
  const { em } = base;
  let workflows: Promise<Map<string, Workflow>> | undefined;
  return {
    applicationById: createApplicationLoader(em),
    applicationsByPerson: createApplicationsByPersonLoader(em),
    applicationEvents: createApplicationEventsLoader(em),
    applicationCategory: createCategoryLoader(em),
    applicationUnitById: createWorkflowUnitLoader(em),
    applicationUnitByCode: createUnitLoader(em),
    /** Every workflow, read once per request (a handful of rows). */
    applicationWorkflows: new DataLoader<string, Workflow | undefined>(async (ids) => {
      workflows ??= loadWorkflows(em).then((all) => new Map(all.map((workflow) => [workflow.id, workflow])));
      const byId = await workflows;
      return ids.map((id) => byId.get(id));
    }),
  };
}

export type ApplicationsContext = BaseContext & { loaders: ReturnType<typeof applicationLoaders> };

/*
 * Arguments as applications.graphql declares them. Written here rather than imported from the
 * generated resolver types: those import the subgraph's context, which imports this module's loaders
 * (an import cycle). The integration tests go through the schema, so a drift fails them.
 */
type Maybe<T> = T | null | undefined;
type ApplicationDocumentInput = {
  kind: string;
  name: string;
  number?: Maybe<string>;
  issuedOn?: Maybe<string>;
};
type ApplicationFilter = {
  unitCode?: Maybe<string>;
  step?: Maybe<string>;
  state?: Maybe<Uppercase<ApplicationState>>;
  overdue?: Maybe<boolean>;
  first?: Maybe<number>;
};
type MutationFileApplicationArgs = {
  input: {
    personId: string;
    categoryId: string;
    filedOn: string;
    memberCount?: Maybe<number>;
    externalDossierCode?: Maybe<string>;
    documents?: Maybe<ApplicationDocumentInput[]>;
  };
};
type MutationCompleteApplicationStepArgs = {
  id: string;
  expectedStep: string;
  decision?: Maybe<{
    number: string;
    decidedOn: string;
    signerName: string;
    effectiveMonth: string;
    reason?: Maybe<string>;
  }>;
};
type MutationReturnApplicationArgs = { id: string; reason: string; expectedStep?: Maybe<string> };
type MutationRejectApplicationArgs = MutationReturnApplicationArgs;
type MutationResubmitApplicationArgs = { id: string; documents: ApplicationDocumentInput[] };

const DEFAULT_QUEUE_SIZE = 100;
const STEP_CODE = /^[a-z][a-z0-9-]{0,39}$/;

/** An event as the API shows it: its reason hidden with the category when the category is confidential. */
type EventView = ApplicationEvent & { hidesReason: boolean };

/**
 * Whether the caller may not see what would reveal the dossier's category (the category itself, its
 * documents, the reasons written on it): a confidential category (HIV) without entitlement:read-confidential.
 */
async function hidesCategory(application: Application, context: ApplicationsContext): Promise<boolean> {
  if (context.session.allows('entitlement:read-confidential')) return false;
  const category = await context.loaders.applicationCategory.load(application.categoryId);
  return category?.confidential !== false;
}

const confidential = (what: string) =>
  forbidden(
    `Tài khoản của bạn không được xem ${what} của hồ sơ thuộc nhóm đối tượng cần bảo mật (quyền entitlement:read-confidential).`,
  );

async function workflowOf(application: Application, context: ApplicationsContext): Promise<Workflow> {
  const workflow = await context.loaders.applicationWorkflows.load(application.workflowId);
  if (!workflow) throw new Error(`application ${application.id}: no workflow ${application.workflowId}`);
  return workflow;
}

const documentsOf = (documents: readonly ApplicationDocumentInput[] | null | undefined): DocumentInput[] =>
  (documents ?? []).map((document) => ({
    kind: lower(document.kind) as DocumentInput['kind'],
    name: document.name,
    number: document.number,
    issuedOn: document.issuedOn,
  }));

function queueSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_QUEUE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_APPLICATIONS_PER_QUEUE) {
    throw badInput('filter.first', `Số hồ sơ mỗi lần phải từ 1 đến ${MAX_APPLICATIONS_PER_QUEUE}.`);
  }
  return size;
}

function expectedStepOf(value: string | null | undefined): string | undefined {
  if (value == null) return undefined;
  if (!STEP_CODE.test(value)) throw badInput('expectedStep', 'Mã bước không hợp lệ.');
  return value;
}

export const applicationResolvers = {
  Query: {
    applications: async (
      _parent: unknown,
      args: { filter?: ApplicationFilter | null },
      context: ApplicationsContext,
    ) => {
      const filter = args.filter ?? {};
      const unitPaths = await subtreeFor(
        context.session,
        'entitlement:read',
        filter.unitCode,
        context.loaders.applicationUnitByCode,
        'filter.unitCode',
      );
      if (filter.step != null && !STEP_CODE.test(filter.step)) {
        throw badInput('filter.step', 'Mã bước không hợp lệ.');
      }
      return findApplications(context.em, {
        unitPaths,
        step: filter.step ?? undefined,
        state: filter.state ? lower(filter.state) : undefined,
        overdue: filter.overdue ?? undefined,
        first: queueSize(filter.first),
      });
    },
  },
  Mutation: {
    fileApplication: (
      _parent: unknown,
      { input }: MutationFileApplicationArgs,
      context: ApplicationsContext,
    ) =>
      fileApplication(context.em, context.session, {
        personId: input.personId,
        categoryId: input.categoryId,
        filedOn: input.filedOn,
        memberCount: input.memberCount,
        externalDossierCode: input.externalDossierCode,
        documents: documentsOf(input.documents),
      }),
    completeApplicationStep: (
      _parent: unknown,
      args: MutationCompleteApplicationStepArgs,
      context: ApplicationsContext,
    ) =>
      completeApplicationStep(
        context.em,
        context.session,
        args.id,
        expectedStepOf(args.expectedStep) ?? '',
        args.decision && {
          number: args.decision.number,
          decidedOn: args.decision.decidedOn,
          signerName: args.decision.signerName,
          effectiveMonth: args.decision.effectiveMonth,
          reason: args.decision.reason ?? null,
        },
      ),
    returnApplication: (
      _parent: unknown,
      args: MutationReturnApplicationArgs,
      context: ApplicationsContext,
    ) =>
      returnApplication(context.em, context.session, args.id, args.reason, expectedStepOf(args.expectedStep)),
    rejectApplication: (
      _parent: unknown,
      args: MutationRejectApplicationArgs,
      context: ApplicationsContext,
    ) =>
      rejectApplication(context.em, context.session, args.id, args.reason, expectedStepOf(args.expectedStep)),
    resubmitApplication: (
      _parent: unknown,
      args: MutationResubmitApplicationArgs,
      context: ApplicationsContext,
    ) => resubmitApplication(context.em, context.session, args.id, documentsOf(args.documents)),
  },
  Person: {
    applications: (person: { id: string }, _args: unknown, context: ApplicationsContext) => {
      context.session.assert('entitlement:read');
      return context.loaders.applicationsByPerson.load(person.id);
    },
  },
  Application: {
    __resolveReference: async (reference: unknown, context: ApplicationsContext) => {
      context.session.assert('entitlement:read');
      const id = entityKey(reference, 'id', UUID_FORMAT);
      // Row-level security hides a dossier out of scope: null, as for an id that does not exist.
      return (await context.loaders.applicationById.load(id.toLowerCase())) ?? null;
    },
    person: (application: Application) => ({ id: application.personId }),
    unit: (application: Application) => ({ id: application.unitId }),
    unitCode: async (application: Application, _args: unknown, context: ApplicationsContext) => {
      const unit = await context.loaders.applicationUnitById.load(application.unitId);
      if (!unit)
        throw new Error(
          `application ${application.id}: unit ${application.unitId} is not in registry.v_units`,
        );
      return unit.code;
    },
    category: async (application: Application, _args: unknown, context: ApplicationsContext) => {
      if (await hidesCategory(application, context)) throw confidential('nhóm đối tượng');
      return context.loaders.applicationCategory.load(application.categoryId);
    },
    source: (application: Application) => upper(application.source),
    state: (application: Application) => upper(application.state),
    workflowName: async (application: Application, _args: unknown, context: ApplicationsContext) =>
      (await workflowOf(application, context)).name,
    currentStep: async (application: Application, _args: unknown, context: ApplicationsContext) => {
      const step = stepOf(await workflowOf(application, context), application.currentStep ?? null);
      if (!step) return null;
      return {
        code: step.code,
        name: step.name,
        role: upper(step.role),
        unitLevel: upper(step.unitLevel),
        limitWorkingDays: step.limitWorkingDays,
        isDecision: step.isDecision,
        startedOn: application.stepStartedOn ?? null,
        dueOn: application.stepDueOn ?? null,
        overdue: stepOverdue(application.state, application.stepDueOn ?? null, todayInVietnam()),
      };
    },
    events: async (
      application: Application,
      _args: unknown,
      context: ApplicationsContext,
    ): Promise<EventView[]> => {
      const hidesReason = await hidesCategory(application, context);
      const events = await context.loaders.applicationEvents.load(application.id);
      return events.map((event) => ({ ...event, hidesReason }));
    },
    documents: async (application: Application, _args: unknown, context: ApplicationsContext) => {
      if (await hidesCategory(application, context)) throw confidential('giấy tờ');
      return application.documents.map((document) => ({ ...document, kind: upper(document.kind) }));
    },
  },
  ApplicationEvent: {
    action: (event: EventView) => upper(event.action),
    unit: (event: EventView) => ({ id: event.unitId }),
    at: (event: EventView) => event.at.toISOString(),
    reason: (event: EventView) => {
      if (event.reason !== null && event.reason !== undefined && event.hidesReason)
        throw confidential('lý do');
      return event.reason ?? null;
    },
  },
};
