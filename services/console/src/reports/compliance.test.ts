import { describe, expect, it } from '@jest/globals';
import {
  complianceFilterOfParams,
  complianceParams,
  complianceUnitKey,
  complianceUnitName,
  defaultComplianceFilter,
  gapText,
} from './compliance.ts';

describe('defaultComplianceFilter', () => {
  it('checks the last three months and the last thirty days', () => {
    expect(defaultComplianceFilter('42', '2026-01-15')).toEqual({
      unitCode: '42',
      fromMonth: '2025-11',
      toMonth: '2026-01',
      fromDate: '2025-12-17',
      toDate: '2026-01-15',
    });
  });
});

describe('complianceParams and complianceFilterOfParams', () => {
  it('keep the unit and period in the address and read them back', () => {
    const filter = defaultComplianceFilter('42', '2026-01-15');
    expect(complianceFilterOfParams(new URLSearchParams(complianceParams(filter)))).toEqual(filter);
  });

  it('read nothing before a check was asked for', () => {
    expect(complianceFilterOfParams(new URLSearchParams('tab=tuan-thu'))).toBeNull();
  });

  it('read a check asked without a unit as such, for the graph to refuse at the field', () => {
    expect(complianceFilterOfParams(new URLSearchParams('tu-thang=2026-01'))).toMatchObject({
      unitCode: '',
      fromMonth: '2026-01',
    });
  });
});

describe('complianceUnitName', () => {
  it('names a unit in force by its full name and code', () => {
    expect(complianceUnitName({ code: '18073', fullName: 'Phường Nam Hà', former: false })).toBe(
      'Phường Nam Hà (18073)',
    );
  });

  it('dates a former unit, whose code may name another territory today', () => {
    const former = { code: '18073', fullName: 'Phường Nam Hà', former: true, validTo: '2025-06-30' };
    expect(complianceUnitName(former)).toBe('Phường Nam Hà (18073, đến 30/06/2025)');
    expect(complianceUnitKey(former)).not.toBe(
      complianceUnitKey({ ...former, former: false, validTo: null }),
    );
  });
});

describe('gapText', () => {
  it('writes the count and its share with a decimal comma', () => {
    expect(gapText({ missing: 1234, percent: 12.5 })).toBe('1.234 (12,5%)');
    expect(gapText({ missing: 0, percent: null })).toBe('0');
  });
});
