import { describe, expect, it } from '@jest/globals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { loadTypeDefs, Session } from '@ansinh/common';
import { visibleValues } from './change-record.resolvers.ts';

// The registry's own SDL: which columns are hidden follows its @sensitive fields.
const schema = buildSubgraphSchema([{ typeDefs: loadTypeDefs(import.meta.url.replace('/history/', '/')) }]);
const as = (...roles: string[]) =>
  Session.of(
    { subject: 's', username: 'u', unitCode: '42', unitLevel: 'province', roles, clientId: undefined },
    '42',
  );

const person = {
  id: 'a8f1c1de-2f0e-4d5c-9f0b-6b7f2a9d8e11',
  full_name: 'Nguyễn Văn An',
  name_folded: 'nguyen van an',
  birth_year: 1950,
  birth_date: '1950-03-02',
  citizen_id: '042050001234',
  old_id_number: '183456789',
  phone: '0912345678',
  address: 'Xóm 1',
  gender: 'male',
  residence_unit_id: '0193f1c2-7a00-7000-8000-000000018073',
};
const account = {
  id: 'x',
  account_number: '0123456789',
  holder_name: 'NGUYEN VAN AN',
  holder_name_matches: true,
};

describe('visibleValues (history before/after)', () => {
  it('shows an officer the whole row', () => {
    expect(JSON.parse(visibleValues(person, 'persons', as('officer'), schema)!)).toEqual(person);
  });

  it("hides from an auditor the columns of fields the auditor's roles cannot read (phone, address)", () => {
    const seen = JSON.parse(visibleValues(person, 'persons', as('auditor'), schema)!);
    expect(seen).toEqual({
      id: person.id,
      full_name: person.full_name,
      name_folded: person.name_folded,
      birth_year: 1950,
      birth_date: '1950-03-02',
      citizen_id: person.citizen_id,
      old_id_number: person.old_id_number,
      gender: 'male',
      residence_unit_id: '0193f1c2-7a00-7000-8000-000000018073',
    });
    expect(JSON.parse(visibleValues(account, 'payment_accounts', as('auditor'), schema)!)).toEqual(account);
  });

  it('hides derived columns with the field they come from, and account numbers from other roles', () => {
    const seen = JSON.parse(visibleValues(person, 'persons', as('analyst'), schema)!);
    expect(seen).toEqual({
      id: person.id,
      gender: 'male',
      residence_unit_id: '0193f1c2-7a00-7000-8000-000000018073',
    });
    expect(JSON.parse(visibleValues(account, 'payment_accounts', as('approver'), schema)!)).toEqual({
      id: 'x',
      holder_name_matches: true,
    });
    expect(
      JSON.parse(visibleValues({ address: 'Xóm 2', code: 'H1' }, 'households', as('auditor'), schema)!),
    ).toEqual({ code: 'H1' });
  });

  it('shows nothing of a table nobody classified, and null for no row', () => {
    expect(visibleValues({ secret: 1 }, 'other_table', as('officer'), schema)).toBeNull();
    expect(visibleValues(null, 'persons', as('officer'), schema)).toBeNull();
  });
});
