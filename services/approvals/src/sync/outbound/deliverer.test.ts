import { describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '@ansinh/common';
import type pg from 'pg';
import { startDeliverer } from './deliverer.ts';
import { DEFAULT_RETRY_POLICY } from './delivery.rules.ts';
import type { WebhookSender } from './webhook-sender.ts';

/** The deliverer against a stand-in pool: what it leases, and the outcomes it writes. */
const NOW = new Date('2026-12-03T08:00:00.000Z');

const leasedRow = (seq: string, overrides: Record<string, unknown> = {}) => ({
  webhook_id: `00000000-0000-4000-8000-00000000000${seq}`,
  seq,
  lease_id: `10000000-0000-4000-8000-00000000000${seq}`,
  attempts: 1,
  url: 'https://motcua.hatinh.gov.vn/hook',
  secret: 'secret',
  event_id: `20000000-0000-4000-8000-00000000000${seq}`,
  event_type: 'application.received',
  occurred_at: NOW,
  province_code: '42',
  dossier_key: `dossier-${seq}`,
  payload: { dossier: { source: null, externalCode: null, applicationId: null }, data: {} },
  ...overrides,
});

type Outcome = { seq: string; outcome: string; error: string | null; retryAt: string | null };

function run(rows: ReturnType<typeof leasedRow>[]) {
  let toLease = rows;
  const settled: Outcome[] = [];
  const pool = {
    query: async (text: string, values: unknown[]) => {
      if (text.includes('lease_webhook_deliveries')) {
        const taken = toLease;
        toLease = [];
        return { rows: taken };
      }
      if (text.includes('settle_webhook_deliveries'))
        settled.push(...(JSON.parse(values[0] as string) as Outcome[]));
      return { rows: [] };
    },
  } as unknown as pg.Pool;
  const send = jest.fn<WebhookSender['send']>(async () => ({ status: 204 }));
  const logger = createLogger('approvals-test', 'silent');
  const errors = jest.spyOn(logger, 'error');
  const deliverer = startDeliverer({
    pool,
    sender: { send, close: () => undefined },
    retry: DEFAULT_RETRY_POLICY,
    concurrency: 4,
    perWebhook: 2,
    leaseSeconds: 30,
    logger,
    now: () => NOW,
  });
  deliverer.wake();
  const done = async () => {
    for (let i = 0; i < 200 && settled.length < rows.length; i++) await new Promise((r) => setTimeout(r, 5));
    await deliverer.stop();
    return settled.sort((a, b) => a.seq.localeCompare(b.seq));
  };
  return { send, errors, done };
}

describe('the deliverer', () => {
  it('settles a row whose event cannot be built as a failed attempt, and sends the others', async () => {
    const { send, errors, done } = run([
      leasedRow('1', { payload: null }),
      leasedRow('2'),
      leasedRow('3', { payload: null, attempts: DEFAULT_RETRY_POLICY.maxAttempts }),
    ]);
    const settled = await done();
    expect(settled).toEqual([
      expect.objectContaining({
        seq: '1',
        outcome: 'retry',
        error: expect.stringMatching(/^Không dựng được sự kiện để gửi: /),
        retryAt: expect.any(String),
      }),
      expect.objectContaining({ seq: '2', outcome: 'delivered', error: null }),
      expect.objectContaining({ seq: '3', outcome: 'dead', error: expect.stringMatching(/Không dựng được/) }),
    ]);
    // Only the good row reached the receiver, and nothing escaped as an unexpected failure.
    expect(send).toHaveBeenCalledTimes(1);
    expect(errors).not.toHaveBeenCalled();
  });

  it('settles a sender that throws (even a non-Error) as a failed attempt', async () => {
    const { send, errors, done } = run([leasedRow('1')]);
    send.mockImplementation(() => Promise.reject('socket closed'));
    const settled = await done();
    expect(settled).toEqual([
      expect.objectContaining({ seq: '1', outcome: 'retry', error: 'socket closed' }),
    ]);
    expect(errors).not.toHaveBeenCalled();
  });
});
