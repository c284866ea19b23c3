import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { SUPERGRAPH_PATH } from '@ansinh/schema';
import { mutationOwners, uploadService } from './file-routing.ts';

/** A supergraph where Mutation spans two subgraphs, with a shared field and an external one. */
const TWO_SUBGRAPHS = `
schema { query: Query mutation: Mutation }
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!) repeatable on OBJECT
directive @join__field(graph: join__Graph, external: Boolean) repeatable on FIELD_DEFINITION
enum join__Graph {
  REGISTRY @join__graph(name: "registry", url: "http://r")
  PAYMENTS @join__graph(name: "payments", url: "http://p")
}
type Query @join__type(graph: REGISTRY) { a: Int }
type Mutation @join__type(graph: REGISTRY) @join__type(graph: PAYMENTS) {
  importPersons(file: String): Int @join__field(graph: REGISTRY)
  createPerson: Int @join__field(graph: REGISTRY)
  uploadDisbursementFile(file: String): Int @join__field(graph: PAYMENTS) @join__field(graph: REGISTRY, external: true)
  cancelJob(id: ID): Int @join__field(graph: REGISTRY) @join__field(graph: PAYMENTS)
}
`;

describe('mutationOwners', () => {
  it('reads field owners, leaving out external fields', () => {
    const owners = mutationOwners(TWO_SUBGRAPHS);
    expect(owners.get('importPersons')).toEqual(['registry']);
    expect(owners.get('uploadDisbursementFile')).toEqual(['payments']);
    expect(owners.get('cancelJob')).toEqual(['registry', 'payments']);
  });

  it('reads the checked-in supergraph: importPersons belongs to the registry', () => {
    const owners = mutationOwners(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    expect(owners.get('importPersons')).toEqual(['registry']);
    expect(owners.size).toBeGreaterThan(5);
  });
});

describe('uploadService', () => {
  const owners = mutationOwners(TWO_SUBGRAPHS);
  const service = (query: string, operationName?: string) =>
    uploadService({ query, operationName }, owners, 1000);

  it('sends the files to the subgraph owning the mutation, whichever it is', () => {
    expect(service('mutation ($f: Upload!) { importPersons(file: $f) }')).toBe('registry');
    expect(service('mutation ($f: Upload!) { uploadDisbursementFile(file: $f) __typename }')).toBe(
      'payments',
    );
    expect(
      service(
        'mutation M($f: Upload!) { ...F } fragment F on Mutation { importPersons(file: $f) createPerson }',
      ),
    ).toBe('registry');
    // A field several subgraphs share goes where the other fields are.
    expect(service('mutation ($f: Upload!) { cancelJob(id: 1) uploadDisbursementFile(file: $f) }')).toBe(
      'payments',
    );
    expect(service('query Q { a } mutation M($f: Upload!) { importPersons(file: $f) }', 'M')).toBe(
      'registry',
    );
  });

  it.each([
    ['a broken query', 'mutation {', undefined, /không chứa một truy vấn GraphQL hợp lệ/],
    ['a query', 'query ($f: Upload!) { a }', undefined, /mutation/],
    [
      'fields of two subgraphs',
      'mutation { importPersons(file: 1) uploadDisbursementFile(file: 2) }',
      undefined,
      /cùng một dịch vụ/,
    ],
    ['an unknown field', 'mutation { dropEverything }', undefined, /cùng một dịch vụ/],
    ['only a shared field', 'mutation { cancelJob(id: 1) }', undefined, /Không xác định được dịch vụ/],
    [
      'two operations without a name',
      'mutation A { createPerson } mutation B { createPerson }',
      undefined,
      /operationName/,
    ],
    ['a name that matches nothing', 'mutation A { createPerson }', 'B', /operationName/],
    ['too many tokens', `mutation { ${'createPerson '.repeat(2000)} }`, undefined, /hợp lệ/],
  ])('refuses %s with a 400', (_label, query, operationName, message) => {
    expect(() => service(query, operationName)).toThrow(
      expect.objectContaining({ status: 400, message: expect.stringMatching(message) }),
    );
  });
});
