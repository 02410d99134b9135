/**
 * Daemons for the API tests: `s20 serve` / `s20 schedule run` in-process on a socket in a
 * temporary directory, raw HTTP to it, and the CLI as a subprocess. Tests use the loopback
 * blocks 127.0.100.x–127.0.109.x and never the default socket path, which other tests' CLI
 * commands would find.
 */
import { main } from "../../lib/cli/main.ts";
import { BufferIo } from "../../lib/cli/io.ts";

export { s20Process } from "./s20_process.ts";
export { tempDir } from "./temp_dir.ts";

/** Sleeps without keeping a timer alive past the promise. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `test()` holds, polling; fails after `ms`. */
export async function until(test: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!test()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** The inode at `path`, or `null` if nothing is there. */
function inode(path: string): number | null {
  try {
    return Deno.lstatSync(path).ino ?? 0;
  } catch {
    return null;
  }
}

/**
 * Writes `schedule` to a file in `dir` and runs `s20 schedule run` on it in-process (no UDP
 * port 10000, state beside the file, no file watch), with `extra` flags.
 */
export async function startScheduleRun(
  dir: string,
  schedule: string,
  extra: readonly string[] = [],
): Promise<InProcessDaemon & { readonly file: string }> {
  const file = `${dir}/home.yaml`;
  await Deno.writeTextFile(file, schedule);
  const args = ["--port", "0", "--state", `${file}.state`, "--no-watch", ...extra];
  return Object.assign(await startDaemon(["schedule", "run", file, ...args]), { file });
}

/** A daemon run through `main()`, as `s20` would run it, stopped as by Ctrl-C. */
export interface InProcessDaemon extends AsyncDisposable {
  /** The API's socket. */
  readonly socket: string;
  /** Its temporary directory. */
  readonly dir: string;
  /** Its output so far. */
  readonly io: BufferIo;
  /** Stops it (as Ctrl-C) and returns its exit code. */
  stop(): Promise<number>;
}

/** Where {@linkcode startDaemon} puts the socket. */
export interface DaemonSocketOptions {
  /** The socket's path (default `DIR/daemon.sock`). */
  readonly socket?: string;
  /** Give no `--socket`: the daemon picks its default path, which `socket` must name. */
  readonly defaultPath?: boolean;
}

/**
 * Runs `s20 ARGS --socket DIR/daemon.sock` in-process until stopped, once its socket is there
 * (a new one, when a file was there before).
 */
export async function startDaemon(
  args: string[],
  env: Record<string, string> = {},
  where: DaemonSocketOptions = {},
): Promise<InProcessDaemon> {
  const dir = await Deno.makeTempDir({ prefix: "s20-daemon-" });
  const socket = where.socket ?? `${dir}/daemon.sock`;
  const before = inode(socket);
  const stop = new AbortController();
  const io = new BufferIo({ env: { HOME: "/nonexistent", ...env }, signal: stop.signal });
  let exited: number | null = null;
  const flags = where.defaultPath ? [] : ["--socket", socket];
  const done = main([...args, ...flags], io).then((code) => (exited = code));
  try {
    await until(() => {
      const now = inode(socket);
      return (now !== null && now !== before) || exited !== null;
    }, "the daemon's socket");
  } catch (error) {
    stop.abort();
    await done;
    throw error;
  }
  if (exited !== null) {
    await Deno.remove(dir, { recursive: true });
    throw new Error(`the daemon exited ${exited}: ${io.err}`);
  }
  let stopped: Promise<number> | null = null;
  const finish = () =>
    stopped ??= (async () => {
      stop.abort();
      const code = await done;
      await Deno.remove(dir, { recursive: true });
      return code;
    })();
  return { socket, dir, io, stop: finish, [Symbol.asyncDispose]: async () => void await finish() };
}

/** An answer of the API. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // deno-lint-ignore no-explicit-any
  readonly json: any;
}

/** Plain HTTP to the API's Unix socket (or URL), to see exactly what it answers. */
export class Http implements Disposable {
  readonly #client: Deno.HttpClient;
  readonly #base: string;

  constructor(where: { socket: string } | { url: string }) {
    if ("socket" in where) {
      this.#client = Deno.createHttpClient({ proxy: { transport: "unix", path: where.socket } });
      this.#base = "http://daemon";
    } else {
      this.#client = Deno.createHttpClient({});
      this.#base = where.url;
    }
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const body = options.raw ??
      (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(`${this.#base}${path}`, {
      method,
      headers: options.headers ?? {},
      client: this.#client,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON (NDJSON, empty).
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** Opens a stream; the caller reads or cancels its body. */
  async open(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return await fetch(`${this.#base}${path}`, { headers, client: this.#client });
  }

  [Symbol.dispose](): void {
    this.#client.close();
  }
}
