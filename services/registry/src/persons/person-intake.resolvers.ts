import { lower } from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';
import { intakePersons } from './person-intake.service.ts';

/** `intakePersons`: the approvals subgraph's intake, on a provincial system's behalf (see person-intake.service.ts). */
export const personIntakeResolvers = {
  Mutation: {
    intakePersons: async (_parent, { inputs }, context) => {
      const outcomes = await intakePersons(
        context.em,
        context.session,
        inputs.map((input) => ({ ...input, gender: input.gender ? lower(input.gender) : null })),
      );
      return outcomes.map((outcome, index) =>
        'error' in outcome
          ? {
              index,
              personId: null,
              created: false,
              error: {
                code: outcome.error.code,
                field: outcome.error.field ?? null,
                message: outcome.error.message,
                fields: fieldsOf(outcome.error.details),
              },
            }
          : { index, personId: outcome.personId, created: outcome.created, error: null },
      );
    },
  },
} satisfies Pick<Resolvers, 'Mutation'>;

function fieldsOf(details: Readonly<Record<string, unknown>> | undefined): string[] | null {
  const fields = details?.['fields'];
  return Array.isArray(fields) ? fields.filter((field): field is string => typeof field === 'string') : null;
}
