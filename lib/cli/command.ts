/** How a subcommand is declared: its help, its flags and what it runs. */
import type { Controller, SocketController } from "../client/controller.ts";
import type { Clock } from "../time/clock.ts";
import type { CliIo } from "./io.ts";
import type { Output } from "./output.ts";
import type { SocketRef } from "./names.ts";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder in help, such as `MS`. */
  readonly value?: string;
  readonly description: string;
  /** An old name still accepted but left out of help (its description names the new one). */
  readonly deprecated?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** The synopsis after `s20 `, such as `on TARGET...`. */
  readonly usage: string;
  readonly description?: string;
  readonly examples: readonly string[];
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** Bounds on positional arguments. */
  readonly positionals?: { readonly min?: number; readonly max?: number; readonly name?: string };
  readonly subcommands?: readonly CommandSpec[];
  /** Whether the command talks to sockets (and so accepts the network flags). */
  readonly network?: boolean;
  /** The command is the daemon (it owns UDP port 10000): it never routes through one. */
  readonly ownsPort?: boolean;
  readonly run?: (ctx: CommandContext) => Promise<number | void>;
}

/** A socket the user named, resolved to a handle, with the name they used. */
export interface Target {
  readonly label: string;
  readonly socket: SocketController;
}

export interface CommandContext {
  readonly io: CliIo;
  readonly out: Output;
  readonly positionals: readonly string[];
  /** The arguments after the command name, as typed. */
  readonly raw: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** Milliseconds per socket call (`--timeout`). */
  readonly timeoutMs: number;
  /** The wall clock (a test may pass a virtual one). */
  readonly clock: Clock;
  /** The shared client, bound on first use for the given targets. */
  client(addresses?: readonly string[]): Controller;
  /** Turns the user's MACs, IPs, aliases and names (or `--all`) into socket handles. */
  resolve(tokens: readonly string[], options?: { all?: boolean }): Promise<Target[]>;
  /** The socket's alias in the config file or schedule, or `null` (see `names.ts`). */
  aliasOf(socket: SocketRef): string | null;
  /** The schedule file the user named (`--schedule`, or `schedule:` in the config), or `null`. */
  schedulePath(): string | null;
  /** A string flag, or `undefined`. */
  string(name: string): string | undefined;
  /** A boolean flag. */
  bool(name: string): boolean;
}
