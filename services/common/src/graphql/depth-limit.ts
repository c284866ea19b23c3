import type { ValidationRule } from 'graphql';
import { operationLimitRules } from './operation-limits.ts';

/**
 * Refuses operations nested deeper than `maxDepth` fields (fragments followed once each, `__schema`
 * not counted), so that one request cannot fan out across the subgraphs without bound: GraphQL
 * Armor's max-depth rule with a Vietnamese QUERY_TOO_COMPLEX error.
 */
export function depthLimit(maxDepth: number): ValidationRule {
  return operationLimitRules({ maxDepth, maxAliases: Infinity, maxDirectives: Infinity })[0]!;
}
