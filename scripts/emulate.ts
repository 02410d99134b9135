// deno-lint-ignore-file no-console
/**
 * Runs emulated S20 sockets until Ctrl+C: `deno run -A scripts/emulate.ts --count 3`.
 * Everything but the process wiring lives in `lib/emulator/cli.ts` (`--help` lists the flags).
 */
import { runEmulateCli } from "../lib/emulator/mod.ts";

if (import.meta.main) {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  const code = await runEmulateCli(Deno.args, {
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
    signal: controller.signal,
  });
  for (const signal of signals) Deno.removeSignalListener(signal, stop);
  Deno.exit(code);
}
