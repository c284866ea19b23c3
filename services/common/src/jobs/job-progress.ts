import type { JobProgress, JobProgressUpdate } from './job.types.ts';

/** A phase shorter than this has no rate yet: two samples a few milliseconds apart say nothing. */
const MIN_SECONDS_FOR_RATE = 0.5;
const MAX_PHASE_LENGTH = 40;

/**
 * Turns a handler's updates into what the owner sees: the rate is the phase's average so far (the
 * count since the phase began over the time since), and the time left is what remains at that rate,
 * when the phase knows its total. A new phase starts its rate afresh.
 */
export function progressTracker(now: () => number = Date.now) {
  let phase: string | undefined;
  let phaseStartedAt = 0;
  return (update: JobProgressUpdate): JobProgress => {
    const at = now();
    const name = String(update.phase).slice(0, MAX_PHASE_LENGTH);
    if (name !== phase) {
      phase = name;
      phaseStartedAt = at;
    }
    const done = finiteCount(update.done) ?? 0;
    const total = update.total === null || update.total === undefined ? null : finiteCount(update.total);
    const seconds = (at - phaseStartedAt) / 1000;
    const ratePerSecond = seconds >= MIN_SECONDS_FOR_RATE && done > 0 ? done / seconds : null;
    const secondsLeft =
      ratePerSecond && total !== null
        ? Math.max(0, Math.ceil((total - Math.min(done, total)) / ratePerSecond))
        : null;
    return { phase: name, done, total: total ?? null, ratePerSecond, secondsLeft };
  };
}

function finiteCount(value: number): number | null {
  return Number.isFinite(value) && value >= 0 ? Math.floor(value) : null;
}

/**
 * Calls `write` with the latest value at most once per `intervalMs`, never two writes at once; `flush`
 * writes what is pending and waits for it. Progress is reported per row, but written once a second.
 */
export function throttledWriter<T>(write: (value: T) => Promise<void>, intervalMs: number) {
  let pending: { value: T } | undefined;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const writeNow = () => {
    timer = undefined;
    const next = pending;
    pending = undefined;
    if (!next) return writing;
    writing = writing.then(() => write(next.value)).catch(() => undefined);
    return writing;
  };
  return {
    push(value: T) {
      if (stopped) return;
      pending = { value };
      if (!timer) {
        timer = setTimeout(() => void writeNow(), intervalMs);
        timer.unref();
      }
    },
    async flush() {
      clearTimeout(timer);
      await writeNow();
    },
    /** Drops what is pending and waits for a write in flight. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      pending = undefined;
      await writing;
    },
  };
}
