import type { GraphQLSchema } from 'graphql';
import {
  changeRecordResolvers as sharedChangeRecordResolvers,
  visibleValues as visibleHistoryValues,
  type HistoryFieldMap,
  type Session,
} from '@ansinh/common';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** The GraphQL type whose fields show the columns of each table the history records, and the derived columns. */
const HISTORY_FIELDS: HistoryFieldMap = {
  typeOfTable: { persons: 'Person', households: 'Household', payment_accounts: 'PaymentAccount' },
  derivedFrom: { name_folded: 'fullName', birth_year: 'birthDate' },
};

/** A recorded registry row as the caller may see it (see `visibleValues` in @ansinh/common). */
export function visibleValues(
  row: Record<string, unknown> | null | undefined,
  table: string,
  session: Session,
  schema: GraphQLSchema,
): string | null {
  return visibleHistoryValues(row, table, session, schema, HISTORY_FIELDS);
}

export const changeRecordResolvers = {
  ChangeRecord: {
    ...sharedChangeRecordResolvers(HISTORY_FIELDS),
    // The registry's history holds the unit's version id; its code is what officials read.
    unitCode: async (record, _args, context) =>
      record.unitId ? ((await context.loaders.unitById.load(record.unitId))?.code ?? null) : null,
    reason: (record) => record.reason ?? null,
  },
} satisfies Pick<Resolvers, 'ChangeRecord'>;
