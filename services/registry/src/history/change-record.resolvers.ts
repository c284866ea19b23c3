import { Kind, isObjectType, type GraphQLSchema } from 'graphql';
import { PERMISSIONS, type Action, type Session } from '@ansinh/common';
import type { ChangeAction, Resolvers } from '../generated/resolvers-types.ts';
import { upper } from '../persons/person.resolvers.ts';

const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);

/** The GraphQL type whose fields show the columns of each table the history records. */
const TYPE_OF_TABLE: Record<string, string> = {
  persons: 'Person',
  households: 'Household',
  payment_accounts: 'PaymentAccount',
};

/** Columns kept beside a field, derived from it: they reveal what the field does. */
const DERIVED_FROM: Record<string, string> = { name_folded: 'fullName', birth_year: 'birthDate' };

const camel = (column: string) =>
  column.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

/** The action of the `@sensitive` directive on `Type.field` in the subgraph's schema, if any. */
function sensitiveActionOf(schema: GraphQLSchema, typeName: string, fieldName: string): Action | undefined {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) return undefined;
  const field = type.getFields()[fieldName];
  const directive = field?.astNode?.directives?.find((candidate) => candidate.name.value === 'sensitive');
  const value = directive?.arguments?.find((argument) => argument.name.value === 'action')?.value;
  return value?.kind === Kind.STRING && Object.hasOwn(PERMISSIONS, value.value)
    ? (value.value as Action)
    : undefined;
}

/**
 * A recorded row as the caller may see it: each column shown on a `@sensitive` field of the
 * table's type (or derived from one) is left out unless a role of the caller grants its action,
 * so that the history never shows what the live record hides. Driven by the SDL: a field marked
 * sensitive tomorrow is hidden here too.
 */
export function visibleValues(
  row: Record<string, unknown> | null | undefined,
  table: string,
  session: Session,
  schema: GraphQLSchema,
): string | null {
  if (!row) return null;
  const typeName = TYPE_OF_TABLE[table];
  const visible: Record<string, unknown> = Object.create(null);
  for (const [column, value] of Object.entries(row)) {
    const action = typeName
      ? sensitiveActionOf(schema, typeName, DERIVED_FROM[column] ?? camel(column))
      : undefined;
    if (!typeName || action === undefined || session.allows(action)) visible[column] = value;
  }
  // Unknown tables show no values at all rather than columns nobody classified.
  return typeName ? JSON.stringify(visible) : null;
}

export const changeRecordResolvers = {
  ChangeRecord: {
    id: (record) => String(record.id),
    entity: (record) => record.tableName,
    entityId: (record) => record.rowId,
    action: (record) => upper(record.action) as ChangeAction,
    changedAt: (record) => iso(record.changedAt),
    changedBy: (record) => record.actorName,
    changedByUnitCode: (record) => record.actorUnitCode,
    before: (record, _args, context, info) =>
      visibleValues(record.before, record.tableName, context.session, info.schema),
    after: (record, _args, context, info) =>
      visibleValues(record.after, record.tableName, context.session, info.schema),
  },
} satisfies Pick<Resolvers, 'ChangeRecord'>;
