import { lower, type AppError } from '@ansinh/common';
import { approvalsConfig, approvalsConfigOf, type ApprovalsConfig } from '../../config.ts';
import type { ApprovalsContext } from '../../context.ts';
import type {
  IntakeDossierInput as IntakeDossierArgument,
  IntakeError,
  Resolvers,
} from '../../generated/resolvers-types.ts';
import type { DocumentInput } from '../../applications/application-input.rule.ts';
import type { IntakeDossierInput } from './intake-input.rule.ts';
import { intakeCaller, submitDossiers, type IntakeOutcome } from './intake.service.ts';
import { registryPersonsClient, type RegistryPersons } from './registry-persons.client.ts';

const configs = new WeakMap<NodeJS.ProcessEnv, ApprovalsConfig>();
const clients = new WeakMap<ApprovalsConfig, RegistryPersons>();

/** The registry client of the environment the subgraph was started with (an in-process stack passes its REGISTRY_URL). */
function registryOf(env: NodeJS.ProcessEnv): RegistryPersons {
  let config = configs.get(env);
  if (!config) {
    config = env === process.env ? approvalsConfig : approvalsConfigOf(env);
    configs.set(env, config);
  }
  let client = clients.get(config);
  if (!client) {
    client = registryPersonsClient(config.registry);
    clients.set(config, client);
  }
  return client;
}

const inputOf = (input: IntakeDossierArgument): IntakeDossierInput => ({
  source: input.source,
  externalCode: input.externalCode,
  communeCode: input.communeCode,
  applicant: { ...input.applicant, gender: input.applicant.gender ? lower(input.applicant.gender) : null },
  categoryCode: input.categoryCode,
  filedOn: input.filedOn,
  memberCount: input.memberCount,
  documents: (input.documents ?? []).map((document) => ({
    kind: lower(document.kind) as DocumentInput['kind'],
    name: document.name,
    number: document.number,
    issuedOn: document.issuedOn,
  })),
});

/** A refusal as a batch result reports it: the field paths inside `inputs[index]`. */
function errorOf(error: AppError, prefix: string): IntakeError {
  const fields = error.details?.['fields'];
  return {
    code: error.code,
    field: error.field ? `${prefix}${error.field}` : null,
    message: error.message,
    fields: Array.isArray(fields) ? fields.map((field) => `${prefix}${String(field)}`) : null,
  };
}

const resultOf = (outcome: IntakeOutcome, prefix: string) => ({
  index: outcome.index,
  externalCode: outcome.externalCode,
  application: outcome.application,
  created: outcome.created,
  resubmitted: outcome.resubmitted,
  error: outcome.error ? errorOf(outcome.error, prefix) : null,
});

async function submit(context: ApprovalsContext, inputs: readonly IntakeDossierArgument[]) {
  const caller = await intakeCaller(context.em, context.session, {
    authorization: context.authorization,
    requestId: context.requestId,
  });
  return submitDossiers(context.em, context.session, registryOf(context.env), caller, inputs.map(inputOf), {
    logger: context.logger.child({ module: 'sync-intake' }),
  });
}

/** `submitApplication(s)`: the province's one-stop system files dossiers (intake.service.ts). */
export const intakeResolvers = {
  Mutation: {
    submitApplication: async (_parent, { input }, context) => {
      const [outcome] = await submit(context, [input]);
      // One dossier: its refusal is the answer's error, as any other mutation's.
      if (outcome!.error) throw outcome!.error;
      return resultOf(outcome!, '');
    },
    submitApplications: async (_parent, { inputs }, context) =>
      (await submit(context, inputs)).map((outcome) => resultOf(outcome, `inputs[${outcome.index}].`)),
  },
} satisfies Pick<Resolvers, 'Mutation'>;
