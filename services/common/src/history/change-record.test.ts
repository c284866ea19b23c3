import { describe, expect, it } from '@jest/globals';
import { buildSchema, type GraphQLResolveInfo } from 'graphql';
import { Session } from '../auth/session.ts';
import { changeRecordResolvers, visibleValues, type ChangeRecordRow } from './change-record.ts';

const schema = buildSchema(`
  directive @sensitive(action: String!) on FIELD_DEFINITION
  type Entitlement { id: ID! policyGroup: String @sensitive(action: "entitlement:read-confidential") coefficient: Float! }
  type Query { entitlement: Entitlement }
`);
const as = (...roles: string[]) =>
  Session.of(
    { subject: 's', username: 'u', unitCode: '42', unitLevel: 'province', roles, clientId: undefined },
    '42',
  );
const fields = {
  typeOfTable: { entitlements: 'Entitlement' },
  derivedFrom: { coefficient_hundredths: 'coefficient' },
};
const row = { id: 'e1', policy_group: '5.3', coefficient_hundredths: 150, status: 'active' };

describe('visibleValues', () => {
  it('leaves out the columns of sensitive fields the caller may not read, and shows the rest', () => {
    expect(JSON.parse(visibleValues(row, 'entitlements', as('officer'), schema, fields)!)).toEqual(row);
    expect(JSON.parse(visibleValues(row, 'entitlements', as('auditor'), schema, fields)!)).toEqual({
      id: 'e1',
      coefficient_hundredths: 150,
      status: 'active',
    });
  });

  it('shows nothing of a table the map does not name, and null for no row', () => {
    expect(visibleValues(row, 'standard_levels', as('officer'), schema, fields)).toBeNull();
    expect(visibleValues(null, 'entitlements', as('officer'), schema, fields)).toBeNull();
  });
});

describe('changeRecordResolvers', () => {
  it('answers the shared ChangeRecord fields from a history row', () => {
    const resolvers = changeRecordResolvers(fields);
    const record: ChangeRecordRow = {
      id: 42n,
      tableName: 'entitlements',
      rowId: 'e1',
      action: 'update',
      changedAt: new Date('2026-12-01T03:04:05.000Z'),
      actorId: 'sub-1',
      actorName: 'huyen.436',
      actorUnitCode: null,
      before: { ...row, status: 'active' },
      after: { ...row, status: 'suspended' },
    };
    const info = { schema } as GraphQLResolveInfo;
    const context = { session: as('auditor') };
    expect({
      id: resolvers.id(record),
      entity: resolvers.entity(record),
      entityId: resolvers.entityId(record),
      action: resolvers.action(record),
      changedAt: resolvers.changedAt(record),
      changedBy: resolvers.changedBy(record),
      changedByUnitCode: resolvers.changedByUnitCode(record),
      after: JSON.parse(resolvers.after(record, {}, context, info)!),
    }).toEqual({
      id: '42',
      entity: 'entitlements',
      entityId: 'e1',
      action: 'UPDATE',
      changedAt: '2026-12-01T03:04:05.000Z',
      changedBy: 'huyen.436',
      changedByUnitCode: null,
      after: { id: 'e1', coefficient_hundredths: 150, status: 'suspended' },
    });
  });
});
