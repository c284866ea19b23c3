import { useMemo, useState, type FormEvent, type MouseEvent } from 'react';
import { graphql } from '../generated/gql.ts';
import {
  formatCount,
  formatDateTime,
  formatVnd,
  label,
  PAYMENT_CHANNEL,
  PAYMENT_STATUS,
  today,
} from '../format.ts';
import { asGraphError, GraphError } from '../graphql.ts';
import { useDraft } from '../shell/drafts.ts';
import { ErrorMessage, formErrors, SelectField, TextField } from '../shell/fields.tsx';
import { setSearchParams, useLocation } from '../shell/router.tsx';
import { useGraph } from '../shell/use-graph.ts';
import {
  MAX_LINES_PER_UPDATE,
  type PaymentListLine,
  paymentUpdates,
  refusedLines,
  toggleSelection,
  type BulkUpdate,
} from './payment-updates.ts';

const RECORD_PAYMENTS = graphql(`
  mutation RecordPayments($input: RecordPaymentsInput!) {
    recordPayments(input: $input) {
      late
      replayed
      lines {
        id
      }
    }
  }
`);

const OUTCOMES = [
  ['PAID', 'Đã nhận'],
  ['UNPAID', 'Chưa nhận'],
  ['UNREACHABLE', 'Không liên lạc được'],
  ['RETURNED', 'Bị trả lại'],
] as const;

const FIELDS = [
  'date',
  'paidAt',
  'forDate',
  'time',
  'receiver',
  'receiverName',
  'reference',
  'note',
] as const;

/**
 * Cập nhật chi trả: the day's updates of a list, for the payer. Filter by status and channel (kept in
 * the address), select many lines (a shift-click selects a range), and record them in one update with
 * the day, time and receiver; a refusal marks each refused line and writes nothing.
 */
export function DailyUpdate({
  listId,
  lines,
  onRecorded,
}: {
  listId: string;
  lines: readonly PaymentListLine[];
  onRecorded: () => void;
}) {
  const { run } = useGraph();
  const location = useLocation();
  // Lines still to update by default; `ALL` in the address shows every line.
  const statusParam = location.searchParams.get('trang-thai');
  const statusFilter = statusParam === null ? 'PENDING' : statusParam === 'ALL' ? '' : statusParam;
  const channelFilter = location.searchParams.get('kenh') ?? '';
  const [form, setForm] = useDraft<BulkUpdate>(`payment-update:${listId}`, {
    status: 'PAID',
    date: today(),
    time: '',
    receiver: 'PERSON',
    receiverName: '',
    reference: '',
    note: '',
  });
  const [selection, setSelection] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<string | null>(null);
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [recorded, setRecorded] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const shown = useMemo(
    () =>
      lines.filter(
        (line) =>
          (!statusFilter || line.status === statusFilter) &&
          (!channelFilter || line.channel === channelFilter),
      ),
    [lines, statusFilter, channelFilter],
  );
  const shownIds = shown.map((line) => line.id);
  const selected = lines.filter((line) => selection.has(line.id));
  const refused = new Map(refusedLines(failure?.details ?? null).map((line) => [line.lineId, line.message]));
  const errors = formErrors(refused.size > 0 ? null : failure, FIELDS);
  const allShownSelected = shown.length > 0 && shown.every((line) => selection.has(line.id));

  // A click (or Space) on a box; with Shift, the range from the box clicked before.
  const onBox = (id: string) => (event: MouseEvent<HTMLInputElement>) => {
    setSelection(
      toggleSelection(selection, shownIds, id, event.currentTarget.checked, anchor, event.shiftKey),
    );
    setAnchor(id);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setRecorded(null);
    if (selected.length === 0) {
      setFailure(new GraphError('Chọn ít nhất một dòng.', 'BAD_USER_INPUT', null));
      return;
    }
    setSending(true);
    try {
      const answer = await run(RECORD_PAYMENTS, {
        input: { updates: paymentUpdates(selected, form), idempotencyKey: crypto.randomUUID() },
      });
      const { lines: updated, late } = answer.recordPayments;
      setRecorded(
        `Đã ghi nhận ${formatCount(updated.length)} dòng${late > 0 ? ` (${formatCount(late)} dòng ghi sau giờ chốt, tính là trễ)` : ''}.`,
      );
      setSelection(new Set());
      setForm({ reference: '', note: '' });
      onRecorded();
    } catch (caught) {
      setFailure(asGraphError(caught));
    } finally {
      setSending(false);
    }
  };

  return (
    <section aria-labelledby="daily-title" className="panel">
      <h2 id="daily-title">Cập nhật chi trả</h2>
      <div className="toolbar">
        <SelectField
          label="Lọc theo trạng thái"
          value={statusFilter}
          onChange={(value) => setSearchParams({ 'trang-thai': value === 'PENDING' ? null : value || 'ALL' })}
          options={[['', 'Tất cả'], ...Object.entries(PAYMENT_STATUS)]}
        />
        <SelectField
          label="Lọc theo kênh"
          value={channelFilter}
          onChange={(value) => setSearchParams({ kenh: value })}
          options={[['', 'Tất cả'], ...Object.entries(PAYMENT_CHANNEL)]}
        />
      </div>
      <form onSubmit={(event) => void submit(event)} className="bulk" aria-describedby="bulk-count">
        <p id="bulk-count" role="status">
          Đã chọn {formatCount(selected.length)} dòng,{' '}
          {formatVnd(selected.reduce((sum, line) => sum + line.total, 0))}
          {selected.length > MAX_LINES_PER_UPDATE &&
            ` (mỗi lần ghi tối đa ${formatCount(MAX_LINES_PER_UPDATE)} dòng)`}
        </p>
        <div className="toolbar">
          <SelectField
            label="Kết quả"
            value={form.status}
            onChange={(value) => setForm({ status: value as BulkUpdate['status'] })}
            options={OUTCOMES}
          />
          <TextField
            label={form.status === 'PAID' ? 'Ngày chi trả' : 'Ngày cập nhật'}
            type="date"
            value={form.date}
            onChange={(value) => setForm({ date: value })}
            error={errors.of('date') ?? errors.of('paidAt') ?? errors.of('forDate')}
          />
          {form.status === 'PAID' && (
            <>
              <TextField
                label="Giờ"
                type="text"
                value={form.time}
                onChange={(value) => setForm({ time: value })}
                hint="HH:MM, ví dụ 09:30"
                maxLength={5}
              />
              <SelectField
                label="Người nhận"
                value={form.receiver}
                onChange={(value) => setForm({ receiver: value as BulkUpdate['receiver'] })}
                options={[
                  ['PERSON', 'Đối tượng nhận trực tiếp'],
                  ['AUTHORISED', 'Người được ủy quyền'],
                ]}
                error={errors.of('receiver')}
              />
              {form.receiver === 'AUTHORISED' && (
                <TextField
                  label="Họ tên người được ủy quyền"
                  value={form.receiverName}
                  onChange={(value) => setForm({ receiverName: value })}
                  error={errors.of('receiverName')}
                  maxLength={100}
                />
              )}
            </>
          )}
          <TextField
            label="Số chứng từ"
            value={form.reference}
            onChange={(value) => setForm({ reference: value })}
            error={errors.of('reference')}
            maxLength={100}
          />
          <TextField
            label="Ghi chú"
            value={form.note}
            onChange={(value) => setForm({ note: value })}
            error={errors.of('note')}
            maxLength={500}
          />
        </div>
        <button
          type="submit"
          className="primary"
          disabled={sending || selected.length === 0 || selected.length > MAX_LINES_PER_UPDATE}
        >
          Ghi nhận cho {formatCount(selected.length)} dòng đã chọn
        </button>
        <ErrorMessage error={errors.form} />
        {recorded && (
          <p role="status" className="success">
            {recorded}
          </p>
        )}
      </form>
      <div className="table-scroll">
        <table className="lines">
          <caption>
            {formatCount(shown.length)} dòng {statusFilter ? `(${label(PAYMENT_STATUS, statusFilter)})` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Chọn tất cả dòng đang hiển thị"
                  checked={allShownSelected}
                  onChange={(event) => {
                    const next = new Set(selection);
                    for (const id of shownIds) {
                      if (event.target.checked) next.add(id);
                      else next.delete(id);
                    }
                    setSelection(next);
                  }}
                />
              </th>
              <th scope="col">Mã dòng</th>
              <th scope="col">Họ và tên</th>
              <th scope="col">Số tiền</th>
              <th scope="col">Kênh</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">Ngày nhận</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((line) => {
              const refusal = refused.get(line.id);
              return (
                <tr
                  key={line.id}
                  className={refusal ? 'refused' : selection.has(line.id) ? 'selected' : undefined}
                >
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Chọn dòng ${line.lineCode} ${line.person.fullName ?? ''}`}
                      checked={selection.has(line.id)}
                      disabled={line.status === 'HELD'}
                      onClick={onBox(line.id)}
                      readOnly
                    />
                  </td>
                  <td>{line.lineCode}</td>
                  <td>
                    {line.person.fullName ?? '—'}
                    {refusal && (
                      <small className="error" role="alert">
                        {' '}
                        {refusal}
                      </small>
                    )}
                  </td>
                  <td className="number">{formatVnd(line.total)}</td>
                  <td>{label(PAYMENT_CHANNEL, line.channel)}</td>
                  <td>
                    {label(PAYMENT_STATUS, line.status)}
                    {line.late && ' (trễ)'}
                    {line.holdReason && `: ${line.holdReason}`}
                  </td>
                  <td>
                    {formatDateTime(line.paidAt)}
                    {line.receiver === 'AUTHORISED' && line.receiverName
                      ? ` (ủy quyền: ${line.receiverName})`
                      : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
