import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export const SUBGRAPH_NAMES = ['registry', 'approvals', 'payments', 'reporting'] as const;
const root = new URL('../../', import.meta.url);
export const SUPERGRAPH_PATH = fileURLToPath(new URL('schema/supergraph.graphql', root));

/** Placeholder URLs in the checked-in supergraph; the gateway routes by subgraph name from its config. */
const placeholderUrl = (name: string) => `http://${name}.subgraph.invalid/graphql`;

export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: placeholderUrl(name),
      typeDefs: parse(readFileSync(fileURLToPath(new URL(`services/${name}/schema.graphql`, root)), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new Error(
      `supergraph composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`,
    );
  }
  return result.supergraphSdl;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SUPERGRAPH_PATH, composeSupergraph());
  console.log(`wrote ${SUPERGRAPH_PATH}`);
}
