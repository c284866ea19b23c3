import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getArgumentValues,
  getOperationAST,
  GraphQLError,
  TypeInfo,
  ValidationContext,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import createComplexityRule from 'graphql-query-complexity';
import { listCostEstimator, type ListSizes } from './cost-estimator.ts';
import { limitError, type OperationLimit } from './limit-error.ts';

/** Bounds of one operation; every number comes from the service's zod config. */
export type OperationLimits = {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  /** Cost multiplier of a list field without a `first`/`limit` argument and without a known size. */
  defaultListSize: number;
  /** Known sizes of lists, by `Type.field`. */
  listSizes?: ListSizes;
  /** Subgraphs only: most `_entities` representations in one request (undefined: not checked). */
  maxRepresentations?: number;
};

const foundIn = (error: GraphQLError): number | undefined => {
  const match = /found (\d+)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
};

/** Deep enough for the standard introspection query (graphql-js getIntrospectionQuery). */
const INTROSPECTION_MAX_DEPTH = 20;

/** Armor's rules throw (a 500) unless told otherwise: report a QUERY_TOO_COMPLEX error instead. */
const reportAs =
  (limit: OperationLimit, max: number) => (context: ValidationContext | null, error: GraphQLError) =>
    context?.reportError(limitError(limit, max, foundIn(error)));

/**
 * GraphQL Armor's depth, alias and directive limits as validation rules, each refusal a
 * QUERY_TOO_COMPLEX error with a Vietnamese message. Fragments are followed once each (Armor caches them).
 */
export function operationLimitRules(
  limits: Pick<OperationLimits, 'maxDepth' | 'maxAliases' | 'maxDirectives'>,
): ValidationRule[] {
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  return [
    maxDepthRule({
      ...common,
      n: limits.maxDepth,
      flattenFragments: true,
      onReject: [reportAs('depth', limits.maxDepth)],
    }) as unknown as ValidationRule,
    // Armor's depth leaves introspection out: bound it too, above the depth of the standard introspection
    // query (about 13), so that GraphiQL and code generators work and 60 nested `ofType`s do not.
    maxDepthRule({
      ...common,
      n: Math.max(limits.maxDepth, INTROSPECTION_MAX_DEPTH),
      ignoreIntrospection: false,
      flattenFragments: true,
      onReject: [reportAs('depth', Math.max(limits.maxDepth, INTROSPECTION_MAX_DEPTH))],
    }) as unknown as ValidationRule,
    maxAliasesRule({
      ...common,
      n: limits.maxAliases,
      onReject: [reportAs('aliases', limits.maxAliases)],
    }) as unknown as ValidationRule,
    maxDirectivesRule({
      ...common,
      n: limits.maxDirectives,
      onReject: [reportAs('directives', limits.maxDirectives)],
    }) as unknown as ValidationRule,
  ];
}

/**
 * Parser options of the token limit: graphql-js stops lexing at the first token over the limit (a
 * 100,000-field request is not parsed whole); `formatLimitError` turns its syntax error into a
 * QUERY_TOO_COMPLEX refusal.
 */
export const tokenLimitParseOptions = (maxTokens: number) => ({ maxLexicalTokens: maxTokens });

/**
 * Estimated cost of the operation with its variables applied: each field costs 1, a list's
 * children count once per expected item (its `first`/`limit`, the `_entities` representations, a
 * known size, or the default). Throws QUERY_TOO_COMPLEX over `maxCost`.
 */
export function assertCostLimit(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
  limits: Pick<OperationLimits, 'maxCost' | 'defaultListSize' | 'listSizes'>,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0; // Apollo refuses an unknown operation name itself
  const errors: GraphQLError[] = [];
  const context = new ValidationContext(schema, document, new TypeInfo(schema), (error) =>
    errors.push(error),
  );
  const estimator = createComplexityRule({
    maximumComplexity: Number.MAX_SAFE_INTEGER,
    variables: variables ?? {},
    estimators: [listCostEstimator({ defaultListSize: limits.defaultListSize, sizes: limits.listSizes })],
    // Fragments spread in layers are walked each time: count nodes so that this estimate cannot itself be the
    // attack. 10,000 is several times what the 3,000-token operation limit lets a real query expand to.
    maxQueryNodes: 10_000,
  })(context);
  try {
    // Only the operation asked for, without walking the whole document with type information as getComplexity does.
    estimator.onOperationDefinitionEnter(operation);
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/i.test(error.message))
      throw limitError('cost', limits.maxCost);
    throw error;
  }
  const [invalid] = errors;
  if (invalid) {
    // Variables that do not fit their types: the same refusal execution would give, before any work.
    throw new GraphQLError(invalid.message, {
      ...(invalid.nodes ? { nodes: invalid.nodes } : {}),
      extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
    });
  }
  const cost = estimator.complexity;
  if (!Number.isFinite(cost) || cost > limits.maxCost)
    throw limitError('cost', limits.maxCost, Number.isFinite(cost) ? cost : undefined);
  return cost;
}

/** Root fields an operation selects (fragments on the root type followed), with their nodes. */
export function rootFields(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const fields: FieldNode[] = [];
  const seen = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return fields;
}

/** Number of `_entities` representations the operation asks for, all `_entities` fields together. */
export function representationCount(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): number {
  const entitiesField = schema.getQueryType()?.getFields()._entities;
  if (!entitiesField) return 0;
  let count = 0;
  for (const field of rootFields(document, operation)) {
    if (field.name.value !== '_entities') continue;
    try {
      const { representations } = getArgumentValues(entitiesField, field, variables ?? {});
      if (Array.isArray(representations)) count += representations.length;
    } catch {
      // Malformed arguments are refused by the cost check (variable coercion) and by execution.
    }
  }
  return count;
}

/**
 * The Apollo plugin of these limits: representations and cost once the operation and its
 * variables are known, before anything is resolved or any subgraph is called (tokens are bounded
 * by the parser, depth, aliases and directives by the validation rules).
 * `onCost` (the gateway's rate limiter) may refuse the operation with its own error.
 */
export function operationLimitsPlugin<TContext extends BaseContext>(
  limits: OperationLimits,
  hooks: { onCost?: (cost: number, request: GraphQLRequestContext<TContext>) => void | Promise<void> } = {},
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(request) {
          const { document, operation, schema } = request;
          if (!operation) return; // Apollo refuses an unknown operation name itself
          const variables = request.request.variables;
          if (limits.maxRepresentations !== undefined) {
            const count = representationCount(schema, document, operation, variables);
            if (count > limits.maxRepresentations)
              throw limitError('representations', limits.maxRepresentations, count);
          }
          const cost = assertCostLimit(
            schema,
            document,
            request.operationName ?? undefined,
            variables,
            limits,
          );
          await hooks.onCost?.(cost, request);
        },
      };
    },
  };
}
