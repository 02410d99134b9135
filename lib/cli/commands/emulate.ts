import type { CommandSpec } from "../command.ts";
import { runEmulateCli } from "../../emulator/cli.ts";

export const emulateCommand: CommandSpec = {
  name: "emulate",
  summary: "run simulated S20 sockets (no hardware needed)",
  usage: "emulate [--count N] [--address IP] [--port N] [--reply-to port10000|source] [--json] ...",
  description:
    "Starts emulated sockets that behave like real ones (discovery bursts, subscriptions,\n" +
    "tables, timers, countdowns, faults) until Ctrl-C. 's20 emulate --help' lists every flag.\n" +
    "Then, in another terminal: s20 discover --target 127.0.0.0/24, or s20 on 127.0.0.2.",
  examples: ["s20 emulate --count 3", "s20 emulate --count 2 --loss 0.3 --json"],
  passthrough: true,
  async run(ctx) {
    return await runEmulateCli(ctx.raw, {
      stdout: (line) => ctx.io.stdout(line + "\n"),
      stderr: (line) => ctx.io.stderr(line + "\n"),
      signal: ctx.io.signal,
    });
  },
};
