import { expect, it } from '@jest/globals';
import { SUBGRAPH_SERVICES } from './subgraph-services.ts';
import { SUBGRAPHS } from './subgraphs.ts';

it("lists each subgraph as its definition has it, in the definitions' (migration) order", () => {
  expect(SUBGRAPH_SERVICES).toEqual(
    SUBGRAPHS.map(({ name, schema, defaultPort }) => ({ name, schema, defaultPort })),
  );
});
