/** Runs tasks one at a time, in order (one queue per socket, docs/protocol.md#pacing). */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  /**
   * Queues `task`. If `signal` aborts while the task still waits for its turn, the returned
   * promise rejects at once and the task never runs; the queue order is kept.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let started = false;
      const onAbort = () => {
        if (!started) reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#tail = this.#tail.then(async () => {
        signal?.removeEventListener("abort", onAbort);
        if (signal?.aborted) return reject(signal.reason);
        started = true;
        try {
          resolve(await task());
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}
