import { useState, type FormEvent } from 'react';
import { graphql } from '../generated/gql.ts';
import type { CitizenPaymentStatusQuery } from '../generated/graphql.ts';
import { formatDate, formatMonth, formatVnd, label, PAYMENT_CHANNEL } from '../format.ts';
import { asGraphError, GraphError } from '../graphql.ts';
import { ErrorMessage, formErrors, TextField } from '../shell/fields.tsx';
import { useGraph } from '../shell/use-graph.ts';

const CITIZEN_CHECK = graphql(`
  query CitizenPaymentStatus($citizenId: String!, $birthDate: String!) {
    citizenPaymentStatus(citizenId: $citizenId, birthDate: $birthDate) {
      maskedName
      maskedCitizenId
      communeName
      payments {
        month
        amount
        status
        paidOn
        channel
        programName
        categoryName
      }
    }
  }
`);

/**
 * Tra cứu chi trả: a citizen checks their own payments with their CCCD and date of birth, without an
 * account. The CCCD is kept in the page only (never in the tab's storage): the computer may be shared.
 */
export function CitizenCheck() {
  const { run } = useGraph();
  const [citizenId, setCitizenId] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [failure, setFailure] = useState<GraphError | null>(null);
  const [result, setResult] = useState<CitizenPaymentStatusQuery['citizenPaymentStatus'] | null>(null);
  const errors = formErrors(failure, ['citizenId', 'birthDate']);

  const check = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setResult(null);
    try {
      setResult((await run(CITIZEN_CHECK, { citizenId: citizenId.trim(), birthDate })).citizenPaymentStatus);
    } catch (caught) {
      const error = asGraphError(caught);
      setFailure(
        error.code === 'NOT_FOUND'
          ? new GraphError(
              'Không tìm thấy người có số CCCD và ngày sinh này. Kiểm tra lại, hoặc hỏi cán bộ xã.',
              error.code,
              null,
            )
          : error,
      );
    }
  };

  return (
    <section aria-labelledby="check-title" className="panel">
      <h2 id="check-title">Tra cứu chi trả của bạn</h2>
      <form onSubmit={(event) => void check(event)}>
        <div className="toolbar">
          <TextField
            label="Số CCCD (12 chữ số)"
            value={citizenId}
            onChange={setCitizenId}
            inputMode="numeric"
            maxLength={12}
            autoComplete="off"
            error={errors.of('citizenId')}
          />
          <TextField
            label="Ngày sinh"
            type="date"
            value={birthDate}
            onChange={setBirthDate}
            error={errors.of('birthDate')}
          />
          <button type="submit" className="primary">
            Tra cứu
          </button>
        </div>
      </form>
      <ErrorMessage error={errors.form} />
      {result && (
        <div role="status">
          <p>
            {result.maskedName}, CCCD {result.maskedCitizenId}, {result.communeName}
          </p>
          {result.payments.length === 0 ? (
            <p>Chưa có khoản chi trả nào.</p>
          ) : (
            <div className="table-scroll">
              <table>
                <caption>Các khoản chi trả</caption>
                <thead>
                  <tr>
                    <th scope="col">Tháng</th>
                    <th scope="col">Chế độ</th>
                    <th scope="col">Số tiền</th>
                    <th scope="col">Trạng thái</th>
                    <th scope="col">Ngày nhận</th>
                    <th scope="col">Kênh</th>
                  </tr>
                </thead>
                <tbody>
                  {result.payments.map((payment) => (
                    <tr key={`${payment.month}-${payment.categoryName ?? ''}-${payment.amount}`}>
                      <td>{formatMonth(payment.month)}</td>
                      <td>{payment.categoryName ?? payment.programName ?? ''}</td>
                      <td className="number">{formatVnd(payment.amount)}</td>
                      <td>{payment.status === 'PAID' ? 'Đã nhận' : 'Chưa nhận'}</td>
                      <td>{formatDate(payment.paidOn)}</td>
                      <td>{label(PAYMENT_CHANNEL, payment.channel)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
