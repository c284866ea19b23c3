import { describe, expect, it } from '@jest/globals';
import { Session } from '@ansinh/common';
import { assertSearchAllowed } from './person.resolvers.ts';

const as = (...roles: string[]) =>
  Session.of(
    { subject: 's', username: 'u', unitCode: '42', unitLevel: 'province', roles, clientId: undefined },
    '42',
  );

describe('assertSearchAllowed', () => {
  it('refuses a search by name or ID number to a role that may not read them, naming the filter', () => {
    expect(() => assertSearchAllowed({ idNumber: '042050001234' }, as('analyst'))).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('filter.idNumber') }),
    );
    expect(() => assertSearchAllowed({ name: 'nguyen van an' }, as('analyst'))).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('filter.name') }),
    );
  });

  it('lets the same role filter by anything else, and the roles that read identities search by them', () => {
    expect(() => assertSearchAllowed({ name: null, idNumber: '' }, as('analyst'))).not.toThrow();
    expect(() => assertSearchAllowed(undefined, as('analyst'))).not.toThrow();
    expect(() => assertSearchAllowed({ name: 'an', idNumber: '042050001234' }, as('payer'))).not.toThrow();
    expect(() => assertSearchAllowed({ idNumber: '042050001234' }, as('analyst', 'auditor'))).not.toThrow();
  });
});
