/**
 * The daemon's own HTTP/1.1 server on a listener it accepts from itself (not `Deno.serve`,
 * whose accept loop dies with the process on "Too many open files" and which has no header or
 * idle timeout): at most `maxConnections` connections per listener, each closed when its
 * request head is not in within `headerTimeoutMs` or it sits idle past `idleTimeoutMs`, and
 * an accept loop that backs off and keeps going when descriptors run out.
 *
 * At the cap the listener stops accepting (new connections wait in the kernel's backlog) until a
 * connection goes, or one that has waited a second or more without sending a whole request head
 * is closed to make room: half-open and slow clients go first, and a caller who sends its
 * request at once is served.
 */
import { errorJson } from "../error_json.ts";
import { S20Error } from "../errors.ts";
import { BadRequest, headEnd, parseHead, type RequestHead, responseHead } from "./http1.ts";
import { type ConnectionLimits, MAX_HEAD_BYTES } from "./limits.ts";

/** Answers one request; failures are the handler's to turn into answers. */
export type RequestHandler = (request: Request) => Promise<Response>;

/** What {@linkcode serveListener} needs besides the listener. */
export interface ServeListenerOptions {
  readonly handler: RequestHandler;
  readonly limits: ConnectionLimits;
  /** Hears the accept loop's troubles that it rides out (descriptors exhausted). */
  readonly onPressure?: (error: unknown) => void;
}

const encoder = new TextEncoder();
const CONTINUE = encoder.encode("HTTP/1.1 100 Continue\r\n\r\n");
const CRLF = encoder.encode("\r\n");
const LAST_CHUNK = encoder.encode("0\r\n\r\n");
const READ_SIZE = 16 * 1024;
/**
 * How long a connection may wait for its request head before a newcomer may take its place at
 * the cap: long enough for any real client to send one, short enough to bound the churn a flood
 * causes (a listener takes at most `maxConnections` newcomers a second this way).
 */
const EVICTABLE_AFTER_MS = 1000;
/** How often a listener at its cap looks for room. */
const AT_CAP_POLL_MS = 50;
/** The longest pause of the accept loop while descriptors are exhausted. */
const MAX_BACKOFF_MS = 1000;

/** The process (or system) is out of descriptors: wait for some, do not die. */
function outOfDescriptors(error: unknown): boolean {
  const text = error instanceof Error
    ? `${error.message} ${(error as { code?: string }).code}`
    : "";
  return /EMFILE|ENFILE|ENOBUFS|ENOMEM|too many open files|os error (23|24|105)\b/i.test(text);
}

/** The listener closed under the loop: it ends. */
function listenerGone(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted;
}

/** A server on one listener. */
export class HttpListener {
  readonly addr: Deno.Addr;
  readonly #listener: Deno.Listener;
  readonly #options: ServeListenerOptions;
  readonly #connections = new Set<HttpConnection>();
  readonly #closing = new AbortController();
  readonly #accepting: Promise<void>;
  #idle: (() => void) | null = null;

  constructor(listener: Deno.Listener, options: ServeListenerOptions) {
    this.#listener = listener;
    this.#options = options;
    this.addr = listener.addr;
    this.#accepting = this.#acceptLoop();
  }

  /** Connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  async #acceptLoop(): Promise<void> {
    let backoff = 0;
    const signal = this.#closing.signal;
    while (!signal.aborted) {
      // At the cap, accept only once a connection has gone or one waiting long enough for its
      // head makes room; meanwhile new ones wait in the kernel's backlog, costing nothing here.
      while (
        this.#connections.size >= this.#options.limits.maxConnections &&
        !this.#evictWaiting(EVICTABLE_AFTER_MS) && !signal.aborted
      ) {
        await pause(AT_CAP_POLL_MS, signal);
      }
      if (signal.aborted) return;
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
        backoff = 0;
      } catch (error) {
        if (signal.aborted || listenerGone(error)) return;
        if (outOfDescriptors(error)) {
          this.#options.onPressure?.(error);
          // Free a descriptor held by a client that has sent nothing useful, and let the
          // connections waiting in the backlog wait a little.
          this.#evictWaiting(0);
          backoff = Math.min(Math.max(backoff * 2, 10), MAX_BACKOFF_MS);
        } else {
          // One connection's failure (reset before accept): the next one is unaffected.
          backoff = 1;
        }
        await pause(backoff, signal);
        continue;
      }
      const connection = new HttpConnection(conn, this.#options, () => {
        this.#connections.delete(connection);
        if (this.#connections.size === 0) this.#idle?.();
      });
      this.#connections.add(connection);
      connection.serve();
    }
  }

  /**
   * Closes the connection that has waited longest for a request head, if it has waited at
   * least `minWaitMs`; false if none has.
   */
  #evictWaiting(minWaitMs: number): boolean {
    let oldest: HttpConnection | null = null;
    for (const c of this.#connections) {
      if (c.waitingSince !== null && (oldest === null || c.waitingSince < oldest.waitingSince!)) {
        oldest = c;
      }
    }
    if (oldest === null || performance.now() - oldest.waitingSince! < minWaitMs) return false;
    oldest.close();
    return true;
  }

  /**
   * Stops accepting, closes connections between requests, and resolves once the answers in
   * flight have been sent (a stream's, when it ends).
   */
  async shutdown(): Promise<void> {
    if (!this.#closing.signal.aborted) {
      this.#closing.abort();
      try {
        this.#listener.close();
      } catch {
        // Already closed.
      }
    }
    await this.#accepting;
    const idle = new Promise<void>((resolve) => (this.#idle = resolve));
    for (const c of this.#connections) c.closeWhenDone();
    if (this.#connections.size > 0) await idle;
  }

  /** Closes every connection now, answers in flight included. */
  abort(): void {
    for (const c of this.#connections) c.close();
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** One client's connection: requests one after another, each answered before the next. */
class HttpConnection {
  /** When it began waiting for a request head, or `null` while it is busy with one. */
  waitingSince: number | null = performance.now();
  readonly #conn: Deno.Conn;
  readonly #options: ServeListenerOptions;
  readonly #onClosed: () => void;
  #buffer = new Uint8Array(READ_SIZE);
  #length = 0;
  #reading: Promise<boolean> | null = null;
  #eof = false;
  #closed = false;
  #closeWhenDone = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(conn: Deno.Conn, options: ServeListenerOptions, onClosed: () => void) {
    this.#conn = conn;
    this.#options = options;
    this.#onClosed = onClosed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    this.#onClosed();
  }

  /** Closes it now if it waits for a request, else once the answer in flight is sent. */
  closeWhenDone(): void {
    this.#closeWhenDone = true;
    if (this.waitingSince !== null) this.close();
  }

  serve(): void {
    this.#loop().catch(() => {}).finally(() => this.close());
  }

  async #loop(): Promise<void> {
    let first = true;
    while (!this.#closed && !this.#closeWhenDone) {
      this.waitingSince = performance.now();
      const head = await this.#readHead(first);
      first = false;
      if (head === null) return;
      this.waitingSince = null;
      let parsed: RequestHead;
      try {
        parsed = parseHead(head);
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        await this.#answerBadRequest(error.status, error.message);
        return;
      }
      const reused = await this.#exchange(parsed);
      if (!reused) return;
    }
  }

  /**
   * Reads a request head. A new connection has `headerTimeoutMs` for it; between requests a
   * connection may idle `idleTimeoutMs`, then has `headerTimeoutMs` from the first byte.
   */
  async #readHead(first: boolean): Promise<Uint8Array | null> {
    const { headerTimeoutMs, idleTimeoutMs } = this.#options.limits;
    this.#arm(first || this.#length > 0 ? headerTimeoutMs : idleTimeoutMs);
    let started = first || this.#length > 0;
    let scanned = 0;
    while (true) {
      const end = headEnd(this.#buffer, Math.max(0, scanned - 3), this.#length);
      scanned = this.#length;
      if ((end < 0 ? this.#length : end) > MAX_HEAD_BYTES) {
        this.#disarm();
        await this.#answerBadRequest(431, `Request heads are limited to ${MAX_HEAD_BYTES} bytes`);
        return null;
      }
      if (end >= 0) {
        const head = this.#buffer.slice(0, end);
        this.#consume(end);
        this.#disarm();
        return head;
      }
      if (!await this.#more()) return null;
      if (!started) {
        started = true;
        this.#arm(headerTimeoutMs);
      }
    }
  }

  /** One request answered; whether the connection may carry another. */
  async #exchange(head: RequestHead): Promise<boolean> {
    let remaining = head.bodyLength;
    let continued = !head.expectContinue;
    const takesBody = head.method !== "GET" && head.method !== "HEAD";
    const body = takesBody && remaining > 0
      ? new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          if (!continued && this.#length === 0) await this.#write(CONTINUE);
          continued = true;
          if (this.#length === 0) {
            this.#arm(this.#options.limits.idleTimeoutMs);
            const more = await this.#more();
            this.#disarm();
            if (!more) {
              controller.error(new BadRequest(400, "The request body ended early"));
              return;
            }
          }
          const n = Math.min(remaining, this.#length);
          controller.enqueue(this.#buffer.slice(0, n));
          this.#consume(n);
          remaining -= n;
          if (remaining === 0) controller.close();
        },
      })
      : null;
    let request: Request;
    try {
      request = new Request(`http://s20-daemon${head.target}`, {
        method: head.method,
        headers: head.headers,
        body,
      });
    } catch {
      await this.#answerBadRequest(400, "The request target or method is not valid");
      return false;
    }
    const response = await this.#options.handler(request);
    // A body left unread (a refused request) cannot be skipped safely: the connection ends.
    const keepAlive = head.keepAlive && remaining === 0 && !this.#closeWhenDone;
    const sent = await this.#send(response, head.method === "HEAD", keepAlive);
    return sent && keepAlive && !this.#closeWhenDone;
  }

  /**
   * Writes an answer: JSON and other finite bodies with their length, event streams chunked
   * as they come, while the connection is watched so that a client that goes away ends its
   * stream. False when the connection cannot carry another request.
   */
  async #send(response: Response, headOnly: boolean, keepAlive: boolean): Promise<boolean> {
    const type = response.headers.get("content-type") ?? "";
    const streamed = type.startsWith("application/x-ndjson") ||
      type.startsWith("text/event-stream");
    if (headOnly || !streamed || response.body === null) {
      let bytes = new Uint8Array();
      if (headOnly) await response.body?.cancel();
      else if (response.body) bytes = new Uint8Array(await response.arrayBuffer());
      const head = responseHead(
        response.status,
        response.headers,
        { length: bytes.length },
        keepAlive,
      );
      await this.#write(concat(encoder.encode(head), bytes));
      return true;
    }
    const reader = response.body.getReader();
    let ended = false;
    // A read that finds the end of the connection cancels the stream. Bytes a client sends
    // meanwhile (its next request) are kept, up to a head's worth.
    void (async () => {
      while (!ended && this.#length <= MAX_HEAD_BYTES) {
        if (await this.#more()) continue;
        if (!ended) await reader.cancel().catch(() => {});
        return;
      }
    })();
    try {
      const head = responseHead(response.status, response.headers, "chunked", keepAlive);
      await this.#write(encoder.encode(head));
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value.length === 0) continue;
        const size = encoder.encode(`${value.length.toString(16)}\r\n`);
        await this.#write(concat(size, value, CRLF));
      }
      await this.#write(LAST_CHUNK);
      return !this.#eof;
    } catch {
      await reader.cancel().catch(() => {});
      return false;
    } finally {
      ended = true;
    }
  }

  async #answerBadRequest(status: number, message: string): Promise<void> {
    const body = encoder.encode(
      JSON.stringify(errorJson(new S20Error("USAGE", message))) + "\n",
    );
    const head = responseHead(
      status,
      [["content-type", "application/json; charset=utf-8"]],
      { length: body.length },
      false,
    );
    await this.#write(concat(encoder.encode(head), body)).catch(() => {});
  }

  /** Reads more bytes into the buffer (one read at a time); false at the end or on failure. */
  #more(): Promise<boolean> {
    if (this.#eof || this.#closed) return Promise.resolve(false);
    this.#reading ??= (async () => {
      if (this.#buffer.length - this.#length < READ_SIZE) {
        const grown = new Uint8Array(this.#buffer.length * 2);
        grown.set(this.#buffer.subarray(0, this.#length));
        this.#buffer = grown;
      }
      let n: number | null = null;
      try {
        n = await this.#conn.read(this.#buffer.subarray(this.#length));
      } catch {
        // Reset or closed under us: the same as the end.
      }
      this.#reading = null;
      if (n === null) {
        this.#eof = true;
        return false;
      }
      this.#length += n;
      return true;
    })();
    return this.#reading;
  }

  #consume(n: number): void {
    this.#buffer.copyWithin(0, n, this.#length);
    this.#length -= n;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) at += await this.#conn.write(bytes.subarray(at));
  }

  /** Closes the connection after `ms` unless disarmed first. */
  #arm(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.close(), ms);
  }

  #disarm(): void {
    clearTimeout(this.#timer);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Serves `handler` on `listener` until shut down. */
export function serveListener(
  listener: Deno.Listener,
  options: ServeListenerOptions,
): HttpListener {
  return new HttpListener(listener, options);
}
