import { describe, expect, it } from '@jest/globals';
import { getNamedType, isLeafType } from 'graphql';
import { PERMISSIONS, type Action } from '@ansinh/common';
import { DEMO_PROVINCE_SYSTEM_CLIENT, DEMO_USERS } from '@ansinh/infra';
import { LOOKS_PERSONAL, matrixRoles, readFieldMatrix, readOpenFields } from './field-matrix.ts';
import { objectTypes, sensitiveFields } from './supergraph-model.ts';

const rows = readFieldMatrix();
const sensitive = sensitiveFields();

describe('the documented field matrix (docs/security/field-access.md) against the supergraph', () => {
  it('has one row per @sensitive field of the supergraph, with the same action, and no other row', () => {
    const documented = new Map(rows.map((row) => [row.coordinate, row.action]));
    const missing = [...sensitive.keys()].filter((coordinate) => !documented.has(coordinate));
    expect({ sensitiveFieldsWithoutARow: missing }).toEqual({ sensitiveFieldsWithoutARow: [] });
    const stale = [...documented.keys()].filter((coordinate) => !sensitive.has(coordinate));
    expect({ rowsWithoutASensitiveField: stale }).toEqual({ rowsWithoutASensitiveField: [] });
    expect(rows.length).toBe(documented.size);
    for (const [coordinate, action] of sensitive)
      expect([coordinate, documented.get(coordinate)]).toEqual([coordinate, action]);
  });

  it('has a column for every role of the realm, and grants exactly what permissions.ts grants', () => {
    const realmRoles = new Set([
      ...DEMO_USERS.flatMap((user) => user.roles),
      ...DEMO_PROVINCE_SYSTEM_CLIENT.roles,
    ]);
    const allGranted = new Set(Object.values(PERMISSIONS).flat());
    expect([...realmRoles].filter((role) => !matrixRoles().includes(role))).toEqual([]);
    expect([...allGranted].filter((role) => !matrixRoles().includes(role))).toEqual([]);
    for (const row of rows) {
      expect(Object.hasOwn(PERMISSIONS, row.action)).toBe(true);
      const granted: readonly string[] = PERMISSIONS[row.action as Action];
      for (const [role, reads] of row.roles)
        expect([row.coordinate, role, reads]).toEqual([row.coordinate, role, granted.includes(role)]);
    }
  });

  it('leaves no personal-looking leaf field unclassified: @sensitive, or open with a reason', () => {
    const open = readOpenFields();
    const roots = new Set(['Query', 'Mutation', 'Subscription']);
    const unclassified = objectTypes()
      .filter((type) => !roots.has(type.name))
      .flatMap((type) =>
        Object.values(type.getFields())
          .filter((field) => isLeafType(getNamedType(field.type)) && LOOKS_PERSONAL.test(field.name))
          .map((field) => `${type.name}.${field.name}`)
          .filter((coordinate) => !sensitive.has(coordinate) && !open.has(coordinate)),
      );
    expect({ unclassified }).toEqual({ unclassified: [] });
    const allFields = new Set(
      objectTypes().flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`)),
    );
    expect([...open].filter((coordinate) => !allFields.has(coordinate))).toEqual([]);
  });

  it('finds what it checks: the sensitive fields named by the issue are in the supergraph', () => {
    for (const coordinate of [
      'Person.citizenId',
      'PaymentAccount.accountNumber',
      'ChangeRecord.before',
      'Entitlement.policyGroup',
    ]) {
      expect(sensitive.has(coordinate)).toBe(true);
    }
  });
});

describe('the matrix reader', () => {
  const doc = (body: string) => `<!-- field-matrix:begin -->\n${body}\n<!-- field-matrix:end -->`;
  it('refuses a row without one mark per role, so a half-filled row cannot pass', () => {
    expect(() =>
      readFieldMatrix(
        doc(
          '| field | action | officer | payer |\n| - | - | - | - |\n| `Person.phone` | `person:read-contact` | ✓ |',
        ),
      ),
    ).toThrow('matrix row Person.phone');
    expect(
      readFieldMatrix(
        doc(
          '| field | action | officer | payer |\n| - | - | - | - |\n| `Person.phone` | `person:read-contact` | ✓ | – |',
        ),
      ),
    ).toEqual([
      {
        coordinate: 'Person.phone',
        action: 'person:read-contact',
        roles: new Map([
          ['officer', true],
          ['payer', false],
        ]),
      },
    ]);
  });
});
