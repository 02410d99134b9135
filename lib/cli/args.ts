/** Flag parsing with `node:util` parseArgs, turning its errors into usage errors with hints. */
import { parseArgs } from "node:util";
import { closest } from "../util/suggest.ts";
import type { CommandSpec, OptionSpec } from "./command.ts";
import { UsageError } from "./usage_error.ts";
import { wholeNumberIn } from "../util/whole_number.ts";

/** Flags every command accepts. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: "boolean", description: "print JSON (one object or array; streams: one per line)" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

/** Flags of commands that talk to sockets. */
export const NETWORK_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  target: {
    type: "string",
    multiple: true,
    value: "ADDR",
    description:
      "where to look for sockets (for --all and names): broadcast or unicast address, CIDR, MAC@IP",
  },
  timeout: {
    type: "string",
    value: "MS",
    description: "give up on a socket after MS (default 5000)",
  },
  hostname: {
    type: "string",
    value: "ADDR",
    description: "local address to listen on (default 0.0.0.0, or 127.0.0.1 for loopback sockets)",
  },
  bind: { type: "string", value: "ADDR", description: "old name of --hostname", deprecated: true },
  port: { type: "string", value: "PORT", description: "local UDP port (default 10000; 0 = any)" },
  config: {
    type: "string",
    value: "FILE",
    description: "aliases file (default ~/.config/s20/config.yaml)",
  },
  schedule: {
    type: "string",
    value: "FILE",
    description: "also take aliases from this schedule file",
  },
  direct: {
    type: "boolean",
    description: "talk to sockets over UDP even when an s20 daemon is running",
  },
};

/**
 * parseArgs reads `-5` as the short flag `5`. No flag is a digit, so such a token is a value (a
 * negative duration, an offset such as `-3`): it is hidden from parseArgs behind a marker no
 * command line can hold (a NUL) and put back afterwards, so the command's own check names it.
 */
const NEGATIVE_NUMBER = /^-\d/;
const HIDDEN = "\u0000arg";

export interface ParsedArgs {
  readonly flags: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/** Parses a command's arguments; unknown flags get the nearest known one as a hint. */
export function parseCommandArgs(
  spec: CommandSpec,
  args: readonly string[],
  path: string,
): ParsedArgs {
  const options = {
    ...GLOBAL_OPTIONS,
    ...(spec.network ? NETWORK_OPTIONS : {}),
    ...(spec.options ?? {}),
  };
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> =
    {};
  for (const [name, o] of Object.entries(options)) {
    config[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: args.map((a, i) => NEGATIVE_NUMBER.test(a) ? `${HIDDEN}${i}` : a),
      options: config,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageFromParseError(error, Object.keys(options), path);
  }
  const restore = (value: string) =>
    value.startsWith(HIDDEN) ? args[Number(value.slice(HIDDEN.length))]! : value;
  const positionals = parsed.positionals.map(restore);
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    values[name] = typeof value === "string"
      ? restore(value)
      : Array.isArray(value)
      ? value.map((v) => typeof v === "string" ? restore(v) : v)
      : value;
  }
  const { min = 0, max = Infinity, name = "argument" } = spec.positionals ?? {};
  if (!parsed.values.help) {
    if (positionals.length < min) {
      throw new UsageError(
        `'s20 ${path}' needs ${min === 1 ? `a ${name}` : `${min} ${name}s`}`,
        path,
      );
    }
    if (positionals.length > max) {
      throw new UsageError(
        `'s20 ${path}' takes ${max === 0 ? "no arguments" : `at most ${max}`}; unexpected '${
          positionals[max]
        }'`,
        path,
      );
    }
  }
  return { flags: values as ParsedArgs["flags"], positionals };
}

function usageFromParseError(error: unknown, known: string[], path: string): UsageError {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'(-{1,2}[^']+)'/.exec(message)?.[1] ?? "";
    const bare = flag.replace(/^-+/, "").split("=")[0]!;
    const guess = closest(bare, known);
    return new UsageError(
      `unknown flag '${flag}' for 's20 ${path}'${guess ? ` (did you mean '--${guess}'?)` : ""}`,
      path,
    );
  }
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return new UsageError(message.replace(/\. To specify.*$/s, ""), path);
  }
  return new UsageError(message, path);
}

/** A decimal number typed by people (`0.25`, `40`, `.5`; no exponent), else `null`. */
function decimalIn(text: string, min: number, max: number): number | null {
  const n = Number(text);
  return /^-?(\d+\.?\d*|\.\d+)$/.test(text) && n >= min && n <= max ? n : null;
}

function numericFlag(
  value: string | undefined,
  flag: string,
  range: readonly [number, number],
  kind: "whole number" | "number",
): number | undefined {
  if (value === undefined) return undefined;
  const [min, max] = range;
  const n = kind === "number" ? decimalIn(value, min, max) : wholeNumberIn(value, min, max);
  if (n === null) {
    throw new UsageError(`--${flag} must be a ${kind} from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** Parses a whole-number flag value, with a usage error naming the flag and range. */
export function integerFlag(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  return numericFlag(value, flag, [min, max], "whole number");
}

/** Parses a decimal number flag (`0.25`, `40`), with a usage error naming the flag and range. */
export function numberFlag(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  return numericFlag(value, flag, [min, max], "number");
}
