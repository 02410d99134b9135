/** Human and JSON output, colour (respecting NO_COLOR) and progress lines for long waits. */
import type { CliIo } from "./io.ts";
import { formatLocalTime, localTimeZone } from "../util/local_time.ts";

/** Waits shorter than this show no progress line. */
const PROGRESS_AFTER_MS = 1000;
/** Colour codes, which take no room on screen. */
const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export class Output {
  readonly json: boolean;
  /** The zone text output shows times in: the computer's (`TZ` when set). */
  readonly timeZone: string;
  readonly #io: CliIo;
  readonly #color: boolean;

  constructor(io: CliIo, json: boolean) {
    this.#io = io;
    this.json = json;
    this.timeZone = localTimeZone(io.env("TZ"));
    // https://no-color.org: any non-empty NO_COLOR disables colour.
    this.#color = io.stdoutIsTerminal && !io.env("NO_COLOR") && io.env("TERM") !== "dumb";
  }

  /** A line of human output (nothing in JSON mode). */
  line(text = ""): void {
    if (!this.json) this.#io.stdout(text + "\n");
  }

  /** A value as JSON (only in JSON mode), on one line so streams can be split by line. */
  data(value: unknown): void {
    if (this.json) this.#io.stdout(JSON.stringify(value, jsonReplacer) + "\n");
  }

  /** A note for humans on standard error (nothing in JSON mode). */
  note(text: string): void {
    if (!this.json) this.#io.stderr(text + "\n");
  }

  /** A warning on standard error, in both modes (JSON consumers read stdout only). */
  warn(text: string): void {
    this.#io.stderr(text + "\n");
  }

  /** An instant in the local zone with its offset: `2026-12-05 18:30:00 +01:00`. */
  time(at: Date | number): string {
    return formatLocalTime(at, this.timeZone);
  }

  bold(text: string): string {
    return this.#color ? `\x1b[1m${text}\x1b[22m` : text;
  }

  dim(text: string): string {
    return this.#color ? `\x1b[2m${text}\x1b[22m` : text;
  }

  green(text: string): string {
    return this.#color ? `\x1b[32m${text}\x1b[39m` : text;
  }

  red(text: string): string {
    return this.#color ? `\x1b[31m${text}\x1b[39m` : text;
  }

  /** `on` in green, `off` dimmed, unknown as `?`. */
  state(on: boolean | null): string {
    return on === null ? "?" : on ? this.green("on") : this.dim("off");
  }

  /** Prints rows as aligned columns with a bold header. */
  table(header: readonly string[], rows: readonly (readonly string[])[]): void {
    if (this.json) return;
    // Width ignores colour codes.
    const visible = (s: string) => s.replace(ANSI, "").length;
    const widths = header.map((h, i) =>
      Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? "")))
    );
    const format = (cells: readonly string[]) =>
      cells.map((c, i) => i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - visible(c)))
        .join("  ").trimEnd();
    this.line(this.bold(format(header)));
    for (const row of rows) this.line(format(row));
  }

  /**
   * Shows a spinner with `label` on standard error while `work` runs, if it takes longer than
   * a second and standard error is a terminal (never when piped or in JSON mode).
   */
  async progress<T>(label: string, work: Promise<T>): Promise<T> {
    if (this.json || !this.#io.stderrIsTerminal) return await work;
    const started = performance.now();
    let frame = 0;
    let shown = false;
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed < PROGRESS_AFTER_MS) return;
      shown = true;
      const spin = SPINNER[frame++ % SPINNER.length];
      this.#io.stderr(`\r${spin} ${label}… ${(elapsed / 1000).toFixed(1)} s\x1b[K`);
    }, 100);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      if (shown) this.#io.stderr("\r\x1b[K");
    }
  }
}

/** JSON for our values: bytes as hex, dates as ISO strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return value;
}
