import { useId, type ReactNode } from 'react';
import type { GraphError } from '../graphql.ts';

/** `input.citizenId`, `updates[3].paidAt` → the field as forms name it (`citizenId`, `paidAt`). */
const fieldName = (path: string): string =>
  path
    .replace(/\[\d+\]/g, '')
    .split('.')
    .pop() ?? path;

/**
 * Where a refusal of the graph goes on a form: at the field it names when the form has that field,
 * else above the form.
 */
export function formErrors(failure: GraphError | null, fields: readonly string[]) {
  const field = failure?.field ? fieldName(failure.field) : null;
  const atField = field !== null && fields.includes(field);
  return {
    of: (name: string): string | null => (atField && field === name ? failure!.message : null),
    form: failure && !atField ? failure.message : null,
  };
}

type FieldProps = {
  label: string;
  error?: string | null | undefined;
  hint?: string | undefined;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
  }) => ReactNode;
};

/** A labelled control with its hint and its error, tied together for screen readers. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field field-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described || undefined })}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

type TextFieldProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | null | undefined;
  hint?: string;
  type?: 'text' | 'date' | 'month' | 'search' | 'tel' | 'datetime-local' | 'number';
  required?: boolean;
  maxLength?: number;
  inputMode?: 'numeric' | 'text' | 'tel';
  autoComplete?: string;
  name?: string;
};

export function TextField({ label, value, onChange, error, hint, type = 'text', ...rest }: TextFieldProps) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(props) => (
        <input
          {...props}
          {...rest}
          type={type}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

type SelectFieldProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly (readonly [value: string, label: string])[];
  error?: string | null | undefined;
  hint?: string;
  name?: string;
};

export function SelectField({ label, value, onChange, options, error, hint, name }: SelectFieldProps) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(props) => (
        <select {...props} name={name} value={value} onChange={(event) => onChange(event.target.value)}>
          {options.map(([optionValue, optionLabel]) => (
            <option key={optionValue} value={optionValue}>
              {optionLabel}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A refusal or a failure to load, read out when it appears. */
export function ErrorMessage({ error }: { error: { message: string } | string | null | undefined }) {
  if (!error) return null;
  return (
    <p className="alert" role="alert">
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}

export function Loading({ what = 'dữ liệu' }: { what?: string }) {
  return <p aria-busy="true">Đang tải {what}…</p>;
}
