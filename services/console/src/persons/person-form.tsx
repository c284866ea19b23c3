import { useState, type FormEvent } from 'react';
import { GENDER } from '../format.ts';
import { graphql } from '../generated/gql.ts';
import { asGraphError, GraphError } from '../graphql.ts';
import { useOfficial } from '../shell/console-context.tsx';
import { useDraft } from '../shell/drafts.ts';
import { ErrorMessage, formErrors, Loading, SelectField, TextField } from '../shell/fields.tsx';
import { navigate } from '../shell/router.tsx';
import { useGraph, useQuery } from '../shell/use-graph.ts';
import {
  createPersonInputOf,
  emptyPersonForm,
  isFieldProblem,
  PERSON_FIELDS,
  personFormOf,
  updatePersonInputOf,
  type FieldProblem,
  type PersonFormValues,
} from './person-input.ts';

const PERSON_FORM_PERSON = graphql(`
  query PersonFormPerson($id: ID!) {
    person(id: $id) {
      id
      fullName
      birthDate
      gender
      ethnicity {
        code
      }
      citizenId
      oldIdNumber
      phone
      residenceUnitCode
      address
    }
  }
`);

const PERSON_FORM_ETHNICITIES = graphql(`
  query PersonFormEthnicities {
    ethnicities {
      code
      name
    }
  }
`);

const PERSON_CREATE = graphql(`
  mutation PersonCreate($input: CreatePersonInput!) {
    createPerson(input: $input) {
      id
    }
  }
`);

const PERSON_UPDATE = graphql(`
  mutation PersonUpdate($id: ID!, $input: UpdatePersonInput!) {
    updatePerson(id: $id, input: $input) {
      id
    }
  }
`);

const GENDER_OPTIONS = [['', 'Chọn giới tính'], ...Object.entries(GENDER)] as const;

/** A problem the form finds itself, shown as the graph's refusals are. */
const refusalOf = (problem: FieldProblem) => new GraphError(problem.message, 'BAD_USER_INPUT', problem.field);

/** Thêm đối tượng (`personId` null) or sửa thông tin of a person. */
export function PersonForm({ personId }: { personId: string | null }) {
  return personId ? <EditPerson personId={personId} /> : <NewPerson />;
}

function NewPerson() {
  const official = useOfficial();
  const { run } = useGraph();
  const ownCommune = official.unitLevel === 'commune' ? official.unitCode : '';
  const create = async (values: PersonFormValues) => {
    const input = createPersonInputOf(values);
    if (isFieldProblem(input)) throw refusalOf(input);
    return (await run(PERSON_CREATE, { input })).createPerson.id;
  };
  return (
    <PersonFields
      title="Thêm đối tượng"
      draftKey="person-form:new"
      stored={emptyPersonForm(ownCommune)}
      save={create}
      cancelTo="/doi-tuong"
    />
  );
}

function EditPerson({ personId }: { personId: string }) {
  const { run } = useGraph();
  const { data, error } = useQuery(PERSON_FORM_PERSON, { id: personId });
  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="thông tin đối tượng" />;
  if (!data.person) return <ErrorMessage error="Không tìm thấy đối tượng này trong đơn vị của bạn." />;
  const stored = personFormOf(data.person);
  const update = async (values: PersonFormValues) => {
    const input = updatePersonInputOf(stored, values);
    if (isFieldProblem(input)) throw refusalOf(input);
    if (Object.keys(input).length === 0) return personId;
    return (await run(PERSON_UPDATE, { id: personId, input })).updatePerson.id;
  };
  return (
    <PersonFields
      title={`Sửa thông tin: ${data.person.fullName ?? 'đối tượng'}`}
      draftKey={`person-form:${personId}`}
      stored={stored}
      save={update}
      cancelTo={`/doi-tuong/${personId}`}
    />
  );
}

type PersonFieldsProps = {
  title: string;
  draftKey: string;
  /** The values before any typing: the person as stored, or an empty form. */
  stored: PersonFormValues;
  /** Saves the values; answers the person's id, or fails with the graph's refusal. */
  save: (values: PersonFormValues) => Promise<string>;
  cancelTo: string;
};

function PersonFields({ title, draftKey, stored, save, cancelTo }: PersonFieldsProps) {
  const [values, update, clear] = useDraft(draftKey, stored);
  const ethnicities = useQuery(PERSON_FORM_ETHNICITIES, {});
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [saving, setSaving] = useState(false);
  const errors = formErrors(failure, PERSON_FIELDS);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setFailure(null);
    save(values).then(
      (personId) => {
        clear();
        navigate(`/doi-tuong/${personId}`);
      },
      (refusal: unknown) => {
        setFailure(asGraphError(refusal));
        setSaving(false);
      },
    );
  };
  const cancel = () => {
    clear();
    navigate(cancelTo);
  };
  const text = (field: keyof PersonFormValues) => ({
    name: field,
    value: values[field],
    onChange: (value: string) => update({ [field]: value }),
    error: errors.of(field),
  });
  const ethnicityOptions = [
    ['', 'Chưa rõ'] as const,
    ...(ethnicities.data?.ethnicities ?? []).map(({ code, name }) => [code, name] as const),
  ];

  return (
    <>
      <h1>{title}</h1>
      <form noValidate onSubmit={submit} className="panel">
        <ErrorMessage error={errors.form} />
        <TextField label="Họ và tên" required autoComplete="off" {...text('fullName')} />
        <TextField
          label="Ngày sinh"
          required
          hint="dd/mm/yyyy, hoặc chỉ năm sinh (yyyy) khi không rõ ngày."
          {...text('birthDate')}
        />
        <SelectField label="Giới tính" options={GENDER_OPTIONS} {...text('gender')} />
        <SelectField
          label="Dân tộc"
          options={ethnicityOptions}
          hint={
            ethnicities.error ? `Chưa tải được danh mục dân tộc: ${ethnicities.error.message}` : undefined
          }
          {...text('ethnicityCode')}
        />
        <TextField label="Số CCCD" inputMode="numeric" hint="12 chữ số." {...text('citizenId')} />
        <TextField label="Số CMND cũ" inputMode="numeric" hint="9 chữ số, nếu có." {...text('oldIdNumber')} />
        <TextField label="Số điện thoại" type="tel" inputMode="tel" {...text('phone')} />
        <TextField
          label="Mã xã nơi cư trú"
          required
          inputMode="numeric"
          maxLength={5}
          hint="Mã xã, phường gồm 5 chữ số, thuộc đơn vị của bạn."
          {...text('residenceUnitCode')}
        />
        <TextField label="Địa chỉ" hint="Số nhà, thôn, tổ dân phố." {...text('address')} />
        <p className="toolbar">
          <button type="submit" className="primary" disabled={saving} aria-busy={saving}>
            Lưu
          </button>
          <button type="button" onClick={cancel}>
            Huỷ
          </button>
        </p>
      </form>
    </>
  );
}
