/**
 * `emulate`: start emulated sockets from the command line and keep them running until the
 * caller's signal aborts. A thin layer over {@linkcode startFleet}; `scripts/emulate.ts` wires
 * it to the process, and the main CLI can offer it as `s20 emulate`.
 */
import { Mac } from "../protocol/mac.ts";
import { parseArgs } from "node:util";
import { NetworkError, PortInUseError } from "../errors.ts";
import { type Clock, systemClock, VirtualClock } from "../time/clock.ts";
import { ipToNumber } from "../transport/ipv4.ts";
import type { FaultOptions } from "./faults.ts";
import { type EmulatorFleet, startFleet } from "./fleet.ts";
import type { ReplyMode } from "./types.ts";

const USAGE = `Usage: emulate [options]

Runs emulated Orvibo S20 sockets on UDP until stopped (Ctrl+C).

Options:
  --count N            number of sockets (default 1)
  --address IP         address of the first socket; the next ones count up (default 127.0.0.2)
  --port N             UDP port of every socket, 0 for a free one (default 10000)
  --reply-to MODE      port10000: reply to the requester's port 10000 (like a real socket);
                       source: reply to the request's source port (default port10000)
  --loss RATE          loss rate 0-1 of requests and replies (default 0)
  --request-loss RATE  loss rate of requests only
  --reply-loss RATE    loss rate of replies only
  --duplicate RATE     rate 0-1 of replies sent twice (default 0)
  --delay MS           extra delay of every reply (default 0)
  --jitter MS          up to this much more delay per reply (default 0)
  --seed N             seed of the fault pattern and of the reply delays (default 1)
  --instant            answer at once (benchmarks); by default each reply waits a delay drawn
                       from the real socket's captured latencies (dc ack 13-257 ms, ...)
  --mac MAC            MAC of the first socket; the next ones count up (default ac:cf:23:00:00:01)
  --name NAME          name of a socket, once per socket in order (default Desk lamp, Hall light, …)
  --speed N            the sockets' clocks run N times faster than real time (default 1)
  --announce           send the 21 boot announcements at start
  --json               print one JSON object per socket per line: mac, address, port, name
  --help               show this help`;

/**
 * Options for {@linkcode runEmulateCli}.
 *
 * @example Collect the output lines
 * ```ts
 * import type { EmulateCliOptions } from "@s20/s20/emulator";
 *
 * const lines: string[] = [];
 * const options: EmulateCliOptions = {
 *   stdout: (line) => lines.push(line),
 *   stderr: (line) => lines.push(line),
 *   signal: AbortSignal.timeout(100),
 * };
 * ```
 */
export interface EmulateCliOptions {
  /** Receives each line of normal output. */
  readonly stdout: (line: string) => void;
  /** Receives each line of error output. */
  readonly stderr: (line: string) => void;
  /**
   * Stops the sockets; without it they run until the process ends.
   *
   * @default {never aborted}
   */
  readonly signal?: AbortSignal;
  /**
   * Called once every socket listens, with the running fleet (for tests and the main CLI).
   *
   * @default {none}
   */
  readonly onReady?: (fleet: EmulatorFleet) => void;
}

/** A mistake in the command line: exit code 2, with the usage hint. */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function number(
  flag: string,
  text: string | undefined,
  min: number,
  max = Infinity,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(
      `--${flag} must be a number from ${min}${
        max === Infinity ? " up" : ` to ${max}`
      }: got "${text}"`,
    );
  }
  return value;
}

function integer(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  const value = number(flag, text, min, max);
  if (value !== undefined && !Number.isInteger(value)) {
    throw new UsageError(`--${flag} must be a whole number: got "${text}"`);
  }
  return value;
}

function parse(args: readonly string[]) {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      count: { type: "string" },
      address: { type: "string" },
      port: { type: "string" },
      "reply-to": { type: "string" },
      loss: { type: "string" },
      "request-loss": { type: "string" },
      "reply-loss": { type: "string" },
      duplicate: { type: "string" },
      delay: { type: "string" },
      jitter: { type: "string" },
      seed: { type: "string" },
      speed: { type: "string" },
      mac: { type: "string" },
      name: { type: "string", multiple: true },
      announce: { type: "boolean" },
      instant: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  const replyTo = values["reply-to"] ?? "port10000";
  if (replyTo !== "port10000" && replyTo !== "source") {
    throw new UsageError(`--reply-to must be "port10000" or "source": got "${replyTo}"`);
  }
  const address = values.address ?? "127.0.0.2";
  if (ipToNumber(address) === null) {
    throw new UsageError(`--address must be a dotted IPv4 address: got "${address}"`);
  }
  const loss = number("loss", values.loss, 0, 1);
  const faults: FaultOptions = {
    seed: integer("seed", values.seed, -(2 ** 31), 2 ** 31 - 1) ?? 1,
    requestLoss: number("request-loss", values["request-loss"], 0, 1) ?? loss ?? 0,
    replyLoss: number("reply-loss", values["reply-loss"], 0, 1) ?? loss ?? 0,
    duplicate: number("duplicate", values.duplicate, 0, 1) ?? 0,
    delayMs: number("delay", values.delay, 0) ?? 0,
    jitterMs: number("jitter", values.jitter, 0) ?? 0,
  };
  const firstMac = values.mac === undefined ? undefined : Mac.tryParse(values.mac);
  if (firstMac === null) {
    throw new UsageError(
      `--mac must be a MAC address such as ac:cf:23:00:00:01: got "${values.mac}"`,
    );
  }
  const speed = number("speed", values.speed, 0) ?? 1;
  if (speed === 0) throw new UsageError(`--speed must be above 0: got "${values.speed}"`);
  return {
    help: values.help === true,
    json: values.json === true,
    announce: values.announce === true,
    timing: values.instant === true ? "instant" as const : "captured" as const,
    count: integer("count", values.count, 1, 1000) ?? 1,
    address,
    port: integer("port", values.port, 0, 65535) ?? 10000,
    replyTo: replyTo as ReplyMode,
    faults,
    speed,
    ...(firstMac ? { firstMac } : {}),
    ...(values.name ? { names: values.name } : {}),
  };
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}

function startFailure(error: unknown): string | null {
  if (error instanceof PortInUseError) {
    return `error: cannot start an emulated socket on ${error.hostname}:${error.port}: the ` +
      `address is in use (another emulator or a client bound to it). Stop that program, or ` +
      `choose another first address with --address or another port with --port`;
  }
  if (error instanceof NetworkError) {
    return `error: ${error.message}. Use addresses this host owns: any 127.x.y.z works on ` +
      `Linux; on macOS add aliases first (sudo ifconfig lo0 alias 127.0.0.3)`;
  }
  return null;
}

/**
 * Runs the `emulate` command: parses `args`, starts the sockets, prints one line per socket
 * (name, MAC, address:port, or with `--json` one JSON object with `mac`, `address`, `port`,
 * `name`), then waits for `signal` and stops them.
 *
 * @example Start two sockets on free ports and stop them at once
 * ```ts
 * import { runEmulateCli } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const controller = new AbortController();
 * const code = await runEmulateCli(
 *   ["--count", "2", "--address", "127.0.0.1", "--port", "0", "--json"],
 *   {
 *     stdout: (line) => lines.push(line),
 *     stderr: (line) => lines.push(line),
 *     signal: controller.signal,
 *     onReady: () => controller.abort(),
 *   },
 * );
 * assert.equal(code, 0);
 * assert.equal(JSON.parse(lines[1]!).mac, "ac:cf:23:00:00:02");
 * ```
 *
 * @param args Command-line arguments (without the program name).
 * @param options Output writers, the stop signal and a ready callback.
 * @returns The exit code: 0 after a clean stop or `--help`, 2 for a bad command line, 1 when a
 *   socket cannot start.
 */
export async function runEmulateCli(
  args: readonly string[],
  options: EmulateCliOptions,
): Promise<number> {
  const { stdout, stderr, signal, onReady } = options;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    // node:util parseArgs reports unknown flags and missing values as TypeError.
    stderr(`error: ${error.message}`);
    stderr("Run with --help for the options.");
    return 2;
  }
  if (parsed.help) {
    for (const line of USAGE.split("\n")) stdout(line);
    return 0;
  }
  const clock: Clock = parsed.speed === 1 ? systemClock : new VirtualClock({ speed: parsed.speed });
  let fleet: EmulatorFleet;
  try {
    fleet = await startFleet({
      count: parsed.count,
      address: parsed.address,
      port: parsed.port,
      replyTo: parsed.replyTo,
      faults: parsed.faults,
      clock,
      announceOnStart: parsed.announce,
      timing: parsed.timing,
      timingSeed: parsed.faults.seed ?? 1,
      ...(parsed.firstMac ? { firstMac: parsed.firstMac } : {}),
      ...(parsed.names ? { names: parsed.names } : {}),
    });
  } catch (error) {
    if (clock instanceof VirtualClock) clock.dispose();
    const message = startFailure(error);
    if (message === null) throw error;
    stderr(message);
    return 1;
  }
  try {
    for (const emulator of fleet.emulators) {
      const { mac, address } = emulator;
      const name = emulator.device.socketData.name ?? "";
      stdout(
        parsed.json
          ? JSON.stringify({ mac, address: address.hostname, port: address.port, name })
          : `${name.padEnd(14)} ${mac}  ${address.hostname}:${address.port}`,
      );
    }
    if (!parsed.json) {
      stdout(
        `${fleet.emulators.length} emulated socket${fleet.emulators.length === 1 ? "" : "s"} ` +
          `running (replies to ${parsed.replyTo === "source" ? "the source port" : "port 10000"}` +
          `${parsed.timing === "instant" ? ", no reply delays" : ""}` +
          `${parsed.speed === 1 ? "" : `, clocks at ${parsed.speed}x`}); stop with Ctrl+C`,
      );
    }
    onReady?.(fleet);
    await waitForAbort(signal);
  } finally {
    await fleet.close();
    if (clock instanceof VirtualClock) clock.dispose();
  }
  return 0;
}
