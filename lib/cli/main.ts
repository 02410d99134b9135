/**
 * `s20`: parse the command line, run a command over the library, print human or JSON output,
 * and return an exit code. Never exits the process itself (the entry point does).
 */
import type { Controller } from "../client/controller.ts";
import { openDaemon, openDirect } from "./backend.ts";
import { ERROR_CODES, PortInUseError, S20Error } from "../errors.ts";
import { findDaemon } from "../api/locate.ts";
import { DaemonClient } from "../api/daemon_client.ts";
import { closest } from "../util/suggest.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { ipToNumber, isLoopback } from "../transport/ipv4.ts";
import { integerFlag, parseCommandArgs } from "./args.ts";
import type { CommandContext, CommandSpec } from "./command.ts";
import { COMMANDS } from "./commands/mod.ts";
import { loadConfig } from "./config.ts";
import { commandHelp, topHelp } from "./help.ts";
import type { CliIo } from "./io.ts";
import { Output } from "./output.ts";
import { addressesOf, resolveTargets } from "./resolve.ts";
import { aliasFor } from "./names.ts";
import { errorText, EXIT, UsageError } from "./usage_error.ts";
import { errorCodeOf, errorJson } from "../error_json.ts";

/** The version `s20 --version` prints (kept equal to deno.json's by a test). */
export const VERSION = "0.1.0";

/** Options for running the CLI in-process. */
export interface MainOptions {
  /** Wall clock for the commands (a virtual clock in tests and demos). */
  readonly clock?: Clock;
}

/** Finds the command (and subcommand) named by the first arguments. */
function findCommand(args: readonly string[]): { spec: CommandSpec; path: string; rest: string[] } {
  const [name, ...rest] = args;
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) {
    const guess = closest(name!, COMMANDS.map((c) => c.name));
    // The hint to run --help follows every usage error once (in `main`).
    throw new UsageError(`unknown command '${name}'${guess ? ` (did you mean '${guess}'?)` : ""}`);
  }
  if (!spec.subcommands || rest.length === 0 || rest[0]!.startsWith("-")) {
    return { spec, path: spec.name, rest };
  }
  const [subName, ...subRest] = rest;
  const sub = spec.subcommands.find((s) => s.name === subName);
  if (!sub) {
    const guess = closest(subName!, spec.subcommands.map((s) => s.name));
    throw new UsageError(
      `unknown command 's20 ${spec.name} ${subName}'${guess ? ` (did you mean '${guess}'?)` : ""}`,
      spec.name,
    );
  }
  return { spec: sub, path: `${spec.name} ${sub.name}`, rest: subRest };
}

/**
 * `--json` may come anywhere before `--`, also before the command or subcommand
 * (`s20 --json status desk`, `s20 timers --json list desk`): it moves to the end, where the
 * command's own flags are parsed.
 */
function globalFlagsLast(args: readonly string[]): readonly string[] {
  const end = args.indexOf("--");
  const head = end === -1 ? args : args.slice(0, end);
  if (!head.includes("--json")) return args;
  const rest = end === -1 ? [] : args.slice(end);
  const others = head.filter((a) => a !== "--json");
  // Alone, `--json` has no command to go with: left as typed, for the usual message.
  return others.length === 0 ? head : [...others, "--json", ...rest];
}

/** Where a usable-looking daemon is, for a hint; `null` for none (or one that is not safe). */
function daemonAt(io: CliIo): string | null {
  try {
    const endpoint = findDaemon({ env: (name) => io.env(name) });
    return endpoint === null ? null : "path" in endpoint ? endpoint.path : endpoint.url;
  } catch {
    return null;
  }
}

/** A permission Deno refused: what to run instead, not a stack trace. */
function permissionError(error: Error): S20Error {
  return new S20Error(
    "PERMISSION",
    `${error.message.replace(/, run again with .*$/, "")}. Run s20 with --allow-net --allow-read ` +
      "--allow-write --allow-env --allow-sys (Deno needs read and write access to use the " +
      "daemon's Unix socket), or use the compiled binary",
    { cause: error },
  );
}

/**
 * Runs `s20` with `args` and returns its exit code.
 *
 * @param args The arguments after `s20`.
 * @param io Where output goes and what the command may read.
 */
export async function main(
  typed: readonly string[],
  io: CliIo,
  options: MainOptions = {},
): Promise<number> {
  const args = globalFlagsLast(typed);
  const json = args.includes("--json");
  const out = new Output(io, json);
  let client: Controller | null = null;
  let path: string | undefined;
  let direct = false;
  try {
    if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
      if (args[0] === "help" && args[1]) return await main([args[1], "--help"], io, options);
      io.stdout(topHelp(COMMANDS, VERSION));
      return EXIT.ok;
    }
    if (args[0] === "--version" || args[0] === "-V") {
      io.stdout(json ? JSON.stringify({ version: VERSION }) + "\n" : `s20 ${VERSION}\n`);
      return EXIT.ok;
    }
    if (args[0]!.startsWith("-")) {
      throw new UsageError(`put flags after the command: 's20 COMMAND ${args[0]}'`);
    }
    const found = findCommand(args);
    path = found.path;
    const { flags, positionals } = parseCommandArgs(found.spec, found.rest, found.path);
    direct = flags.direct === true;
    if (flags.bind !== undefined) {
      out.warn("s20: note: --bind is now --hostname (as S20Client's option); --bind still works");
      flags.hostname ??= flags.bind;
    }
    if (flags.help || !found.spec.run) {
      if (!found.spec.run && !flags.help) {
        throw new UsageError(
          `'s20 ${found.path}' needs a command: ${
            found.spec.subcommands?.map((s) => s.name).join(", ")
          }`,
          found.path,
        );
      }
      io.stdout(commandHelp(found.spec, found.path));
      return EXIT.ok;
    }
    const timeoutMs = integerFlag(flags.timeout as string | undefined, "timeout", 1, 600_000) ??
      5000;
    const localPort = integerFlag(flags.port as string | undefined, "port", 0, 65535);
    const hostnameFlag = flags.hostname as string | undefined;
    if (hostnameFlag !== undefined && ipToNumber(hostnameFlag) === null) {
      throw new UsageError(
        `--hostname must be a local IPv4 address such as 0.0.0.0 or 127.0.0.1, got '${hostnameFlag}'`,
        found.path,
      );
    }
    const clock = options.clock ?? systemClock;
    let config: ReturnType<typeof loadConfig> | null = null;
    const getConfig = () =>
      config ??= loadConfig(io, {
        config: flags.config as string | undefined,
        schedule: flags.schedule as string | undefined,
      });
    const flagTargets = (flags.target as string[] | undefined) ?? [];
    const targetsOf = () => flagTargets.length > 0 ? flagTargets : getConfig().targets;
    // One decision, before the command runs: a daemon that answers, or UDP. A daemon that
    // cannot be used is reported when the command first needs the sockets (`doctor` asks
    // the daemon itself and reports it as a finding).
    let routeError: unknown = null;
    if (found.spec.network && found.spec.ownsPort !== true && !direct) {
      try {
        client = await openDaemon({ io, timeout: timeoutMs, targets: targetsOf() });
      } catch (error) {
        routeError = error;
      }
    }
    const getClient = (addresses: readonly string[] = []) => {
      if (client) return client;
      if (routeError !== null) throw routeError;
      const targets = targetsOf();
      // Loopback sockets (an emulator) reply to 127.0.0.1; a wildcard bind of their port fails.
      const hosts = [...addresses, ...targets].map((a) => a.replace(/^.*@/, "").split(/[:/]/)[0]!);
      const hostname = hostnameFlag ??
        (hosts.length > 0 && hosts.every(isLoopback) ? "127.0.0.1" : "0.0.0.0");
      client = openDirect({
        hostname,
        port: localPort ?? 10000,
        timeout: timeoutMs,
        clock,
        targets,
      });
      return client;
    };
    const ctx: CommandContext = {
      io,
      out,
      positionals,
      raw: found.rest,
      flags,
      timeoutMs,
      clock,
      client: getClient,
      resolve: (tokens, resolveOptions = {}) => {
        const all = resolveOptions.all ?? false;
        if (!all && tokens.length === 0) {
          throw new UsageError(
            `'s20 ${path}' needs a socket (MAC, IP, alias or name) or --all`,
            path,
          );
        }
        const map = getConfig().aliases;
        getClient(all ? [] : addressesOf(tokens, map));
        return resolveTargets(tokens, {
          aliases: map,
          client: () => getClient(),
          byName: (name) => {
            const controller = getClient();
            return controller instanceof DaemonClient
              ? controller.byName(name, { timeout: timeoutMs })
              : null;
          },
          timeoutMs,
          all,
          progress: (label, work) => out.progress(label, work),
        });
      },
      aliasOf: (socket) => aliasFor(getConfig().aliases, socket),
      schedulePath: () => getConfig().schedule,
      string: (name) => typeof flags[name] === "string" ? flags[name] as string : undefined,
      bool: (name) => flags[name] === true,
    };
    const code = await found.spec.run(ctx);
    return code ?? EXIT.ok;
  } catch (caught) {
    const error = caught instanceof Deno.errors.NotCapable ? permissionError(caught) : caught;
    const code = errorCodeOf(error);
    if (code === "INTERNAL" && !(error instanceof Error && error.name === "AbortError")) {
      // Not a device failure we know: a bug. Keep the stack for the report.
      io.stderr(`s20: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
    const message = errorText(error);
    if (json) io.stdout(JSON.stringify(errorJson(error, message)) + "\n");
    else {
      io.stderr(`s20: ${out.red("error")}: ${message}\n`);
      if (error instanceof UsageError) {
        io.stderr(
          `Run 's20 ${error.command ?? path ?? ""} --help'`.replace(/\s+--help/, " --help") +
            " for usage.\n",
        );
      }
      const daemon = error instanceof PortInUseError && direct ? daemonAt(io) : null;
      if (daemon) {
        io.stderr(`The s20 daemon at ${daemon} owns it: drop --direct to go through it.\n`);
      }
    }
    return ERROR_CODES[code].exit;
  } finally {
    if (client) await (client as Controller).close();
  }
}
