/**
 * What happens to a webhook delivery after an attempt. Success is any 2xx; 410 Gone means the
 * receiver has closed the endpoint (the webhook is deactivated); anything else (another status, a
 * network error, no answer in time) is retried after an exponential delay with full jitter, until the
 * attempts run out and the delivery becomes a dead letter that an administrator can replay.
 */
export type RetryPolicy = {
  /** Attempts before a delivery is dead (WEBHOOK_MAX_ATTEMPTS, 12). */
  maxAttempts: number;
  /** The first retry's ceiling (WEBHOOK_RETRY_BASE_MS, 2 s); each later one doubles. */
  baseMs: number;
  /** The ceiling never exceeds this (WEBHOOK_RETRY_CAP_MS, 1 h). */
  capMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 12, baseMs: 2_000, capMs: 3_600_000 };

/**
 * The wait before the next attempt after `attempts` failed ones: a uniform draw in [0, min(cap,
 * base × 2^(attempts − 1))] ("full jitter"), so that receivers coming back from an outage are not
 * hit by every retry at the same moment.
 */
export function retryDelayMs(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/** What one attempt came to: an HTTP status (and the start of the receiver's answer), or no answer (with why). */
export type AttemptResult = { status: number; detail?: string } | { error: string };

export type DeliveryOutcome =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'gone'; status: 410; error: string }
  | { outcome: 'retry'; status: number | null; error: string; retryAt: Date }
  | { outcome: 'dead'; status: number | null; error: string };

/** The outcome of attempt number `attempts` (counting this one) at `now`. */
export function outcomeOf(
  result: AttemptResult,
  attempts: number,
  policy: RetryPolicy,
  now: Date,
  random: () => number = Math.random,
): DeliveryOutcome {
  if ('status' in result && result.status >= 200 && result.status < 300) {
    return { outcome: 'delivered', status: result.status };
  }
  if ('status' in result && result.status === 410) {
    return { outcome: 'gone', status: 410, error: 'HTTP 410 Gone: bên nhận đã đóng địa chỉ này' };
  }
  const status = 'status' in result ? result.status : null;
  const error =
    'status' in result
      ? result.detail
        ? `HTTP ${result.status}: ${result.detail}`
        : `HTTP ${result.status}`
      : result.error;
  if (attempts >= policy.maxAttempts) return { outcome: 'dead', status, error };
  return {
    outcome: 'retry',
    status,
    error,
    retryAt: new Date(now.getTime() + retryDelayMs(attempts, policy, random)),
  };
}
