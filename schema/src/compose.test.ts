import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildSchema, isInputObjectType, isObjectType } from 'graphql';
import type { DirectiveNode } from 'graphql';
import { API_SCHEMA_PATH, composeSchemas, SUPERGRAPH_PATH } from './compose.ts';
import type { ComposedSchemas } from './compose.ts';

const BUILT_IN_DIRECTIVES = ['include', 'skip', 'deprecated', 'specifiedBy', 'oneOf'];

describe('composed schemas', () => {
  let composed: ComposedSchemas;
  beforeAll(async () => {
    composed = await composeSchemas();
  });

  it('composes from the four subgraph schemas and the checked-in supergraph.graphql is up to date (npm run compose)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composed.supergraph);
  });

  it('the checked-in api.graphql is up to date (npm run compose)', () => {
    expect(readFileSync(API_SCHEMA_PATH, 'utf8')).toBe(composed.api);
  });

  it('api.graphql is a plain GraphQL schema without federation internals, descriptions kept', () => {
    const sdl = readFileSync(API_SCHEMA_PATH, 'utf8');
    const schema = buildSchema(sdl);
    expect(
      schema
        .getDirectives()
        .map((directive) => directive.name)
        .filter((name) => !BUILT_IN_DIRECTIVES.includes(name)),
    ).toEqual([]);
    const typeNames = Object.keys(schema.getTypeMap()).filter((name) => !name.startsWith('__'));
    expect(typeNames.filter((name) => /^(join__|link__|federation__|_)/.test(name))).toEqual([]);
    expect(typeNames).not.toEqual(expect.arrayContaining(['_Any', '_Entity', '_Service', 'FieldSet']));
    const query = schema.getQueryType();
    expect(query?.getFields()['_service']).toBeUndefined();
    expect(query?.getFields()['_entities']).toBeUndefined();
    expect(sdl).not.toMatch(/@(join__|link|key|shareable|external|requires|provides|inaccessible|public)\b/);
    // Real API present, with the descriptions client teams read.
    expect(Object.keys(query?.getFields() ?? {})).toEqual(
      expect.arrayContaining(['persons', 'person', 'administrativeUnit', 'entitlements', 'paymentLines']),
    );
    expect(schema.getMutationType()?.getFields()['importPersons']).toBeDefined();
    const person = schema.getType('Person');
    expect(isObjectType(person) && person.description).toBeTruthy();
    expect(isObjectType(person) && person.getFields()['entitlements']?.description).toBeTruthy();
  });

  it('api.graphql keeps every type, field and description of the supergraph that is not federation routing', () => {
    const api = buildSchema(readFileSync(API_SCHEMA_PATH, 'utf8'));
    const supergraph = buildSchema(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    const visible = (element: { astNode?: { directives?: readonly DirectiveNode[] } | null | undefined }) =>
      !(element.astNode?.directives ?? []).some((directive) => directive.name.value === 'inaccessible');
    const types = Object.values(supergraph.getTypeMap()).filter(
      (type) => !/^(__|join__|link__)/.test(type.name) && visible(type),
    );
    expect(types.length).toBeGreaterThan(20);
    for (const type of types) {
      const apiType = api.getType(type.name);
      expect([type.name, apiType?.description]).toEqual([type.name, type.description]);
      if (!isObjectType(type) && !isInputObjectType(type)) continue;
      const fields = Object.values(type.getFields()).filter(visible);
      const apiFields: Record<string, { description?: string | null | undefined }> =
        apiType && (isObjectType(apiType) || isInputObjectType(apiType)) ? apiType.getFields() : {};
      expect([type.name, Object.keys(apiFields)]).toEqual([type.name, fields.map((field) => field.name)]);
      for (const field of fields) {
        const path = `${type.name}.${field.name}`;
        expect([path, apiFields[field.name]?.description]).toEqual([path, field.description]);
      }
    }
  });
});
