import { isUnionType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { badInput } from '../errors/app-error.ts';
import { checkIdentifier } from './text-policy.ts';

/**
 * An identifier argument (a uuid, a unit code) checked against its format before it reaches the
 * database: anything else is a BAD_USER_INPUT on the field, whose message does not repeat the value.
 */
export function identifierArgument(value: unknown, format: RegExp, field: string, label: string): string {
  const result = checkIdentifier(value, format, label);
  if (!result.ok) throw badInput(field, result.message);
  return result.text;
}

/**
 * The key of an entity representation (`_entities`), checked against its format: a missing, mistyped or
 * malformed key is a BAD_USER_INPUT on `representations`, not an internal error.
 */
export function entityKey(reference: unknown, key: string, format: RegExp): string {
  const value =
    typeof reference === 'object' && reference !== null
      ? (reference as Record<string, unknown>)[key]
      : undefined;
  const result = checkIdentifier(value, format, `Khóa "${key}" của thực thể`);
  if (!result.ok) throw badInput('representations', result.message);
  return result.text;
}

/**
 * Makes `_entities` of a subgraph schema refuse, as BAD_USER_INPUT on `representations`, any
 * representation that is not an object naming one of the schema's entity types (`@key`); Apollo's own
 * resolver throws a plain error for those, answered as an internal error. Returns the same schema.
 */
export function refuseMalformedRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()['_entities'];
  const entityUnion = schema.getType('_Entity');
  if (!field?.resolve || !isUnionType(entityUnion)) return schema;
  const entityTypes = new Set(entityUnion.getTypes().map((type) => type.name));
  const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve;
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    const representations = args.representations;
    if (!Array.isArray(representations)) {
      throw badInput('representations', 'Danh sách biểu diễn thực thể không hợp lệ.');
    }
    representations.forEach((representation: unknown, index) => {
      const typename =
        typeof representation === 'object' && representation !== null && !Array.isArray(representation)
          ? (representation as { __typename?: unknown }).__typename
          : undefined;
      if (typeof typename !== 'string' || !entityTypes.has(typename)) {
        throw badInput(
          'representations',
          `Biểu diễn thực thể thứ ${index + 1} không hợp lệ: cần một đối tượng có __typename là một kiểu thực thể của dịch vụ.`,
        );
      }
    });
    return resolve(source, args, context, info);
  };
  return schema;
}
