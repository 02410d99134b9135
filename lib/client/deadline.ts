/** A point in real time by which an operation must finish, plus the caller's abort signal. */
export class Deadline {
  readonly at: number;
  readonly signal: AbortSignal | undefined;

  constructor(timeoutMs: number, signal?: AbortSignal) {
    this.at = performance.now() + timeoutMs;
    this.signal = signal;
  }

  /** Milliseconds left, never negative. */
  get remaining(): number {
    return Math.max(0, this.at - performance.now());
  }

  /** Throws the signal's reason if the caller aborted. */
  check(): void {
    this.signal?.throwIfAborted();
  }

  /**
   * Waits for `promise` at most `ms` (and never past the deadline); resolves `undefined` on
   * timeout and rejects with the signal's reason on abort. Cleans up its timer either way.
   */
  race<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
    this.check();
    const wait = Math.min(ms, this.remaining);
    return new Promise<T | undefined>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(this.signal!.reason);
      };
      const timer = setTimeout(() => {
        this.signal?.removeEventListener("abort", onAbort);
        resolve(undefined);
      }, wait);
      this.signal?.addEventListener("abort", onAbort, { once: true });
      promise.then((value) => {
        clearTimeout(timer);
        this.signal?.removeEventListener("abort", onAbort);
        resolve(value);
      }, (error) => {
        clearTimeout(timer);
        this.signal?.removeEventListener("abort", onAbort);
        reject(error);
      });
    });
  }

  /** Sleeps `ms` of real time (or until the deadline); rejects on abort. */
  async pause(ms: number): Promise<void> {
    await this.race(new Promise<never>(() => {}), ms);
  }
}
