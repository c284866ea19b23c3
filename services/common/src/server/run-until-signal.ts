import { pino, type Logger } from 'pino';
import { currentRequestId } from './request-context.ts';

export type ProcessGuardOptions = {
  logger: Logger;
  /** Stops the service before exiting after an uncaught exception (bounded by `stopWithinMs`). */
  stop?: () => Promise<void>;
  stopWithinMs?: number;
  exit?: (code: number) => void;
};

/**
 * Last line of defence of a service process, for failures that escaped every handler.
 *
 * An unhandled rejection is a promise nobody awaited: the work it belonged to has already
 * answered or failed, and nothing shared was left half-changed by the rejection itself, so it is
 * logged (with the request id, when it happened during a request) and the process keeps serving.
 * Taking the whole service down for one bad request is exactly the attack to defend against.
 *
 * An uncaught exception unwound a stack at an unknown point (a half-updated object, a stream
 * left mid-write), so the process can no longer be trusted: it is logged, in-flight requests get
 * a bounded chance to finish, and the process exits 1 so that its supervisor starts a fresh one.
 */
export function guardProcess(options: ProcessGuardOptions): () => void {
  const { logger, stopWithinMs = 5_000 } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let exiting = false;

  const onRejection = (reason: unknown) => {
    logger.error(
      { err: reason, requestId: currentRequestId() },
      'unhandled rejection (process keeps serving)',
    );
  };
  const onException = (error: Error) => {
    logger.fatal({ err: error, requestId: currentRequestId() }, 'uncaught exception, process exits');
    if (exiting || !options.stop) return exit(1);
    exiting = true;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, stopWithinMs).unref());
    void Promise.race([options.stop().catch(() => undefined), deadline]).then(() => exit(1));
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

/**
 * Entry point of a service process: starts it, reports a start-up failure (a bad configuration
 * names each variable) and exits 1, and on SIGINT/SIGTERM stops it cleanly and exits 0. Failures
 * that escape every handler are dealt with by `guardProcess`.
 */
export async function runUntilSignal(
  start: () => Promise<{ stop(): Promise<void> }>,
  options: { name?: string; logger?: Logger } = {},
): Promise<void> {
  const logger =
    options.logger ?? pino({ name: options.name ?? 'ansinh', base: { service: options.name ?? 'ansinh' } });
  let running: { stop(): Promise<void> } | undefined;
  guardProcess({ logger, stop: () => running?.stop() ?? Promise.resolve() });
  try {
    running = await start();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const started = running;
  const shutdown = async () => {
    await started.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
