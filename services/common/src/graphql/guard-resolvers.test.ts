import { describe, expect, it } from '@jest/globals';
import { gql } from 'graphql-tag';
import { Session } from '../auth/session.ts';
import { guardResolvers } from './guard-resolvers.ts';

const typeDefs = gql`
  directive @public on OBJECT | FIELD_DEFINITION
  type Unit @public {
    code: ID!
    persons: [Person!]! @public
    name: String!
  }
  type Person {
    id: ID!
  }
  type Query {
    unit: Unit @public
    person: Person
  }
`;

const anonymous = { session: Session.anonymous() };
const loggedIn = {
  session: Session.of(
    { subject: 's', username: 'u', unitCode: '42', unitLevel: 'province', roles: [], clientId: undefined },
    '42',
  ),
};

describe('guardResolvers', () => {
  const resolvers = guardResolvers(typeDefs, {
    Query: { unit: () => 'unit', person: () => 'person' },
    Unit: { persons: () => [] },
    Person: { __resolveReference: (reference: { id: string }) => reference, id: () => 'id' },
  }) as Record<string, Record<string, (...args: unknown[]) => unknown>>;

  it('lets anonymous callers reach @public fields and types', () => {
    expect(resolvers.Query!.unit!(null, {}, anonymous, null)).toBe('unit');
    expect(resolvers.Unit!.persons!(null, {}, anonymous, null)).toEqual([]);
  });

  it('refuses anonymous callers everything else, including entity references', () => {
    expect(() => resolvers.Query!.person!(null, {}, anonymous, null)).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
    expect(() => resolvers.Person!.__resolveReference!({ id: '1' }, anonymous, null)).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });

  it('passes logged-in callers through with the reference resolver arguments intact', () => {
    expect(resolvers.Query!.person!(null, {}, loggedIn, null)).toBe('person');
    expect(resolvers.Person!.__resolveReference!({ id: '1' }, loggedIn, null)).toEqual({ id: '1' });
  });
});
