import { useState, type FormEvent } from 'react';
import { graphql } from '../generated/gql.ts';
import { thisMonth, today } from '../format.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { useDraft } from '../shell/drafts.ts';
import { ErrorMessage, formErrors, TextField } from '../shell/fields.tsx';
import { useGraph } from '../shell/use-graph.ts';

const COMPLETE_STEP = graphql(`
  mutation CompleteApplicationStep(
    $id: ID!
    $expectedStep: String!
    $decision: DecisionInput
    $overrideReason: String
  ) {
    completeApplicationStep(
      id: $id
      expectedStep: $expectedStep
      decision: $decision
      overrideReason: $overrideReason
    ) {
      id
      state
    }
  }
`);

const RETURN_APPLICATION = graphql(`
  mutation ReturnApplication($id: ID!, $reason: String!, $expectedStep: String) {
    returnApplication(id: $id, reason: $reason, expectedStep: $expectedStep) {
      id
    }
  }
`);

const REJECT_APPLICATION = graphql(`
  mutation RejectApplication($id: ID!, $reason: String!, $expectedStep: String) {
    rejectApplication(id: $id, reason: $reason, expectedStep: $expectedStep) {
      id
    }
  }
`);

type Step = { code: string; name: string; isDecision: boolean };

const FIELDS = [
  'number',
  'decidedOn',
  'signerName',
  'effectiveMonth',
  'reason',
  'overrideReason',
  'categoryId',
];

/** Whether the graph refused a grant by the one-person-one-policy rule that an approver may override. */
const overridable = (failure: GraphError | null): boolean =>
  failure?.code === 'CONFLICT' && failure.details?.['overridable'] === true;

/**
 * What may be done on a dossier's current step: complete it (on the deciding step, with the
 * decision), return it for completion or reject it, each with a reason. A grant refused by the
 * one-person-one-policy rule asks the approver for the reason to grant all the same.
 */
export function ApplicationActions({
  application,
  canAct,
  onDone,
}: {
  application: { id: string; personName: string; step: Step };
  canAct: boolean;
  onDone: () => void;
}) {
  const { run } = useGraph();
  const { step } = application;
  const [form, setForm, clear] = useDraft(`application:${application.id}:${step.code}`, {
    number: '',
    decidedOn: today(),
    signerName: '',
    effectiveMonth: thisMonth(),
    reason: '',
    overrideReason: '',
  });
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [askOverride, setAskOverride] = useState(false);
  const errors = formErrors(failure, FIELDS);

  const act = async (action: 'complete' | 'return' | 'reject') => {
    setFailure(null);
    try {
      if (action === 'complete')
        await run(COMPLETE_STEP, {
          id: application.id,
          expectedStep: step.code,
          decision: step.isDecision
            ? {
                number: form.number,
                decidedOn: form.decidedOn,
                signerName: form.signerName,
                effectiveMonth: form.effectiveMonth,
              }
            : null,
          overrideReason: askOverride && form.overrideReason.trim() ? form.overrideReason : null,
        });
      else {
        const variables = { id: application.id, reason: form.reason, expectedStep: step.code };
        if (action === 'return') await run(RETURN_APPLICATION, variables);
        else await run(REJECT_APPLICATION, variables);
      }
      clear();
      onDone();
    } catch (caught) {
      const error = asGraphError(caught);
      if (overridable(error)) setAskOverride(true);
      setFailure(error);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act('complete');
  };

  if (!canAct)
    return (
      <p className="panel">
        Bước “{step.name}” của hồ sơ {application.personName} do vai trò khác xử lý.
      </p>
    );
  return (
    <section aria-labelledby="actions-title" className="panel">
      <h3 id="actions-title">
        {application.personName}: {step.name}
      </h3>
      <form onSubmit={submit}>
        {step.isDecision && (
          <fieldset>
            <legend>Quyết định</legend>
            <div className="toolbar">
              <TextField
                label="Số quyết định"
                value={form.number}
                onChange={(value) => setForm({ number: value })}
                error={errors.of('number')}
                hint="Ví dụ 125/QĐ-UBND"
              />
              <TextField
                label="Ngày quyết định"
                type="date"
                value={form.decidedOn}
                onChange={(value) => setForm({ decidedOn: value })}
                error={errors.of('decidedOn')}
              />
              <TextField
                label="Người ký"
                value={form.signerName}
                onChange={(value) => setForm({ signerName: value })}
                error={errors.of('signerName')}
              />
              <TextField
                label="Tháng bắt đầu hưởng"
                type="month"
                value={form.effectiveMonth}
                onChange={(value) => setForm({ effectiveMonth: value })}
                error={errors.of('effectiveMonth')}
              />
            </div>
          </fieldset>
        )}
        {askOverride && (
          <TextField
            label="Lý do vẫn cấp dù trùng chính sách"
            value={form.overrideReason}
            onChange={(value) => setForm({ overrideReason: value })}
            error={errors.of('overrideReason')}
            hint="Chỉ người duyệt ghi lý do; lý do được lưu cùng quyết định và hiện trong danh sách xung đột."
            maxLength={500}
          />
        )}
        <ErrorMessage error={errors.of('categoryId') ?? errors.form} />
        <button type="submit" className="primary">
          {step.isDecision
            ? askOverride
              ? 'Vẫn duyệt, ghi lý do'
              : 'Duyệt và ghi quyết định'
            : 'Hoàn thành bước'}
        </button>
      </form>
      <div className="toolbar">
        <TextField
          label="Lý do trả lại hoặc từ chối"
          value={form.reason}
          onChange={(value) => setForm({ reason: value })}
          error={errors.of('reason')}
          maxLength={500}
        />
        <button type="button" onClick={() => void act('return')}>
          Trả lại bổ sung
        </button>
        <button type="button" className="danger" onClick={() => void act('reject')}>
          Từ chối
        </button>
      </div>
    </section>
  );
}
