import { describe, expect, it } from '@jest/globals';
import { gql } from 'graphql-tag';
import { Session } from '../auth/session.ts';
import type { Principal } from '../auth/token-verifier.ts';
import { guardResolvers, sensitiveFields } from './guard-resolvers.ts';

const typeDefs = gql`
  directive @public on OBJECT | FIELD_DEFINITION
  directive @sensitive(action: String!) on FIELD_DEFINITION
  type Unit @public {
    code: ID!
    persons: [Person!]! @public
    name: String!
  }
  type Person {
    id: ID!
    citizenId: String @sensitive(action: "person:read-identity")
    phone: String @sensitive(action: "person:read-contact")
    accounts: [Account!]!
  }
  type Account {
    number: String @sensitive(action: "account:read-number")
  }
  type Query {
    unit: Unit @public
    person: Person
  }
`;

const principal = (roles: string[]): Principal => ({
  subject: 's',
  username: 'u',
  unitCode: '42',
  unitLevel: 'province',
  roles,
  clientId: undefined,
});
const anonymous = { session: Session.anonymous() };
const loggedIn = { session: Session.of(principal([]), '42') };
const as = (...roles: string[]) => ({ session: Session.of(principal(roles), '42') });

type Fn = (...args: unknown[]) => unknown;

describe('guardResolvers', () => {
  const resolvers = guardResolvers(typeDefs, {
    Query: { unit: () => 'unit', person: () => 'person' },
    Unit: { persons: () => [] },
    Person: {
      __resolveReference: (reference: { id: string }) => reference,
      id: () => 'id',
      phone: (person: { phoneNumber: string }) => person.phoneNumber,
    },
  }) as Record<string, Record<string, Fn>>;

  it('lets anonymous callers reach @public fields and types', () => {
    expect(resolvers.Query!.unit!(null, {}, anonymous, null)).toBe('unit');
    expect(resolvers.Unit!.persons!(null, {}, anonymous, null)).toEqual([]);
  });

  it('refuses anonymous callers everything else, including entity references and sensitive fields', () => {
    expect(() => resolvers.Query!.person!(null, {}, anonymous, null)).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
    expect(() => resolvers.Person!.__resolveReference!({ id: '1' }, anonymous, null)).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
    expect(() => resolvers.Person!.citizenId!({ citizenId: '1' }, {}, anonymous, null)).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });

  it('passes logged-in callers through with the reference resolver arguments intact', () => {
    expect(resolvers.Query!.person!(null, {}, loggedIn, null)).toBe('person');
    expect(resolvers.Person!.__resolveReference!({ id: '1' }, loggedIn, null)).toEqual({ id: '1' });
  });

  it('guards a sensitive field that has no resolver of its own, even on a type without resolvers', () => {
    const person = { citizenId: '042090001234' };
    expect(resolvers.Person!.citizenId!(person, {}, as('payer'), { fieldName: 'citizenId' })).toBe(
      '042090001234',
    );
    expect(() => resolvers.Person!.citizenId!(person, {}, as('analyst'), { fieldName: 'citizenId' })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('citizenId') }),
    );
    const account = { number: '0123456789' };
    expect(resolvers.Account!.number!(account, {}, as('auditor'), { fieldName: 'number' })).toBe(
      '0123456789',
    );
    expect(() =>
      resolvers.Account!.number!(account, {}, as('approver', 'analyst'), { fieldName: 'number' }),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('guards a sensitive field in front of its own resolver, which a refused caller never reaches', () => {
    let calls = 0;
    const guarded = guardResolvers(typeDefs, {
      Person: {
        phone: () => {
          calls += 1;
          return '0912345678';
        },
      },
    }) as Record<string, Record<string, Fn>>;
    expect(() => guarded.Person!.phone!({}, {}, as('auditor', 'analyst'), null)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(calls).toBe(0);
    expect(guarded.Person!.phone!({}, {}, as('officer'), null)).toBe('0912345678');
    expect(calls).toBe(1);
    expect(resolvers.Person!.phone!({ phoneNumber: '0987' }, {}, as('integration'), null)).toBe('0987');
  });

  it('stops the subgraph at start-up on an unknown action or a non-null sensitive field', () => {
    expect(sensitiveFields(typeDefs)).toEqual(
      new Map([
        ['Person.citizenId', 'person:read-identity'],
        ['Person.phone', 'person:read-contact'],
        ['Account.number', 'account:read-number'],
      ]),
    );
    expect(() =>
      guardResolvers(
        gql`
          type Person {
            citizenId: String @sensitive(action: "person:read-everything")
          }
        `,
        {},
      ),
    ).toThrow('@sensitive on Person.citizenId needs an action declared in permissions.ts');
    expect(() =>
      guardResolvers(
        gql`
          type Person {
            citizenId: String! @sensitive(action: "person:read-identity")
          }
        `,
        {},
      ),
    ).toThrow('@sensitive field Person.citizenId must be nullable');
  });
});
