import { getNamedType, getNullableType, isLeafType, isListType } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';

/** Expected number of items of a list field, by `Type.field` (`Query.paymentLines`, `DataGap.persons`). */
export type ListSizes = Readonly<Record<string, number>>;

/** Arguments that size a page of a list or connection. */
const SIZE_ARGUMENTS = ['first', 'last', 'limit'] as const;

/**
 * Cost of a field = 1 + (its children's cost × the number of items it can return): the page size
 * asked for (`first`/`limit`, defaults applied, variables applied), the number of `_entities`
 * representations, a known size from `sizes`, or `defaultListSize` for any other list. The lists
 * inside a `…Connection` are already counted by the field that returned the connection.
 * A leaf list (of scalars) costs its number of items.
 */
export function listCostEstimator(options: {
  defaultListSize: number;
  sizes?: ListSizes | undefined;
}): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const multiplier = itemsOf(type.name, field.name, field.type, args, options);
    const leaf = isLeafType(getNamedType(field.type));
    return leaf ? Math.max(1, multiplier) : 1 + multiplier * childComplexity;
  };
}

function itemsOf(
  parentName: string,
  fieldName: string,
  fieldType: Parameters<typeof getNullableType>[0],
  args: Record<string, unknown>,
  options: { defaultListSize: number; sizes?: ListSizes | undefined },
): number {
  if (fieldName === '_entities' && Array.isArray(args.representations)) return args.representations.length;
  for (const name of SIZE_ARGUMENTS) {
    const value = args[name];
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, Math.ceil(value));
  }
  if (!isListType(getNullableType(fieldType))) return 1;
  if (parentName.endsWith('Connection')) return 1;
  return options.sizes?.[`${parentName}.${fieldName}`] ?? options.defaultListSize;
}
