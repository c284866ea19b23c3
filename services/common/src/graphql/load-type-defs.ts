import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DocumentNode } from 'graphql';
import { gql } from 'graphql-tag';

/** The subgraph's SDL: `schema.graphql` at the root of the package whose `src/` module calls this. */
export function loadTypeDefs(moduleUrl: string): DocumentNode {
  return gql(readFileSync(fileURLToPath(new URL('../schema.graphql', moduleUrl)), 'utf8'));
}
