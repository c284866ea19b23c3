import { badInput, entityKey, lower, subtreeFor, todayInVietnam, upper, UUID_FORMAT } from '@ansinh/common';
import type { ApprovalsContext } from '../context.ts';
import type {
  ApplicationDocumentInput,
  ApplicationDocumentKind,
  ApplicationState as ApplicationStateValue,
  Resolvers,
  WorkflowRole,
  WorkflowUnitLevel,
} from '../generated/resolvers-types.ts';
import type { Application } from './application.entity.ts';
import type { DocumentInput } from './application-input.rule.ts';
import { findApplications, MAX_APPLICATIONS_PER_QUEUE } from './application.repository.ts';
import {
  completeApplicationStep,
  fileApplication,
  rejectApplication,
  resubmitApplication,
  returnApplication,
} from './application.service.ts';
import { stepOf, stepOverdue, type Workflow } from './workflow.rule.ts';

const DEFAULT_QUEUE_SIZE = 100;
const STEP_CODE = /^[a-z][a-z0-9-]{0,39}$/;

async function workflowOf(application: Application, context: ApprovalsContext): Promise<Workflow> {
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
    applications: async (_parent, args, context) => {
      const filter = args.filter ?? {};
      const unitPaths = await subtreeFor(
        context.session,
        'entitlement:read',
        filter.unitCode,
        context.loaders.units,
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
    fileApplication: (_parent, { input }, context) =>
      fileApplication(context.em, context.session, {
        personId: input.personId,
        categoryId: input.categoryId,
        filedOn: input.filedOn,
        memberCount: input.memberCount,
        externalDossierCode: input.externalDossierCode,
        documents: documentsOf(input.documents),
      }),
    completeApplicationStep: (_parent, args, context) =>
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
        args.overrideReason,
      ),
    returnApplication: (_parent, args, context) =>
      returnApplication(context.em, context.session, args.id, args.reason, expectedStepOf(args.expectedStep)),
    rejectApplication: (_parent, args, context) =>
      rejectApplication(context.em, context.session, args.id, args.reason, expectedStepOf(args.expectedStep)),
    resubmitApplication: (_parent, args, context) =>
      resubmitApplication(context.em, context.session, args.id, documentsOf(args.documents)),
  },
  Person: {
    applications: (person, _args, context) => {
      context.session.assert('entitlement:read');
      return context.loaders.applicationsByPerson.load(person.id);
    },
  },
  Application: {
    __resolveReference: async (reference, context) => {
      context.session.assert('entitlement:read');
      const id = entityKey(reference, 'id', UUID_FORMAT);
      // Row-level security hides a dossier out of scope: null, as for an id that does not exist.
      return (await context.loaders.applicationById.load(id.toLowerCase())) ?? null;
    },
    person: (application) => ({ id: application.personId }),
    unit: (application) => ({ id: application.unitId }),
    unitCode: async (application, _args, context) => {
      const unit = await context.loaders.unitById.load(application.unitId);
      if (!unit)
        throw new Error(
          `application ${application.id}: unit ${application.unitId} is not in registry.v_units`,
        );
      return unit.code;
    },
    category: async (application, _args, context) =>
      (await context.loaders.categoryById.load(application.categoryId)) ?? null,
    source: (application) => upper(application.source),
    state: (application) => upper(application.state) as ApplicationStateValue,
    workflowName: async (application, _args, context) => (await workflowOf(application, context)).name,
    currentStep: async (application, _args, context) => {
      const step = stepOf(await workflowOf(application, context), application.currentStep ?? null);
      if (!step) return null;
      return {
        code: step.code,
        name: step.name,
        role: upper(step.role) as WorkflowRole,
        unitLevel: upper(step.unitLevel) as WorkflowUnitLevel,
        limitWorkingDays: step.limitWorkingDays,
        isDecision: step.isDecision,
        startedOn: application.stepStartedOn ?? null,
        dueOn: application.stepDueOn ?? null,
        overdue: stepOverdue(application.state, application.stepDueOn ?? null, todayInVietnam()),
      };
    },
    events: (application, _args, context) => context.loaders.applicationEvents.load(application.id),
    documents: (application) =>
      application.documents.map((document) => ({
        ...document,
        kind: upper(document.kind) as ApplicationDocumentKind,
      })),
  },
  ApplicationEvent: {
    action: (event) => upper(event.action),
    unit: (event) => ({ id: event.unitId }),
    at: (event) => event.at.toISOString(),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Person' | 'Application' | 'ApplicationEvent'>;
