/**
 * One client's event stream: NDJSON (one object a line) or server-sent events, read from the
 * client's own bounded queue. The daemon only ever appends to that queue (dropping the oldest
 * when full), so a client that reads slowly or not at all never holds it up; where events were
 * dropped the client gets `{"source":"stream","dropped":N}` instead (see {@linkcode droppedItem}).
 * A blank line (NDJSON) or a comment (SSE) goes out when nothing happened for a while, so dead
 * connections are noticed.
 */

/** One line of the stream, serialised once for every client. */
export interface StreamItem {
  /**
   * `socket` for the client's S20 events, `schedule` for the scheduler's log entries, `stream`
   * for what the stream itself says (events dropped).
   */
  readonly source: "socket" | "schedule" | "stream";
  /** The line's JSON. */
  readonly json: string;
}

/**
 * The line that stands for `count` events dropped from a client's full queue, where they would
 * have been: `{"source":"stream","dropped":N}`. Clients that want only `socket` or `schedule`
 * lines skip it by its source.
 */
export function droppedItem(count: number): StreamItem {
  return { source: "stream", json: JSON.stringify({ source: "stream", dropped: count }) };
}

/** How one stream is made. */
export interface EventStreamOptions {
  /**
   * The client's subscription: a bounded queue of the daemon's event hub, with only the sources
   * the client asked for, and a {@linkcode droppedItem} where events were dropped.
   */
  readonly items: AsyncIterableIterator<StreamItem>;
  readonly format: "ndjson" | "sse";
  /** Quiet time before a heartbeat. */
  readonly heartbeatMs: number;
  /** Called once when the stream ends: the client went away, or the daemon is stopping. */
  readonly onClose: () => void;
  /**
   * Ends the stream at once, dropping what its client has not read: the daemon is stopping
   * and does not wait for a client that stopped reading.
   */
  readonly abandon?: AbortSignal;
}

/** The stream's body. */
export function eventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  const { items, format, heartbeatMs } = options;
  const encoder = new TextEncoder();
  let next: Promise<IteratorResult<StreamItem>> | null = null;
  let closed = false;
  let stream: ReadableStreamDefaultController<Uint8Array>;
  const close = () => {
    if (closed) return;
    closed = true;
    options.abandon?.removeEventListener("abort", abandon);
    options.onClose();
  };
  const abandon = () => {
    if (closed) return;
    close();
    void items.return?.();
    stream.error(options.abandon!.reason);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stream = controller;
      options.abandon?.addEventListener("abort", abandon, { once: true });
    },
    async pull(controller) {
      if (closed) return;
      next ??= items.next();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const beat = new Promise<"beat">((resolve) => {
        timer = setTimeout(() => resolve("beat"), heartbeatMs);
      });
      const result = await Promise.race([next, beat]);
      clearTimeout(timer);
      // The client may have gone while we waited: nothing may be enqueued any more.
      if (closed) return;
      if (result === "beat") {
        controller.enqueue(encoder.encode(format === "sse" ? ": ping\n\n" : "\n"));
        return;
      }
      next = null;
      if (result.done) {
        close();
        controller.close();
        return;
      }
      const json = result.value.json;
      controller.enqueue(encoder.encode(format === "sse" ? `data: ${json}\n\n` : `${json}\n`));
    },
    async cancel() {
      close();
      await items.return?.();
    },
  });
}
