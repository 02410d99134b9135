/**
 * What the CLI may touch of the outside world. The entry point (`scripts/s20.ts`) passes the
 * real process; tests pass buffers. The CLI never calls `Deno.exit` or `console` itself.
 */
export interface CliIo {
  /** Writes text to standard output as is. */
  stdout(text: string): void;
  /** Writes text to standard error as is. */
  stderr(text: string): void;
  /** Whether standard output is a terminal (tables and colour) or a pipe. */
  readonly stdoutIsTerminal: boolean;
  /** Whether standard error is a terminal (progress lines). */
  readonly stderrIsTerminal: boolean;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** Reads all of standard input (for `--password-stdin`). */
  readStdin(): Promise<string>;
  /** Reads a line from the terminal without echo, or `null` when there is no terminal. */
  readSecret(prompt: string): Promise<string | null>;
  /** Aborts on Ctrl-C / SIGTERM, for commands that run until stopped. */
  readonly signal: AbortSignal;
}

/** An in-memory `CliIo` for tests and for running the CLI inside another program. */
export class BufferIo implements CliIo {
  out = "";
  err = "";
  readonly stdoutIsTerminal: boolean;
  readonly stderrIsTerminal: boolean;
  readonly signal: AbortSignal;
  #env: Record<string, string>;
  #stdin: string;
  #secret: string | null;

  constructor(
    options: {
      env?: Record<string, string>;
      stdin?: string;
      secret?: string | null;
      terminal?: boolean;
      signal?: AbortSignal;
    } = {},
  ) {
    this.#env = options.env ?? {};
    this.#stdin = options.stdin ?? "";
    this.#secret = options.secret ?? null;
    this.stdoutIsTerminal = options.terminal ?? false;
    this.stderrIsTerminal = options.terminal ?? false;
    this.signal = options.signal ?? new AbortController().signal;
  }

  stdout(text: string): void {
    this.out += text;
  }

  stderr(text: string): void {
    this.err += text;
  }

  env(name: string): string | undefined {
    return this.#env[name];
  }

  readStdin(): Promise<string> {
    return Promise.resolve(this.#stdin);
  }

  readSecret(): Promise<string | null> {
    return Promise.resolve(this.#secret);
  }
}
