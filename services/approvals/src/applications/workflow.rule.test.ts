import { describe, expect, it } from '@jest/globals';
import {
  completeTransition,
  fileTransition,
  rejectTransition,
  resubmitTransition,
  returnTransition,
  stepOverdue,
  workflowInForce,
  type ApplicationFacts,
  type StepActor,
  type Workflow,
  type WorkflowStep,
} from './workflow.rule.ts';

/** The two national eras as the migration seeds them (domain guide §4). */
const step = (
  position: number,
  code: string,
  role: WorkflowStep['role'],
  unitLevel: WorkflowStep['unitLevel'],
  limitWorkingDays: number,
  isDecision = false,
): WorkflowStep => ({ position, code, name: code, role, unitLevel, limitWorkingDays, isDecision });

const BEFORE: Workflow = {
  id: 'national-2021',
  name: 'trước cải cách',
  provinceCode: null,
  validFrom: '2021-07-01',
  validTo: '2025-06-30',
  steps: [
    step(1, 'commune-review', 'approver', 'commune', 7),
    step(2, 'public-posting', 'officer', 'commune', 2),
    step(3, 'forward-to-district', 'officer', 'commune', 3),
    step(4, 'district-appraisal', 'officer', 'district', 7),
    step(5, 'district-decision', 'approver', 'district', 3, true),
  ],
};
const AFTER: Workflow = {
  id: 'national-2025',
  name: 'hai cấp',
  provinceCode: null,
  validFrom: '2025-07-01',
  validTo: null,
  steps: [
    step(1, 'commune-verification', 'officer', 'commune', 7),
    step(2, 'commune-decision', 'approver', 'commune', 3, true),
  ],
};
const HA_TINH_2026: Workflow = {
  ...AFTER,
  id: 'ha-tinh-2026',
  provinceCode: '42',
  validFrom: '2026-01-01',
  steps: [
    step(1, 'commune-verification', 'officer', 'commune', 5),
    step(2, 'commune-decision', 'approver', 'commune', 5, true),
  ],
};
const WORKFLOWS = [BEFORE, AFTER, HA_TINH_2026];
const NONE = new Set<string>();

const communeOfficer: StepActor = {
  roles: ['officer'],
  unitLevel: 'commune',
  unitValidTo: null,
  coversUnit: true,
};
const communeApprover: StepActor = { ...communeOfficer, roles: ['approver'] };
/** Accounts of the former era, on days when their units were in force. */
const oldCommuneOfficer: StepActor = { ...communeOfficer, unitValidTo: '2025-06-30' };
const oldCommuneApprover: StepActor = { ...oldCommuneOfficer, roles: ['approver'] };
const districtOfficer: StepActor = {
  roles: ['officer'],
  unitLevel: 'district',
  unitValidTo: '2025-06-30',
  coversUnit: true,
};
const districtApprover: StepActor = { ...districtOfficer, roles: ['approver'] };

const at = (currentStep: string, unitValidTo: string | null = null): ApplicationFacts => ({
  state: 'in_progress',
  currentStep,
  unitValidTo,
});
const preReform = (currentStep: string) => at(currentStep, '2025-06-30');

describe('workflowInForce', () => {
  it('takes the era of the filing day', () => {
    expect(workflowInForce(WORKFLOWS, '01', '2025-06-30')?.id).toBe('national-2021');
    expect(workflowInForce(WORKFLOWS, '01', '2025-07-01')?.id).toBe('national-2025');
    expect(workflowInForce(WORKFLOWS, '01', '2021-06-30')).toBeUndefined();
  });

  it("prefers the province's own workflow of the era", () => {
    expect(workflowInForce(WORKFLOWS, '42', '2026-03-01')?.id).toBe('ha-tinh-2026');
    expect(workflowInForce(WORKFLOWS, '42', '2025-12-31')?.id).toBe('national-2025');
    expect(workflowInForce(WORKFLOWS, '01', '2026-03-01')?.id).toBe('national-2025');
  });
});

describe('filing', () => {
  it('starts the first step on the filing day with its limit', () => {
    expect(fileTransition(AFTER, '2025-07-01', NONE)).toMatchObject({
      state: 'in_progress',
      currentStep: 'commune-verification',
      stepStartedOn: '2025-07-01',
      stepDueOn: '2025-07-10',
      event: { step: 'commune-verification', action: 'filed' },
    });
  });
});

describe('after the reform (commune verification, commune chairman decides)', () => {
  const today = '2026-03-02';

  it('the commune officer verifies; the next step starts today', () => {
    expect(
      completeTransition(
        at('commune-verification'),
        AFTER,
        'commune-verification',
        communeOfficer,
        today,
        NONE,
      ),
    ).toEqual({
      state: 'in_progress',
      currentStep: 'commune-decision',
      stepStartedOn: today,
      stepDueOn: '2026-03-05',
      event: { step: 'commune-verification', action: 'completed', reason: null },
      decides: false,
    });
  });

  it('the commune approver decides: the dossier is approved and the decision recorded', () => {
    expect(
      completeTransition(at('commune-decision'), AFTER, 'commune-decision', communeApprover, today, NONE),
    ).toMatchObject({
      state: 'approved',
      currentStep: null,
      stepDueOn: null,
      decides: true,
    });
  });

  it.each([
    ['an approver at verification', 'commune-verification', communeApprover, /cán bộ chuyên môn/],
    ['an officer at the decision', 'commune-decision', communeOfficer, /lãnh đạo phê duyệt/],
    [
      'the province',
      'commune-verification',
      { ...communeOfficer, unitLevel: 'province' } as StepActor,
      /cấp xã/,
    ],
    [
      'a commune that does not cover the dossier',
      'commune-verification',
      { ...communeOfficer, coversUnit: false },
      /không thuộc/,
    ],
    ['a former district (ended)', 'commune-verification', districtOfficer, /chấm dứt/],
  ])('refuses %s (FORBIDDEN)', (_who, current, actor, message) => {
    expect(() => completeTransition(at(current), AFTER, current, actor, today, NONE)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringMatching(message) }),
    );
  });

  it('refuses a step other than the one the caller saw, and a decided dossier (CONFLICT)', () => {
    expect(() =>
      completeTransition(at('commune-decision'), AFTER, 'commune-verification', communeApprover, today, NONE),
    ).toThrow(expect.objectContaining({ code: 'CONFLICT', field: 'expectedStep' }));
    expect(() =>
      completeTransition(
        { state: 'approved', currentStep: null, unitValidTo: null },
        AFTER,
        'commune-decision',
        communeApprover,
        today,
        NONE,
      ),
    ).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
});

describe('before the reform (five steps, the district decides), on the days they were in force', () => {
  const june = '2025-06-16';

  it('walks every step with the role and level of the era', () => {
    const walk: [string, StepActor, string | null][] = [
      ['commune-review', oldCommuneApprover, 'public-posting'],
      ['public-posting', oldCommuneOfficer, 'forward-to-district'],
      ['forward-to-district', oldCommuneOfficer, 'district-appraisal'],
      ['district-appraisal', districtOfficer, 'district-decision'],
      ['district-decision', districtApprover, null],
    ];
    for (const [current, actor, next] of walk) {
      const transition = completeTransition(preReform(current), BEFORE, current, actor, june, NONE);
      expect([transition.currentStep, transition.decides]).toEqual([next, next === null]);
    }
  });

  it('gives each step its limit: public posting 2 working days, forwarding 3', () => {
    expect(
      completeTransition(
        preReform('commune-review'),
        BEFORE,
        'commune-review',
        oldCommuneApprover,
        '2025-06-13',
        NONE,
      ).stepDueOn,
    ).toBe('2025-06-17');
    expect(
      completeTransition(
        preReform('public-posting'),
        BEFORE,
        'public-posting',
        oldCommuneOfficer,
        '2025-06-13',
        NONE,
      ).stepDueOn,
    ).toBe('2025-06-18');
  });

  it.each([
    ['a commune officer at the district appraisal', 'district-appraisal', oldCommuneOfficer, /cấp huyện/],
    ['a commune approver at the district decision', 'district-decision', oldCommuneApprover, /cấp huyện/],
    ['a district officer at the district decision', 'district-decision', districtOfficer, /lãnh đạo/],
    ['a district approver at the commune review', 'commune-review', districtApprover, /cấp xã/],
    [
      'a commune officer at the commune review (the chairman approves forwarding)',
      'commune-review',
      oldCommuneOfficer,
      /lãnh đạo/,
    ],
  ])('refuses %s (FORBIDDEN)', (_who, current, actor, message) => {
    expect(() => completeTransition(preReform(current), BEFORE, current, actor, june, NONE)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringMatching(message) }),
    );
  });

  it('refuses everyone after 30 June 2025: the district has ended, and so has the commune that received it', () => {
    const july = '2025-07-02';
    expect(() =>
      completeTransition(
        preReform('district-appraisal'),
        BEFORE,
        'district-appraisal',
        districtOfficer,
        july,
        NONE,
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/Đơn vị của tài khoản đã chấm dứt/),
      }),
    );
    // The successor commune (in force) at a commune step of the dossier: the receiving commune has ended.
    expect(() =>
      completeTransition(preReform('public-posting'), BEFORE, 'public-posting', communeOfficer, july, NONE),
    ).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringMatching(/tiếp nhận lại/) }),
    );
    expect(() =>
      returnTransition(preReform('district-decision'), BEFORE, undefined, communeApprover, july, 'x'),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() =>
      resubmitTransition({ ...preReform('public-posting'), state: 'returned' }, BEFORE, july, NONE),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});

describe('return, resubmission and rejection', () => {
  const today = '2026-03-02';

  it('returns to the filer with a reason; the clock stops; resubmission restarts the same step', () => {
    const returned = returnTransition(
      at('commune-decision'),
      AFTER,
      'commune-decision',
      communeApprover,
      today,
      'Thiếu giấy tờ',
    );
    expect(returned).toMatchObject({
      state: 'returned',
      currentStep: 'commune-decision',
      stepDueOn: null,
      event: { action: 'returned', reason: 'Thiếu giấy tờ' },
    });
    const resubmitted = resubmitTransition(
      { state: 'returned', currentStep: 'commune-decision', unitValidTo: null },
      AFTER,
      '2026-03-06',
      NONE,
    );
    expect(resubmitted).toMatchObject({
      state: 'in_progress',
      currentStep: 'commune-decision',
      stepStartedOn: '2026-03-06',
      stepDueOn: '2026-03-11',
      event: { action: 'resubmitted' },
    });
  });

  it('refuses a return or a rejection without a reason, or by whoever may not act on the step', () => {
    expect(() =>
      returnTransition(at('commune-verification'), AFTER, undefined, communeOfficer, today, '  '),
    ).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'reason' }));
    expect(() =>
      rejectTransition(
        at('commune-verification'),
        AFTER,
        undefined,
        communeApprover,
        today,
        'Không đủ điều kiện',
      ),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(
      rejectTransition(
        at('commune-decision'),
        AFTER,
        undefined,
        communeApprover,
        today,
        'Không đủ điều kiện',
      ),
    ).toMatchObject({
      state: 'rejected',
      currentStep: null,
      event: { step: 'commune-decision', action: 'rejected' },
    });
  });

  it('resubmits only a returned dossier, and completes only one in progress', () => {
    expect(() => resubmitTransition(at('commune-verification'), AFTER, today, NONE)).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    expect(() =>
      completeTransition(
        { state: 'returned', currentStep: 'commune-verification', unitValidTo: null },
        AFTER,
        'commune-verification',
        communeOfficer,
        today,
        NONE,
      ),
    ).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
});

describe('stepOverdue', () => {
  it('is overdue only in progress and after the due day', () => {
    expect(stepOverdue('in_progress', '2026-03-02', '2026-03-03')).toBe(true);
    expect(stepOverdue('in_progress', '2026-03-02', '2026-03-02')).toBe(false);
    expect(stepOverdue('returned', null, '2026-03-03')).toBe(false);
    expect(stepOverdue('approved', null, '2026-03-03')).toBe(false);
  });
});
