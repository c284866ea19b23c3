import { describe, expect, it } from '@jest/globals';
import { buildSchema, GraphQLError, parse, validate, type OperationDefinitionNode } from 'graphql';
import {
  credentialMatches,
  defaultIntrospection,
  hideSuggestions,
  mayIntrospect,
  selectsGatewayOnlyFields,
  selectsIntrospection,
} from './exposure.ts';

const operationOf = (query: string) => {
  const document = parse(query);
  return [
    document,
    document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode,
  ] as const;
};

describe('exposure', () => {
  it('compares credentials in constant time, whatever their lengths', () => {
    expect(credentialMatches('s'.repeat(40), 's'.repeat(40))).toBe(true);
    expect(credentialMatches('s'.repeat(39), 's'.repeat(40))).toBe(false);
    expect(credentialMatches(undefined, 's'.repeat(40))).toBe(false);
    expect(credentialMatches('', 's'.repeat(40))).toBe(false);
  });

  it('finds _service, _entities and introspection among root fields, through fragments', () => {
    expect(selectsGatewayOnlyFields(...operationOf('{ _service { sdl } }'))).toBe(true);
    expect(
      selectsGatewayOnlyFields(
        ...operationOf(
          '{ ...F } fragment F on Query { ... on Query { x: _entities(representations: []) { __typename } } }',
        ),
      ),
    ).toBe(true);
    expect(selectsGatewayOnlyFields(...operationOf('{ persons { totalCount } }'))).toBe(false);
    expect(selectsIntrospection(...operationOf('{ __schema { types { name } } }'))).toBe(true);
    expect(selectsIntrospection(...operationOf('{ t: __type(name: "Person") { name } }'))).toBe(true);
    expect(selectsIntrospection(...operationOf('{ __typename }'))).toBe(false);
  });

  it('lets signed-in callers introspect in production, everyone elsewhere', () => {
    expect(defaultIntrospection('production')).toBe('signed-in');
    expect(defaultIntrospection('development')).toBe('all');
    expect(mayIntrospect('signed-in', false)).toBe(false);
    expect(mayIntrospect('signed-in', true)).toBe(true);
    expect(mayIntrospect('off', true)).toBe(false);
    expect(mayIntrospect('all', false)).toBe(true);
  });

  it('removes field suggestions from error messages', () => {
    const schema = buildSchema('type Query { persons: Int personCount: Int }');
    const errors = validate(schema, parse('{ person }'));
    expect(errors[0]!.message).toMatch(/Did you mean/);
    hideSuggestions(errors as GraphQLError[]);
    expect(errors[0]!.message).toBe('Cannot query field "person" on type "Query".');
    const enumError = new GraphQLError(
      'Value "PROVINC" does not exist in "UnitLevel" enum. Did you mean the enum value "PROVINCE"?',
    );
    hideSuggestions([enumError]);
    expect(enumError.message).toBe('Value "PROVINC" does not exist in "UnitLevel" enum.');
  });
});
