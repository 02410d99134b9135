/**
 * What `s20 pair` and `s20 wifi` share: the Wi-Fi flags, reading the key from a safe source,
 * turning refused settings into usage errors, and printing pairing progress.
 */
import type { CommandContext, OptionSpec } from "../command.ts";
import type { Output } from "../output.ts";
import { EXIT, UsageError } from "../usage_error.ts";
import { ERROR_CODES } from "../../errors.ts";
import { PairingError } from "../../pairing/errors.ts";
import type { PairingStep, PairingStepName } from "../../pairing/pairing_step.ts";
import type { NetAddress } from "../../transport/types.ts";
import { ipToNumber } from "../../transport/ipv4.ts";

/** The environment variable a key may come from (argv never: `ps` shows it to everyone). */
export const KEY_VARIABLE = "S20_WIFI_PASSWORD";

/** Flags that describe the network. */
export const WIFI_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  ssid: { type: "string", value: "SSID", description: "the network to join" },
  security: {
    type: "string",
    value: "MODE",
    description: "open, wpa-psk or wpa2-psk (default wpa2-psk; WEP is not supported)",
  },
  cipher: { type: "string", value: "CIPHER", description: "tkip or aes (default aes)" },
  "password-stdin": {
    type: "boolean",
    description: `read the Wi-Fi key from standard input (or set ${KEY_VARIABLE}, or be asked)`,
  },
};

/** Runs `work`, turning refused settings and bad values into usage errors for `command`. */
export function asUsage<T>(command: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    // Settings the user can fix (exit 2 in ERROR_CODES), not the module's own outcomes.
    if (error instanceof PairingError && ERROR_CODES[error.code].exit === EXIT.usage) {
      throw new UsageError(error.message, command);
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      throw new UsageError(error.message, command);
    }
    throw error;
  }
}

/** Refuses positional arguments without repeating them: one may be a key typed by mistake. */
export function refuseExtraArguments(ctx: CommandContext, command: string, allowed: number): void {
  const extra = ctx.positionals.length - allowed;
  if (extra > 0) {
    throw new UsageError(
      `'s20 ${command}' got ${extra} unexpected argument${extra === 1 ? "" : "s"} (not ` +
        "repeated here in case one is a key). The Wi-Fi key is never taken from the command " +
        `line, where other users can see it: use --password-stdin, ${KEY_VARIABLE} or the prompt`,
      command,
    );
  }
}

/** Whether the security flag asks for an open network. */
export function isOpen(ctx: CommandContext): boolean {
  return (ctx.string("security") ?? "").trim().toLowerCase() === "open";
}

/**
 * The Wi-Fi key, from (in order) standard input with `--password-stdin`, `S20_WIFI_PASSWORD`,
 * or a prompt without echo; `""` for an open network.
 */
export async function readWifiKey(
  ctx: CommandContext,
  command: string,
  network: string,
): Promise<string> {
  const fromStdin = ctx.bool("password-stdin");
  if (isOpen(ctx)) {
    if (fromStdin) {
      throw new UsageError(
        "an open network takes no key: drop --password-stdin, or choose --security wpa2-psk",
        command,
      );
    }
    return "";
  }
  if (fromStdin) {
    // One trailing line break is the shell's, not the key's (`echo`, here-strings).
    const key = (await ctx.io.readStdin()).replace(/\r?\n$/, "");
    if (key === "") {
      throw new UsageError("--password-stdin was given but standard input was empty", command);
    }
    return key;
  }
  const fromEnv = ctx.io.env(KEY_VARIABLE);
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const typed = await ctx.io.readSecret(`Wi-Fi key for ${network} (not shown): `);
  if (typed !== null && typed !== "") return typed;
  throw new UsageError(
    `no Wi-Fi key given: pipe it to --password-stdin, set ${KEY_VARIABLE}, or run in a ` +
      "terminal to be asked for it (it is never taken from the command line, where 'ps' " +
      "shows it to other users); for a network without a key use --security open",
    command,
  );
}

/** `HOST`, `HOST:PORT` → an address; `defaultPort` when no port is given. */
export function addressFlag(text: string, flag: string, defaultPort: number): NetAddress {
  const [host = "", port, extra] = text.trim().split(":");
  if (extra !== undefined || ipToNumber(host) === null) {
    throw new UsageError(`--${flag} must be an IPv4 address, optionally with :PORT; got '${text}'`);
  }
  if (port === undefined) return { hostname: host, port: defaultPort };
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) {
    throw new UsageError(`--${flag}: the port must be 0–65535, got '${port}'`);
  }
  return { hostname: host, port: n };
}

const LABELS: Readonly<Record<PairingStepName, string>> = {
  find: "Find the socket",
  "command-mode": "Command mode",
  ssid: "Network name",
  key: "Security and key",
  mode: "Station mode",
  reboot: "Restart",
  smartlink: "Smartlink",
  announcement: "Announcement",
  locate: "Find it on the network",
  clock: "Clock",
  timezone: "Time zone",
  rename: "Name",
};

/** Prints each step on standard error as it happens (nothing in JSON mode). */
export function stepPrinter(out: Output): (step: PairingStep) => void {
  return (step) => {
    const mark = step.status === "done" ? out.green("✓") : step.status === "retry" ? "↻" : "→";
    out.note(`${mark} ${LABELS[step.name]}: ${step.detail}`);
  };
}
