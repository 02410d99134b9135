#!/usr/bin/env -S deno run --unstable-net --unstable-worker-options --v8-flags=--max-semi-space-size=1 --allow-net --allow-read --allow-write --allow-env --allow-sys --allow-run=ss,ps,deno
/**
 * The `s20` command. Everything is in `lib/cli/main.ts`; this file only connects it to the
 * process (stdio, signals, exit code).
 */
import { main } from "../lib/cli/main.ts";
import type { CliIo } from "../lib/cli/io.ts";

const encoder = new TextEncoder();

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
}

/** The process as the CLI sees it: stdio, environment, and a signal that Ctrl-C or SIGTERM aborts. */
export function processIo(): CliIo {
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(
        signal,
        () => stop.abort(new DOMException("Interrupted", "AbortError")),
      );
    } catch {
      // Not every platform has every signal.
    }
  }
  return {
    stdout: (text) => writeAll(Deno.stdout, text),
    stderr: (text) => writeAll(Deno.stderr, text),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    stderrIsTerminal: Deno.stderr.isTerminal(),
    env: (name) => Deno.env.get(name),
    readStdin: () => new Response(Deno.stdin.readable).text(),
    async readSecret(prompt) {
      if (!Deno.stdin.isTerminal()) return null;
      writeAll(Deno.stderr, prompt);
      Deno.stdin.setRaw(true);
      try {
        const chars: number[] = [];
        const buffer = new Uint8Array(1);
        while ((await Deno.stdin.read(buffer)) === 1) {
          const c = buffer[0]!;
          if (c === 13 || c === 10) break;
          if (c === 3) throw new DOMException("Interrupted", "AbortError");
          if (c === 127 || c === 8) chars.pop();
          else chars.push(c);
        }
        return new TextDecoder().decode(new Uint8Array(chars));
      } finally {
        Deno.stdin.setRaw(false);
        writeAll(Deno.stderr, "\n");
      }
    },
    signal: stop.signal,
  };
}

if (import.meta.main) Deno.exit(await main(Deno.args, processIo()));
