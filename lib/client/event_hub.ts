/**
 * Fan-out of events to any number of async iterators. Each subscriber has a bounded queue:
 * a consumer that stops reading loses its oldest events instead of blocking the producer
 * (a slow `watch` or API client must never stall the daemon).
 */

interface Subscriber<T> {
  queue: T[];
  wake: (() => void) | null;
  done: boolean;
}

export class EventHub<T> {
  #subscribers = new Set<Subscriber<T>>();
  #closed = false;
  readonly #limit: number;

  constructor(limit = 1000) {
    this.#limit = limit;
  }

  /** Number of active subscribers. */
  get size(): number {
    return this.#subscribers.size;
  }

  emit(event: T): void {
    for (const s of this.#subscribers) {
      if (s.queue.length >= this.#limit) s.queue.shift();
      s.queue.push(event);
      s.wake?.();
    }
  }

  /** Iterates events emitted from now on, until `signal` aborts, `return()` or `close()`. */
  subscribe(signal?: AbortSignal): AsyncIterableIterator<T> {
    const s: Subscriber<T> = { queue: [], wake: null, done: this.#closed };
    const finish = () => {
      s.done = true;
      this.#subscribers.delete(s);
      signal?.removeEventListener("abort", finish);
      s.wake?.();
    };
    if (signal?.aborted) s.done = true;
    else {
      this.#subscribers.add(s);
      signal?.addEventListener("abort", finish, { once: true });
    }
    const iterator: AsyncIterableIterator<T> = {
      async next(): Promise<IteratorResult<T>> {
        while (s.queue.length === 0 && !s.done) {
          await new Promise<void>((resolve) => (s.wake = resolve));
          s.wake = null;
        }
        if (s.queue.length > 0) return { value: s.queue.shift()!, done: false };
        return { value: undefined, done: true };
      },
      return(): Promise<IteratorResult<T>> {
        finish();
        s.queue.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Ends every subscriber's iteration once its queue is drained. */
  close(): void {
    this.#closed = true;
    for (const s of [...this.#subscribers]) {
      s.done = true;
      this.#subscribers.delete(s);
      s.wake?.();
    }
  }
}
