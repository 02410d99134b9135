/**
 * Fan-out of events to any number of async iterators. Each subscriber has a bounded queue:
 * a consumer that stops reading loses its oldest events instead of blocking the producer
 * (a slow `watch` or API client must never stall the daemon).
 */

/** How one subscriber takes events. */
export interface SubscribeOptions<T> {
  /** Ends the iteration when aborted. */
  readonly signal?: AbortSignal;
  /** Only events this accepts are queued (and counted when dropped). */
  readonly accept?: (event: T) => boolean;
  /**
   * Makes the item that stands for `count` events dropped from a full queue. Without it drops
   * are silent; with it, the iteration yields this item where the dropped events would have
   * been (before the oldest event still queued), so a consumer knows exactly what it missed.
   */
  readonly dropped?: (count: number) => T;
}

interface Subscriber<T> {
  queue: T[];
  wake: (() => void) | null;
  done: boolean;
  /** Events dropped since the last item taken. */
  dropped: number;
  accept: ((event: T) => boolean) | undefined;
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
      if (s.accept && !s.accept(event)) continue;
      if (s.queue.length >= this.#limit) {
        s.queue.shift();
        s.dropped++;
      }
      s.queue.push(event);
      s.wake?.();
    }
  }

  /** Iterates events emitted from now on, until the signal aborts, `return()` or `close()`. */
  subscribe(options: SubscribeOptions<T> = {}): AsyncIterableIterator<T> {
    const { signal, accept, dropped } = options;
    const s: Subscriber<T> = { queue: [], wake: null, done: this.#closed, dropped: 0, accept };
    const finish = () => {
      s.done = true;
      this.#subscribers.delete(s);
      signal?.removeEventListener("abort", finish);
      s.wake?.();
    };
    if (signal?.aborted) s.done = true;
    else if (!s.done) {
      this.#subscribers.add(s);
      signal?.addEventListener("abort", finish, { once: true });
    }
    const iterator: AsyncIterableIterator<T> = {
      async next(): Promise<IteratorResult<T>> {
        while (s.queue.length === 0 && !s.done) {
          await new Promise<void>((resolve) => (s.wake = resolve));
          s.wake = null;
        }
        if (s.queue.length > 0) {
          // Drops only ever happen at the head: the gap is right before the oldest queued.
          if (s.dropped > 0 && dropped) {
            const count = s.dropped;
            s.dropped = 0;
            return { value: dropped(count), done: false };
          }
          s.dropped = 0;
          return { value: s.queue.shift()!, done: false };
        }
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
