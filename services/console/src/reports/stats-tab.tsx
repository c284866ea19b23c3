import { useId, useMemo, useState, type FormEvent } from 'react';
import { thisMonth } from '../format.ts';
import { graphql } from '../generated/gql.ts';
import type { StatsDimension, StatsMeasure, StatsUnitEra, StatsUnitLevel } from '../generated/graphql.ts';
import { useOfficial } from '../shell/console-context.tsx';
import { useDraft } from '../shell/drafts.ts';
import { ErrorMessage, formErrors, Loading, SelectField, TextField } from '../shell/fields.tsx';
import { setSearchParams, useLocation } from '../shell/router.tsx';
import { useQuery } from '../shell/use-graph.ts';
import { UnitCodeField } from './report-parts.tsx';
import { StatsResults } from './stats-results.tsx';
import {
  defaultStatsForm,
  DIMENSION_LABEL,
  DIMENSIONS,
  MEASURE_LABEL,
  MEASURES,
  statsDimensions,
  statsFormOfParams,
  statsInput,
  statsParams,
  UNIT_ERA_LABEL,
  UNIT_LEVEL_LABEL,
  withMeasure,
  type StatsForm,
  type StatsLookups,
} from './stats.ts';

const REPORT_STATS = graphql(`
  query ReportStats($input: StatsInput!) {
    stats(input: $input) {
      fromMonth
      toMonth
      includesConfidential
      rows {
        unitCode
        unitName
        program
        category
        categoryName
        gender
        ethnicity
        ageBand
        month
        channel
        paymentStatus
        beneficiaries
        entitlements
        amountDue
        increases
        decreases
        paymentLines
        paymentPersons
        planned
        paid
        unpaid
        paidLate
      }
      totals {
        beneficiaries
        entitlements
        amountDue
        increases
        decreases
        paymentLines
        paymentPersons
        planned
        paid
        unpaid
        paidLate
      }
    }
  }
`);

const REPORT_STATS_LOOKUPS = graphql(`
  query ReportStatsLookups {
    programs {
      id
      name
    }
    ethnicities {
      code
      name
    }
  }
`);

/** The form's fields, as the graph's refusals name them (`input.filter.fromMonth` → `fromMonth`). */
const FIELDS = [
  'unitCode',
  'fromMonth',
  'toMonth',
  'groupBy',
  'unitLevel',
  'unitEra',
  'measures',
  'programs',
];

const NO_MEASURE = 'Hãy chọn ít nhất một chỉ tiêu.';

/** Thống kê: figures of a unit for months, broken down by one or two dimensions, as a chart and a table. */
export function StatsTab() {
  const official = useOfficial();
  const asked = statsFormOfParams(useLocation().searchParams);
  const [form, update] = useDraft<StatsForm>(
    'reports:stats',
    asked ?? defaultStatsForm(official.unitCode, thisMonth()),
  );
  const [noMeasure, setNoMeasure] = useState(false);
  const lookups = useQuery(REPORT_STATS_LOOKUPS, {});
  const stats = useQuery(REPORT_STATS, { input: statsInput(asked ?? form) }, { skip: !asked });
  const errors = formErrors(stats.error, FIELDS);
  const names = useMemo<StatsLookups>(
    () => ({
      programs: new Map(lookups.data?.programs.map((program) => [program.id, program.name])),
      ethnicities: new Map(lookups.data?.ethnicities.map((ethnicity) => [ethnicity.code, ethnicity.name])),
    }),
    [lookups.data],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNoMeasure(form.measures.length === 0);
    if (form.measures.length === 0) return;
    setSearchParams(statsParams(form));
    // The same statistic asked again is asked of the graph again: figures change during the day.
    stats.reload();
  };

  return (
    <section aria-labelledby="stats-title">
      <h2 id="stats-title">Thống kê</h2>
      <StatsFilterForm
        form={form}
        update={update}
        programs={lookups.data?.programs ?? []}
        errorOf={(name) =>
          name === 'measures' && noMeasure && form.measures.length === 0 ? NO_MEASURE : errors.of(name)
        }
        onSubmit={submit}
      />
      <ErrorMessage error={errors.form} />
      {asked && !stats.error && !stats.data && stats.loading && <Loading what="số liệu thống kê" />}
      {asked && !stats.error && stats.data && (
        <div aria-busy={stats.loading}>
          <StatsResults result={stats.data.stats} form={asked} lookups={names} />
        </div>
      )}
    </section>
  );
}

function StatsFilterForm({
  form,
  update,
  programs,
  errorOf,
  onSubmit,
}: {
  form: StatsForm;
  update: (change: Partial<StatsForm>) => void;
  programs: readonly { id: string; name: string }[];
  errorOf: (field: string) => string | null;
  onSubmit: (event: FormEvent) => void;
}) {
  const byUnit = statsDimensions(form).includes('UNIT');
  const dimensionOptions = (dimensions: readonly StatsDimension[]) =>
    dimensions.map((dimension) => [dimension, DIMENSION_LABEL[dimension]] as const);
  return (
    <form className="panel" aria-label="Điều kiện thống kê" onSubmit={onSubmit}>
      <div className="toolbar">
        <UnitCodeField
          value={form.unitCode}
          onChange={(unitCode) => update({ unitCode })}
          error={errorOf('unitCode')}
        />
        <TextField
          type="month"
          label="Từ tháng"
          value={form.fromMonth}
          onChange={(fromMonth) => update({ fromMonth })}
          error={errorOf('fromMonth')}
          required
        />
        <TextField
          type="month"
          label="Đến tháng"
          value={form.toMonth}
          onChange={(toMonth) => update({ toMonth })}
          error={errorOf('toMonth')}
          hint="Tối đa 36 tháng"
        />
        <SelectField
          label="Chương trình"
          value={form.programId}
          onChange={(programId) => update({ programId })}
          options={[
            ['', 'Tất cả chương trình'],
            ...programs.map((program) => [program.id, program.name] as const),
          ]}
          error={errorOf('programs')}
        />
      </div>
      <div className="toolbar">
        <SelectField
          label="Chia theo"
          value={form.groupBy}
          onChange={(value) => {
            const groupBy = value as StatsDimension;
            update({ groupBy, thenBy: form.thenBy === groupBy ? '' : form.thenBy });
          }}
          options={dimensionOptions(DIMENSIONS)}
          error={errorOf('groupBy')}
        />
        <SelectField
          label="Chia tiếp theo"
          value={form.thenBy}
          onChange={(value) => update({ thenBy: value as StatsDimension | '' })}
          options={[
            ['', 'Không chia tiếp'],
            ...dimensionOptions(DIMENSIONS.filter((each) => each !== form.groupBy)),
          ]}
        />
        {byUnit && (
          <>
            <SelectField
              label="Cấp đơn vị"
              value={form.unitLevel}
              onChange={(value) => update({ unitLevel: value as StatsUnitLevel })}
              options={Object.entries(UNIT_LEVEL_LABEL)}
              error={errorOf('unitLevel')}
              hint="Cấp huyện chỉ có khi lấy đơn vị như khi ghi nhận"
            />
            <SelectField
              label="Lấy đơn vị"
              value={form.unitEra}
              onChange={(value) => update({ unitEra: value as StatsUnitEra })}
              options={Object.entries(UNIT_ERA_LABEL)}
              error={errorOf('unitEra')}
            />
          </>
        )}
      </div>
      <MeasureChoice
        chosen={form.measures}
        onChange={(measures) => update({ measures })}
        error={errorOf('measures')}
      />
      <button type="submit" className="primary">
        Xem
      </button>
    </form>
  );
}

function MeasureChoice({
  chosen,
  onChange,
  error,
}: {
  chosen: readonly StatsMeasure[];
  onChange: (measures: StatsMeasure[]) => void;
  error: string | null;
}) {
  const id = useId();
  return (
    <fieldset
      className={error ? 'field field-error' : 'field'}
      aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
    >
      <legend>Chỉ tiêu</legend>
      {MEASURES.map((measure) => (
        <label key={measure}>
          <input
            type="checkbox"
            name="measures"
            value={measure}
            checked={chosen.includes(measure)}
            onChange={(event) => onChange(withMeasure(chosen, measure, event.target.checked))}
          />{' '}
          {MEASURE_LABEL[measure]}
        </label>
      ))}
      <small id={`${id}-hint`} className="hint">
        Biểu đồ vẽ chỉ tiêu đầu tiên được chọn. Đối tượng, chế độ, kinh phí phải trả và biến động tính theo sổ
        chế độ nên không chia theo kênh hay trạng thái chi trả.
      </small>
      {error && (
        <small id={`${id}-error`} className="error" role="alert">
          {error}
        </small>
      )}
    </fieldset>
  );
}
