import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { generate } from '@graphql-codegen/cli';
import type { CodegenConfig } from '@graphql-codegen/cli';
import ts from 'typescript';
import { API_SCHEMA_PATH } from '../src/compose.ts';

// Proves what schema/README.md tells client teams: GraphQL Code Generator's client preset builds a
// typed client from schema/api.graphql, and that client typechecks under strict TypeScript.

const OPERATIONS_PATH = fileURLToPath(new URL('client-operations.graphql', import.meta.url));
const REPO_NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/** The configuration schema/README.md shows, with this test's paths. */
const clientConfig = (documents: string, outDir: string): CodegenConfig => ({
  schema: API_SCHEMA_PATH,
  documents,
  silent: true,
  generates: {
    [`${outDir}/`]: {
      preset: 'client',
      config: { scalars: { VND: 'number', Upload: 'File' }, enumsAsTypes: true, useTypeImports: true },
    },
  },
});

async function generateInto(documents: string, outDir: string): Promise<string[]> {
  // Typed by hand: generate() declares `any` because of its watch mode, unused here.
  const files = (await generate(clientConfig(documents, outDir), false)) as {
    filename: string;
    content: string;
  }[];
  for (const file of files) {
    mkdirSync(dirname(file.filename), { recursive: true });
    writeFileSync(file.filename, file.content);
  }
  return files.map((file) => file.filename);
}

// Client code as a client team would write it: a small fetch wrapper typed by the generated
// documents. Each @ts-expect-error line must really be an error, or the typecheck fails.
const CLIENT_SOURCE = `
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AdministrativeUnitDocument,
  CreatePersonDocument,
  PersonsWithEntitlementsDocument,
  type EntitlementStatus,
  type UnitLevel,
} from './generated/graphql';

async function request<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token: string,
): Promise<TResult> {
  const response = await fetch('http://localhost:4000/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: \`Bearer \${token}\` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TResult; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.map((error) => error.message).join('; ') ?? 'no data');
  return body.data;
}

export async function monthlyTotal(token: string, unitCode: string): Promise<number> {
  const { persons } = await request(PersonsWithEntitlementsDocument, { unitCode, first: 100, month: '2026-01' }, token);
  const count: number = persons.totalCount;
  const next: string | null = persons.pageInfo.endCursor;
  let total = 0;
  for (const { node } of persons.edges) {
    // Null, with a FORBIDDEN error, for roles that may not read them (least privilege per field).
    const name: string | null = node.fullName;
    const citizenId: string | null = node.citizenId;
    for (const entitlement of node.entitlements) {
      const status: EntitlementStatus = entitlement.status;
      if (status === 'ACTIVE') total += entitlement.monthlyAmount ?? 0;
    }
    void name;
    void citizenId;
    // @ts-expect-error address was not selected
    void node.address;
  }
  void count;
  void next;
  // @ts-expect-error first is an Int
  await request(PersonsWithEntitlementsDocument, { first: '100' }, token);
  return total;
}

export async function unitPath(token: string, code: string): Promise<string[]> {
  const { administrativeUnit } = await request(AdministrativeUnitDocument, { code }, token);
  // @ts-expect-error administrativeUnit is null for an unknown code
  void administrativeUnit.code;
  if (!administrativeUnit) return [];
  const level: UnitLevel = administrativeUnit.level;
  void level;
  // @ts-expect-error code is required
  await request(AdministrativeUnitDocument, {}, token);
  return [administrativeUnit.parent?.fullName, administrativeUnit.fullName].filter(
    (name): name is string => name !== undefined,
  );
}

export async function register(token: string): Promise<string> {
  const { createPerson } = await request(
    CreatePersonDocument,
    { input: { fullName: 'Nguyễn Văn An', birthDate: '1950', gender: 'MALE', residenceUnitCode: '18073' } },
    token,
  );
  await request(
    CreatePersonDocument,
    // @ts-expect-error gender is an enum of the API
    { input: { fullName: 'Nguyễn Văn An', birthDate: '1950', gender: 'NAM', residenceUnitCode: '18073' } },
    token,
  );
  return createPerson.id;
}
`;

let previousProgram: ts.Program | undefined;

/** Strict TypeScript as a browser client would compile it (bundler resolution, DOM fetch). */
function typecheck(entry: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    verbatimModuleSyntax: true,
    skipLibCheck: true,
  };
  const program = ts.createProgram({ rootNames: [entry], options, oldProgram: previousProgram });
  previousProgram = program;
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) =>
      [
        diagnostic.file
          ? `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
          : '',
        ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
      ].join(' '),
    );
}

describe('a typed client generated from schema/api.graphql', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ansinh-client-'));
    // The generated code and the client import graphql and @graphql-typed-document-node/core.
    symlinkSync(REPO_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is generated by GraphQL Code Generator (client preset) and typechecks under strict TypeScript', async () => {
    const files = await generateInto(OPERATIONS_PATH, join(dir, 'generated'));
    expect(files.map((file) => file.slice(dir.length + 1)).sort()).toEqual([
      'generated/fragment-masking.ts',
      'generated/gql.ts',
      'generated/graphql.ts',
      'generated/index.ts',
    ]);
    const entry = join(dir, 'client.ts');
    writeFileSync(entry, CLIENT_SOURCE);
    expect(typecheck(entry)).toEqual([]);
  });

  it('the typecheck catches a client that misuses the generated types', () => {
    const entry = join(dir, 'wrong-client.ts');
    writeFileSync(
      entry,
      `import type { PersonsWithEntitlementsQuery } from './generated/graphql';\n` +
        `export const amount = (result: PersonsWithEntitlementsQuery): string => result.persons.totalCount;\n`,
    );
    expect(typecheck(entry)).toEqual([
      expect.stringContaining("Type 'number' is not assignable to type 'string'"),
    ]);
  });

  it('refuses operations on federation internals, which are not part of the API', async () => {
    const documents = join(dir, 'internal.graphql');
    writeFileSync(documents, 'query Internals { _service { sdl } }\n');
    // The generator also prints what it throws.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(generateInto(documents, join(dir, 'internal'))).rejects.toThrow(
        /Cannot query field "_service" on type "Query"/,
      );
    } finally {
      quiet.mockRestore();
    }
  });
});
