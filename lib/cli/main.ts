/**
 * `s20`: parse the command line, run a command over the library, print human or JSON output,
 * and return an exit code. Never exits the process itself (the entry point does).
 */
import type { Controller } from "../client/controller.ts";
import { openController } from "./backend.ts";
import { ERROR_CODES, PortInUseError, S20Error } from "../errors.ts";
import { findDaemon } from "../api/locate.ts";
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
    throw new UsageError(
      `unknown command '${name}'${
        guess ? ` (did you mean '${guess}'?)` : ""
      }; run 's20 --help' for the list`,
    );
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
  args: readonly string[],
  io: CliIo,
  options: MainOptions = {},
): Promise<number> {
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
      throw new UsageError(
        `put flags after the command: 's20 COMMAND ${args[0]}'; run 's20 --help'`,
      );
    }
    const found = findCommand(args);
    path = found.path;
    const { flags, positionals } = parseCommandArgs(found.spec, found.rest, found.path);
    direct = flags.direct === true;
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
    const bindFlag = flags.bind as string | undefined;
    if (bindFlag !== undefined && ipToNumber(bindFlag) === null) {
      throw new UsageError(
        `--bind must be a local IPv4 address such as 0.0.0.0 or 127.0.0.1, got '${bindFlag}'`,
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
    const getClient = (addresses: readonly string[] = []) => {
      if (client) return client;
      const flagTargets = (flags.target as string[] | undefined) ?? [];
      const targets = flagTargets.length > 0 ? flagTargets : getConfig().targets;
      // Loopback sockets (an emulator) reply to 127.0.0.1; a wildcard bind of their port fails.
      const hosts = [...addresses, ...targets].map((a) => a.replace(/^.*@/, "").split(/[:/]/)[0]!);
      const bind = bindFlag ??
        (hosts.length > 0 && hosts.every(isLoopback) ? "127.0.0.1" : "0.0.0.0");
      client = openController({
        io,
        direct: flags.direct === true || found.spec.ownsPort === true,
        hostname: bind,
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
          timeoutMs,
          all,
          progress: (label, work) => out.progress(label, work),
        });
      },
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
