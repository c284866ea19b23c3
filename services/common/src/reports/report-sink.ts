import type { Writable } from 'node:stream';

const prematureClose = () =>
  Object.assign(new Error('the target of the report closed before the report was complete'), {
    code: 'ERR_STREAM_PREMATURE_CLOSE',
  });

/**
 * Where a report writer puts its bytes: the caller's stream, written with backpressure (a write waits
 * for `drain`), watched for errors and early closes from the start so that a failure reaches the
 * writer's promise whenever it happens, and left with none of the writer's listeners on any path.
 */
export class ReportSink {
  private failure: { error: unknown } | undefined;
  /** Rejects with the first failure (and never resolves): raced against steps that would wait forever. */
  readonly failed: Promise<never>;
  private rejectFailed: (error: unknown) => void = () => undefined;
  private readonly waiters = new Set<() => void>();
  private readonly onError = (error: unknown) => this.fail(error);
  private readonly onClose = () => {
    if (!this.target.writableFinished) this.fail(this.target.errored ?? prematureClose());
  };
  private readonly onProgress = () => this.wake();

  private readonly target: Writable;

  constructor(target: Writable) {
    this.target = target;
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined);
    target.on('error', this.onError);
    target.on('close', this.onClose);
    target.on('drain', this.onProgress);
    target.on('finish', this.onProgress);
    if (target.destroyed) this.onClose();
  }

  /** The first failure of the writer or the target; every later step throws it. */
  fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.rejectFailed(error);
    this.wake();
  }

  /** Throws the failure, if there is one. */
  check(): void {
    // A target destroyed a moment ago tells its 'error' and 'close' on a later tick: ask it now.
    if (!this.failure && this.target.destroyed && !this.target.writableFinished)
      this.fail(this.target.errored ?? prematureClose());
    if (this.failure) throw this.failure.error;
  }

  /** Writes a piece; waits while the target asks for a pause. */
  async write(chunk: string | Uint8Array): Promise<void> {
    this.check();
    if (!this.target.write(chunk)) await this.until(() => !this.target.writableNeedDrain);
    this.check();
  }

  /** Copies a readable of the writer's own (the zip or PDF it produces) into the target. */
  async copy(source: AsyncIterable<Uint8Array>): Promise<void> {
    for await (const chunk of source) await this.write(chunk);
  }

  /** Ends the target; resolves when all of it was written (`finish`). */
  async end(): Promise<void> {
    this.check();
    this.target.end();
    await this.until(() => this.target.writableFinished);
  }

  /**
   * After a failure: the target is destroyed (without an error of its own: its reader, the file store,
   * sees a premature end and keeps nothing), unless the writer had finished it. The cause is the
   * writer's rejection.
   */
  abandon(): void {
    if (!this.target.writableFinished && !this.target.destroyed) this.target.destroy();
  }

  /**
   * Removes the writer's listeners from the target. A destroyed target tells its 'error' and 'close' on
   * the next tick: the listeners stay until the next turn, so that an error nobody else listens to
   * reaches the sink instead of crashing the process.
   */
  dispose(): void {
    const remove = () => {
      this.target.off('error', this.onError);
      this.target.off('close', this.onClose);
      this.target.off('drain', this.onProgress);
      this.target.off('finish', this.onProgress);
    };
    if (this.target.destroyed && !this.target.writableFinished) setImmediate(remove);
    else remove();
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Resolves once `done()` holds, checked at each drain, finish or failure; rejects on a failure. */
  private async until(done: () => boolean): Promise<void> {
    while (!done()) {
      this.check();
      await new Promise<void>((resolve) => {
        const waiter = () => {
          this.waiters.delete(waiter);
          resolve();
        };
        this.waiters.add(waiter);
      });
    }
    this.check();
  }
}
