/**
 * HTTP to the daemon, over its Unix socket or on loopback with its token: JSON requests with
 * a deadline, and NDJSON streams. Failures become the errors a direct client would throw, or
 * `DaemonUnavailableError` when the daemon itself cannot be reached.
 */
import { S20Error } from "../errors.ts";
import { DaemonUnavailableError } from "./errors.ts";
import type { DaemonEndpoint } from "./locate.ts";
import { currentUid } from "./paths.ts";
import { checkPrivate } from "./private_files.ts";
import { errorFromJson } from "../error_json.ts";

/** Query values: one, several (repeated), or absent. */
export type Query = Readonly<Record<string, string | number | readonly string[] | undefined>>;

/** A request's parameters. */
export interface RequestOptions {
  readonly query?: Query;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Cancels the request; it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Milliseconds before giving up on the daemon (it should have answered long before). */
  readonly waitMs: number;
  /** Sees every JSON body, error answers included (they carry the socket's details too). */
  readonly onBody?: (json: unknown) => void;
}

function describeFailure(error: unknown): string {
  const text = `${error instanceof Error ? error.message : error} ${
    error instanceof Error && error.cause instanceof Error ? error.cause.message : ""
  }`;
  if (/refused/i.test(text)) {
    return "nothing listens there (a file left by a daemon that did not stop cleanly?)";
  }
  if (/no such file/i.test(text)) return "the socket is gone (the daemon stopped)";
  return text.trim();
}

/** The daemon refused our token: a 401 on TCP (over the Unix socket no token is asked). */
function tokenRefused(label: string): DaemonUnavailableError {
  return new DaemonUnavailableError(
    label,
    "it refused the token (one of an earlier daemon? S20_DAEMON_TOKEN_FILE must name the " +
      "running daemon's --token-file)",
  );
}

/** One daemon's HTTP endpoint. Close it to release pooled connections. */
export class ApiConnection {
  /** The socket path or URL, for messages. */
  readonly label: string;
  readonly #client: Deno.HttpClient;
  readonly #base: string;
  readonly #headers: Record<string, string>;
  /** The socket to check before the first request (a socket file can change hands). */
  #unchecked: string | null = null;

  constructor(endpoint: DaemonEndpoint) {
    if ("path" in endpoint) {
      this.label = endpoint.path;
      this.#unchecked = endpoint.path;
      this.#client = Deno.createHttpClient({ proxy: { transport: "unix", path: endpoint.path } });
      // The host is not used for routing over a Unix socket; it only fills the URL.
      this.#base = "http://s20-daemon";
      this.#headers = {};
    } else {
      this.label = endpoint.url;
      this.#client = Deno.createHttpClient({});
      this.#base = endpoint.url.replace(/\/+$/, "");
      this.#headers = { authorization: `Bearer ${endpoint.token}` };
    }
  }

  /**
   * Refuses a socket that another user owns or may use, once, before anything is sent to it.
   *
   * @throws {DaemonInsecureError} If it is open to others.
   * @throws {DaemonUnavailableError} If no socket is there.
   */
  #check(): void {
    if (this.#unchecked === null) return;
    try {
      checkPrivate(this.#unchecked, "socket", currentUid());
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new DaemonUnavailableError(this.label, "no socket is there");
      }
      throw error;
    }
    this.#unchecked = null;
  }

  #url(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const v of typeof value === "object" ? value : [value]) params.append(key, String(v));
    }
    const search = params.toString();
    return `${this.#base}${path}${search ? `?${search}` : ""}`;
  }

  #init(
    method: string,
    options: Omit<RequestOptions, "waitMs">,
    signal: AbortSignal,
  ): RequestInit & { client: Deno.HttpClient } {
    const headers: Record<string, string> = { ...this.#headers, ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    return {
      method,
      headers,
      signal,
      client: this.#client,
      ...(body !== undefined ? { body } : {}),
    };
  }

  /**
   * Sends a request and returns the JSON of a 2xx answer.
   *
   * @throws The error the daemon reports (rebuilt as the client's own error classes), or
   *   `DaemonUnavailableError`, or `S20Error` `DAEMON_TIMEOUT` after `waitMs`.
   */
  async request(method: string, path: string, options: RequestOptions): Promise<unknown> {
    const { signal, waitMs } = options;
    signal?.throwIfAborted();
    this.#check();
    const stop = new AbortController();
    const timer = setTimeout(() =>
      stop.abort(
        new S20Error(
          "DAEMON_TIMEOUT",
          `The s20 daemon at ${this.label} did not answer ${method} ${path} within ${waitMs} ms`,
        ),
      ), waitMs);
    const onAbort = () => stop.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      let response: Response;
      try {
        response = await fetch(
          this.#url(path, options.query),
          this.#init(method, options, stop.signal),
        );
      } catch (error) {
        if (stop.signal.aborted) throw stop.signal.reason;
        throw new DaemonUnavailableError(this.label, describeFailure(error), { cause: error });
      }
      const text = await response.text().catch((error) => {
        throw stop.signal.aborted ? stop.signal.reason : error;
      });
      if (response.status === 401) throw tokenRefused(this.label);
      let json: unknown = null;
      try {
        json = text === "" ? null : JSON.parse(text);
      } catch {
        throw new S20Error("DAEMON_PROTOCOL", `The s20 daemon at ${this.label} sent no JSON`);
      }
      options.onBody?.(json);
      if (!response.ok) throw errorFromJson(json);
      return json;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Opens an NDJSON stream at once and iterates its objects. `opened` settles once the daemon
   * has answered (it subscribes before it answers: whatever happens after is on the stream).
   * Ending the iteration closes the connection.
   */
  stream(
    path: string,
    options: { query?: Query; signal?: AbortSignal },
  ): AsyncIterableIterator<unknown> & { readonly opened: Promise<void> } {
    const stop = new AbortController();
    const onAbort = () => stop.abort(options.signal!.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) stop.abort(options.signal.reason);
    let started: Promise<Response>;
    try {
      this.#check();
      started = fetch(this.#url(path, options.query), this.#init("GET", {}, stop.signal));
    } catch (error) {
      // Reported by the iteration, as every other failure of a stream.
      started = Promise.reject(error);
    }
    // Rejections surface through the iterator; do not let an unread one go unhandled.
    started.catch(() => {});
    const label = this.label;
    async function* lines(): AsyncGenerator<unknown> {
      let response: Response;
      try {
        response = await started;
      } catch (error) {
        if (stop.signal.aborted) return;
        if (error instanceof S20Error) throw error;
        throw new DaemonUnavailableError(label, describeFailure(error), { cause: error });
      }
      if (!response.ok) {
        const json = await response.json().catch(() => null);
        throw response.status === 401 ? tokenRefused(label) : errorFromJson(json);
      }
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      try {
        while (true) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            // Blank lines are the daemon's heartbeats.
            if (line !== "") yield JSON.parse(line);
          }
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        throw error;
      } finally {
        await reader.cancel().catch(() => {});
      }
    }
    const iterator = lines();
    const finish = () => {
      options.signal?.removeEventListener("abort", onAbort);
      stop.abort();
      // A body nobody started reading must still be released.
      started.then((response) => response.body?.cancel()).catch(() => {});
    };
    return {
      opened: started.then(() => {}, () => {}),
      next: async () => {
        const result = await iterator.next().catch((error) => {
          finish();
          throw error;
        });
        if (result.done) finish();
        return result;
      },
      return: async () => {
        finish();
        return await iterator.return(undefined);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Releases pooled connections. */
  close(): void {
    this.#client.close();
  }
}
