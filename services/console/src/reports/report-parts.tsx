import type { ReactNode } from 'react';
import type { GraphError } from '../graphql.ts';
import { ErrorMessage, formErrors, Loading, TextField } from '../shell/fields.tsx';
import type { QueryState } from '../shell/use-graph.ts';

export function UnitCodeField({
  value,
  onChange,
  error,
  required = false,
}: {
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  required?: boolean;
}) {
  return (
    <TextField
      label="Mã đơn vị"
      value={value}
      onChange={onChange}
      error={error}
      hint="Mã thống kê: 2 chữ số (tỉnh), 5 chữ số (xã, phường)"
      inputMode="numeric"
      maxLength={5}
      autoComplete="off"
      name="unitCode"
      required={required}
    />
  );
}

/**
 * The refusal naming a form's field among several queries' refusals, for that field: the queries of one
 * form share its fields, and the first to name one shows at it.
 */
export function fieldErrors(failures: readonly (GraphError | null)[], fields: readonly string[]) {
  const each = failures.map((failure) => formErrors(failure, fields));
  return (name: string): string | null => each.map((errors) => errors.of(name)).find(Boolean) ?? null;
}

/**
 * A report's answer, or why there is none: a refusal about the form's fields shows at them (`fieldErrors`),
 * any other here.
 */
export function Answer<R>({
  state,
  fields,
  what,
  children,
}: {
  state: QueryState<R>;
  fields: readonly string[];
  what: string;
  children: (data: R) => ReactNode;
}) {
  if (state.error) {
    const { form } = formErrors(state.error, fields);
    return form ? (
      <ErrorMessage error={form} />
    ) : (
      <p>Chưa lập được {what}: sửa ô có lỗi ở trên rồi bấm “Xem”.</p>
    );
  }
  if (!state.data) return <Loading what={what} />;
  return <div aria-busy={state.loading}>{children(state.data)}</div>;
}
