import { useState, type FormEvent } from 'react';
import { graphql } from '../generated/gql.ts';
import type { ApplicationDocumentKind } from '../generated/graphql.ts';
import { thisMonth, today } from '../format.ts';
import { asGraphError, type GraphError } from '../graphql.ts';
import { useDraft } from '../shell/drafts.ts';
import { ErrorMessage, formErrors, SelectField, TextField } from '../shell/fields.tsx';
import { Link } from '../shell/router.tsx';
import { useGraph, useQuery } from '../shell/use-graph.ts';

const CATEGORIES = graphql(`
  query FileApplicationCategories {
    programs {
      name
      categories {
        id
        code
        name
        payment
        perMember
        validToMonth
      }
    }
  }
`);

const FILE_APPLICATION = graphql(`
  mutation FileApplication($input: FileApplicationInput!) {
    fileApplication(input: $input) {
      id
      currentStep {
        name
        dueOn
      }
    }
  }
`);

/** The papers a commune receives with a dossier, ticked as they are handed in. */
const DOCUMENTS: readonly [ApplicationDocumentKind, string][] = [
  ['DECLARATION', 'Tờ khai'],
  ['CITIZEN_ID', 'Căn cước công dân'],
  ['BIRTH_CERTIFICATE', 'Giấy khai sinh'],
  ['DISABILITY_CERTIFICATE', 'Giấy xác nhận khuyết tật'],
  ['HEALTH_CONFIRMATION', 'Giấy xác nhận của cơ sở y tế'],
  ['POVERTY_CERTIFICATE', 'Giấy chứng nhận hộ nghèo, cận nghèo'],
];

const FIELDS = ['categoryId', 'filedOn', 'memberCount', 'documents'];

/** Tiếp nhận hồ sơ at the commune for a person of the register: a monthly allowance's category still open. */
export function FileApplication({ personId, onFiled }: { personId: string; onFiled: () => void }) {
  const { run } = useGraph();
  const { data } = useQuery(CATEGORIES, {});
  const [form, setForm, clear] = useDraft(`file-application:${personId}`, {
    categoryId: '',
    filedOn: today(),
    memberCount: '1',
    documents: ['DECLARATION'] as string[],
  });
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [filed, setFiled] = useState<string | null>(null);
  const errors = formErrors(failure, FIELDS);
  const month = thisMonth();
  const categories =
    data?.programs.flatMap((program) =>
      program.categories
        .filter(
          (category) =>
            category.payment === 'MONTHLY' && (!category.validToMonth || category.validToMonth >= month),
        )
        .map((category) => ({ ...category, label: `${category.code} ${category.name} (${program.name})` })),
    ) ?? [];
  const chosen = categories.find((category) => category.id === form.categoryId);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setFiled(null);
    try {
      const { fileApplication } = await run(FILE_APPLICATION, {
        input: {
          personId,
          categoryId: form.categoryId,
          filedOn: form.filedOn,
          memberCount: chosen?.perMember ? Number(form.memberCount) : null,
          documents: DOCUMENTS.filter(([kind]) => form.documents.includes(kind)).map(([kind, name]) => ({
            kind,
            name,
          })),
        },
      });
      clear();
      setFiled(`Đã tiếp nhận hồ sơ; bước tiếp theo: ${fileApplication.currentStep?.name ?? ''}.`);
      onFiled();
    } catch (caught) {
      setFailure(asGraphError(caught));
    }
  };

  return (
    <form className="panel" onSubmit={(event) => void submit(event)} aria-labelledby="file-title">
      <h3 id="file-title">Tiếp nhận hồ sơ</h3>
      <div className="toolbar">
        <SelectField
          label="Nhóm đối tượng"
          value={form.categoryId}
          onChange={(value) => setForm({ categoryId: value })}
          options={[
            ['', 'Chọn nhóm đối tượng'],
            ...categories.map((category): [string, string] => [category.id, category.label]),
          ]}
          error={errors.of('categoryId')}
        />
        <TextField
          label="Ngày tiếp nhận"
          type="date"
          value={form.filedOn}
          onChange={(value) => setForm({ filedOn: value })}
          error={errors.of('filedOn')}
        />
        {chosen?.perMember && (
          <TextField
            label="Số thành viên được hưởng"
            type="number"
            value={form.memberCount}
            onChange={(value) => setForm({ memberCount: value })}
            error={errors.of('memberCount')}
          />
        )}
      </div>
      <fieldset>
        <legend>Giấy tờ đã nhận</legend>
        {DOCUMENTS.map(([kind, name]) => (
          <label key={kind} className="check">
            <input
              type="checkbox"
              checked={form.documents.includes(kind)}
              onChange={(event) =>
                setForm({
                  documents: event.target.checked
                    ? [...form.documents, kind]
                    : form.documents.filter((each) => each !== kind),
                })
              }
            />{' '}
            {name}
          </label>
        ))}
        {errors.of('documents') && <ErrorMessage error={errors.of('documents')} />}
      </fieldset>
      <button type="submit" className="primary" disabled={!form.categoryId}>
        Tiếp nhận hồ sơ
      </button>
      <ErrorMessage error={errors.form} />
      {filed && (
        <p role="status" className="success">
          {filed} <Link to="/ho-so">Mở hàng chờ hồ sơ</Link>
        </p>
      )}
    </form>
  );
}
