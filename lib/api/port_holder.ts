/**
 * Names the process that holds UDP port 10000 for `s20 doctor` and the web page's doctor,
 * recognising s20's own: the daemon (by the pid its health check gives, or its command line)
 * and the emulator.
 */
import type { PortOwner } from "../transport/port_owner.ts";

/** What kind of program holds the port. */
export type HolderKind = "s20 daemon" | "s20 emulator" | "s20 command" | "program" | "hidden";

/** A port owner, with what it is in plain words. */
export interface Holder extends PortOwner {
  readonly kind: HolderKind;
  /** `the s20 emulator (pid 4242)`, `pid 4242 (python3 orvibo.py)`, … */
  readonly description: string;
}

/** The s20 command a command line runs (`serve`, `schedule run`, `emulate`), or `null`. */
export function s20CommandOf(commandLine: string): string | null {
  const words = commandLine.split(/\s+/);
  // `deno run … scripts/emulate.ts` (the `emulate` task) runs the emulator alone.
  if (words.some((w) => /(^|\/)emulate\.ts$/.test(w))) return "emulate";
  // `deno run … scripts/s20.ts COMMAND …` or the compiled `…/s20 COMMAND …`.
  const at = words.findIndex((w) => /(^|\/)s20(\.ts)?$/.test(w));
  if (at < 0 || !words[at + 1] || words[at + 1]!.startsWith("-")) return null;
  const command = words[at + 1]!;
  return command === "schedule" && words[at + 2] === "run" ? "schedule run" : command;
}

/**
 * Says what holds the port.
 *
 * @param owner What `ss` or `/proc` showed.
 * @param daemonPid The pid of the s20 daemon found through its API, if any.
 */
export function describeHolder(owner: PortOwner, daemonPid: number | null): Holder {
  const { pid, command } = owner;
  if (pid === null) {
    return {
      ...owner,
      kind: "hidden",
      description: "a process of another user",
    };
  }
  const s20 = command ? s20CommandOf(command) : null;
  if (pid === daemonPid || s20 === "serve" || s20 === "schedule run") {
    const mode = s20 ? ` ('s20 ${s20}', pid ${pid})` : ` (pid ${pid})`;
    return { ...owner, kind: "s20 daemon", description: `the s20 daemon${mode}` };
  }
  if (s20 === "emulate") {
    return { ...owner, kind: "s20 emulator", description: `the s20 emulator (pid ${pid})` };
  }
  if (s20) {
    return {
      ...owner,
      kind: "s20 command",
      description: `another s20 command ('s20 ${s20}', pid ${pid})`,
    };
  }
  return { ...owner, kind: "program", description: `pid ${pid} (${command ?? "?"})` };
}

/**
 * What to do about the port's holders, kind by kind: one sentence each.
 *
 * @param holders The kinds of every holder found.
 * @param port The port.
 */
export function holderAdvice(holders: Iterable<HolderKind>, port: number): string {
  const kinds = new Set(holders);
  const advice: string[] = [];
  if (kinds.has("s20 daemon")) {
    advice.push(
      "Other s20 commands reach the sockets through the daemon: drop --direct, or set " +
        "S20_DAEMON to the daemon's API socket if it was started with --socket.",
    );
  }
  if (kinds.has("s20 emulator")) {
    advice.push(
      "Commands that name its sockets by their loopback address work; commands for real " +
        `sockets, which listen on port ${port} of every interface, fail while it runs: stop it ` +
        "(Ctrl-C where it runs) to use real sockets.",
    );
  }
  if (kinds.has("s20 command")) {
    advice.push(
      "It talks to the sockets itself. To run other commands beside it, stop it, start " +
        "'s20 serve' first, then run it again: every s20 command then goes through the daemon.",
    );
  }
  if (kinds.has("program") || kinds.has("hidden")) {
    advice.push(
      `Sockets reply to port ${port}, so only one program can talk to them: stop it, or run ` +
        "'s20 serve' / 's20 schedule run' and let other commands go through it.",
    );
  }
  return advice.join(" ");
}

/**
 * Why the holder of the port has no name, from what the search lacked: `""`, or a clause that
 * starts with a space, to follow "a program s20 cannot name".
 *
 * @example
 * ```ts
 * import { unnamedBecause } from "./port_holder.ts";
 *
 * console.log(`in use by a program s20 cannot name${unnamedBecause("--allow-run=ss,ps")}`);
 * ```
 *
 * @param needs What the port-owner search said would name it (a flag, or a program to install).
 */
export function unnamedBecause(needs: string | null): string {
  if (needs === null) return "";
  return needs.startsWith("--")
    ? ` (Deno reads /proc only with --allow-all; run s20 with ${needs} to name it)`
    : ` (install ${needs} to name it)`;
}
