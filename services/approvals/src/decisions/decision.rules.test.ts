import { describe, expect, it } from '@jest/globals';
import { addMonths } from '@ansinh/common';
import {
  checkDecisionInput,
  checkLedgerStep,
  checkSigningEra,
  isCalendarDay,
  type DecisionInput,
} from './decision.rules.ts';

const TODAY = new Date('2026-03-10T03:00:00Z');
const input = (overrides: Partial<DecisionInput> = {}): DecisionInput => ({
  number: '125/QĐ-UBND',
  decidedOn: '2026-03-02',
  signerName: 'Nguyễn Văn Chủ',
  effectiveMonth: '2026-03',
  ...overrides,
});
const fields = (result: ReturnType<typeof checkDecisionInput>) =>
  'problems' in result ? result.problems.map((problem) => problem.field) : [];

describe('checkDecisionInput', () => {
  it('accepts a decision as officials write it, trimmed', () => {
    expect(checkDecisionInput(input({ number: ' 125/QĐ-UBND ' }), { today: TODAY })).toEqual({
      value: { ...input(), reason: null },
    });
  });

  it.each([
    ['a number with markup', { number: '<b>1</b>' }, 'decision.number'],
    ['an empty number', { number: '' }, 'decision.number'],
    ['a day that does not exist', { decidedOn: '2026-02-30' }, 'decision.decidedOn'],
    ['a day in the future in Vietnam', { decidedOn: '2026-03-11' }, 'decision.decidedOn'],
    ['no signer', { signerName: '  ' }, 'decision.signerName'],
    ['a signer with a control character', { signerName: 'An\u0000' }, 'decision.signerName'],
    ['a month that is not one', { effectiveMonth: '2026-13' }, 'decision.effectiveMonth'],
    ['a month far ahead', { effectiveMonth: '2027-04' }, 'decision.effectiveMonth'],
  ])('refuses %s', (_case, overrides, field) => {
    expect(fields(checkDecisionInput(input(overrides), { today: TODAY }))).toEqual([field]);
  });

  it('requires a reason where the decision needs one, and reports every problem at once', () => {
    expect(
      fields(
        checkDecisionInput(input({ number: '', decidedOn: 'x' }), { today: TODAY, reasonRequired: true }),
      ),
    ).toEqual(['decision.number', 'decision.decidedOn', 'decision.reason']);
  });

  it('counts today in Vietnam: 23:30 UTC on the 10th is already the 11th there', () => {
    const late = new Date('2026-03-10T23:30:00Z');
    expect(fields(checkDecisionInput(input({ decidedOn: '2026-03-11' }), { today: late }))).toEqual([]);
  });
});

describe('checkLedgerStep', () => {
  const active = { status: 'active' as const, startMonth: '2025-09', lastEffectiveMonth: '2025-12' };
  it('allows what the state allows, from the latest decision on', () => {
    expect(checkLedgerStep('stop', active, '2026-01')).toBeNull();
    expect(checkLedgerStep('suspend', active, '2025-12')).toBeNull();
    expect(checkLedgerStep('resume', { ...active, status: 'suspended' }, '2026-02')).toBeNull();
  });
  it('refuses stopping a stopped entitlement, suspending a suspended one, resuming an active one', () => {
    expect(checkLedgerStep('stop', { ...active, status: 'stopped' }, '2026-01')?.message).toContain(
      'đã thôi hưởng',
    );
    expect(checkLedgerStep('suspend', { ...active, status: 'suspended' }, '2026-01')?.message).toContain(
      'tạm dừng',
    );
    expect(checkLedgerStep('resume', active, '2026-01')?.field).toBe('entitlementId');
  });
  it('refuses a month before the start or before the latest decision: the ledger is not rewritten', () => {
    expect(checkLedgerStep('stop', active, '2025-08')?.message).toContain('09/2025');
    expect(checkLedgerStep('change', active, '2025-11')?.message).toContain('12/2025');
  });
});

describe('checkSigningEra', () => {
  const commune = { code: '18073', level: 'commune', validFrom: '2025-07-01', validTo: null };
  const district = { code: '436', level: 'district', validFrom: null, validTo: '2025-06-30' };
  it('lets the commune chairman decide from 1 July 2025, the district chairman before', () => {
    expect(checkSigningEra(commune, '2025-07-01', 'commune')).toBeNull();
    expect(checkSigningEra(district, '2025-06-30', 'district')).toBeNull();
  });
  it('refuses a date outside the unit’s life and a level that did not decide then', () => {
    expect(checkSigningEra(commune, '2025-06-30', 'district')?.message).toContain('01/07/2025');
    expect(checkSigningEra(district, '2025-07-02', 'commune')?.field).toBe('decision.decidedOn');
    expect(checkSigningEra({ ...commune, validFrom: null }, '2025-06-01', 'district')?.message).toContain(
      'cấp huyện',
    );
    expect(checkSigningEra(commune, '2025-08-01', null)?.message).toContain('quy trình');
  });
});

describe('months and days', () => {
  it('shifts months across years and knows the calendar', () => {
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2025-02-29')).toBe(false);
  });
});
