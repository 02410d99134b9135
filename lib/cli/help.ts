/** Help text: the top-level overview and each command's usage. */
import { GLOBAL_OPTIONS, NETWORK_OPTIONS } from "./args.ts";
import type { CommandSpec, OptionSpec } from "./command.ts";

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  a socket did not answer or refused, or the network failed
  2  usage error (bad command, flag or input file)
  3  not found: no socket matched the MAC, address or name given, or the socket
     has no timer with the id given`;

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).filter(([, o]) => !o.deprecated).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.value ? ` ${o.value}` : ""}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

/** The help of one command (or command group). */
export function commandHelp(spec: CommandSpec, path: string): string {
  const lines = [`s20 ${path} — ${spec.summary}`, "", `Usage: s20 ${spec.usage}`];
  if (spec.description) lines.push("", spec.description);
  if (spec.subcommands) {
    lines.push("", "Commands:");
    const width = Math.max(...spec.subcommands.map((s) => s.name.length));
    for (const s of spec.subcommands) lines.push(`  ${s.name.padEnd(width)}  ${s.summary}`);
  }
  const own = spec.options ?? {};
  if (Object.keys(own).length > 0) lines.push("", "Options:", ...optionLines(own));
  if (spec.network) lines.push("", "Network options:", ...optionLines(NETWORK_OPTIONS));
  lines.push("", "Global options:", ...optionLines(GLOBAL_OPTIONS));
  if (spec.examples.length > 0) {
    lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  }
  lines.push("", EXIT_CODES_HELP);
  return lines.join("\n") + "\n";
}

/** The overview printed by `s20`, `s20 --help` and `s20 help`. */
export function topHelp(commands: readonly CommandSpec[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `s20 ${version} — control Orvibo S20 Wi-Fi sockets on your LAN, no cloud`,
    "",
    "Usage: s20 COMMAND [ARGS] [OPTIONS]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Sockets are named by MAC (ac:cf:23:24:19:c0), IP (192.168.1.30), MAC@IP, an alias from",
    "~/.config/s20/config.yaml or a schedule file, or their own name; --all means every socket",
    "discovery finds.",
    "",
    "Only one program can own UDP port 10000. While 's20 serve' or 's20 schedule run' runs,",
    "other s20 commands go through it (S20_DAEMON names another; --direct bypasses it).",
    "",
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Examples:",
    "  s20 discover",
    "  s20 on desk",
    "  s20 status --all --json",
    "  s20 timers add desk --on 07:30 --days mon-fri",
    "  s20 schedule run schedules.yaml",
    "",
    EXIT_CODES_HELP,
    "",
    "Run 's20 COMMAND --help' for a command's options and examples.",
    "",
  ].join("\n");
}
