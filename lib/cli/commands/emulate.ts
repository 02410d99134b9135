/**
 * `s20 emulate`: emulated sockets on UDP until Ctrl-C, a thin layer over `startFleet`
 * (`deno task emulate` runs the same command).
 */
import type { CommandContext, CommandSpec } from "../command.ts";
import { integerFlag, numberFlag } from "../args.ts";
import { UsageError } from "../usage_error.ts";
import { Mac } from "../../protocol/mac.ts";
import { NetworkError, PortInUseError, S20Error } from "../../errors.ts";
import { type Clock, systemClock, VirtualClock } from "../../time/clock.ts";
import { ipToNumber } from "../../transport/ipv4.ts";
import type { FaultOptions } from "../../emulator/faults.ts";
import { type EmulatorFleet, type FleetOptions, startFleet } from "../../emulator/fleet.ts";
import { S20Client } from "../../client/client.ts";
import type { ApiServer } from "../../api/server.ts";
import { API_OPTIONS, startApiFromFlags } from "./serve.ts";
import { formatAddress } from "../../util/address.ts";

/** The fleet the flags describe, and how to report it. */
interface EmulateSetup {
  readonly fleet: FleetOptions & { readonly count: number };
  readonly speed: number;
}

function rate(ctx: CommandContext, flag: string): number | undefined {
  return numberFlag(ctx.string(flag), flag, 0, 1);
}

function faultsOf(ctx: CommandContext, seed: number): FaultOptions {
  const loss = rate(ctx, "loss");
  return {
    seed,
    requestLoss: rate(ctx, "request-loss") ?? loss ?? 0,
    replyLoss: rate(ctx, "reply-loss") ?? loss ?? 0,
    duplicate: rate(ctx, "duplicate") ?? 0,
    delayMs: numberFlag(ctx.string("delay"), "delay", 0, 60_000) ?? 0,
    jitterMs: numberFlag(ctx.string("jitter"), "jitter", 0, 60_000) ?? 0,
  };
}

function setupOf(ctx: CommandContext): EmulateSetup {
  const replyTo = ctx.string("reply-to") ?? "port10000";
  if (replyTo !== "port10000" && replyTo !== "source") {
    throw new UsageError(`--reply-to must be 'port10000' or 'source', got '${replyTo}'`, "emulate");
  }
  const address = ctx.string("address") ?? "127.0.0.2";
  if (ipToNumber(address) === null) {
    throw new UsageError(`--address must be a dotted IPv4 address, got '${address}'`, "emulate");
  }
  const mac = ctx.string("mac");
  if (mac !== undefined && Mac.tryParse(mac) === null) {
    throw new UsageError(
      `--mac must be a MAC address such as ac:cf:23:00:00:01, got '${mac}'`,
      "emulate",
    );
  }
  const speed = numberFlag(ctx.string("speed"), "speed", 0.001, 1_000_000) ?? 1;
  const seed = integerFlag(ctx.string("seed"), "seed", -(2 ** 31), 2 ** 31 - 1) ?? 1;
  const names = ctx.flags.name as string[] | undefined;
  return {
    speed,
    fleet: {
      count: integerFlag(ctx.string("count"), "count", 1, 1000) ?? 1,
      address,
      port: integerFlag(ctx.string("port"), "port", 0, 65535) ?? 10000,
      replyTo,
      faults: faultsOf(ctx, seed),
      timing: ctx.bool("instant") ? "instant" : "captured",
      timingSeed: seed,
      announceOnStart: ctx.bool("announce"),
      ...(mac !== undefined ? { firstMac: mac } : {}),
      ...(names ? { names } : {}),
    },
  };
}

/** A socket that cannot start, said with what to do about it; `null` for an error we do not know. */
function startFailure(error: unknown): S20Error | null {
  if (error instanceof PortInUseError) {
    return new S20Error(
      "PORT_IN_USE",
      `cannot start an emulated socket on ${formatAddress(error)}: the address is ` +
        `in use (another emulator or a client bound to it). Stop that program, or choose another ` +
        `first address with --address or another port with --port`,
      { cause: error },
    );
  }
  if (error instanceof NetworkError) {
    return new NetworkError(
      `${error.message}. Use addresses this host owns: any 127.x.y.z works on Linux; on ` +
        `macOS add aliases first (sudo ifconfig lo0 alias 127.0.0.3)`,
      { cause: error },
    );
  }
  return null;
}

/** The emulate process as the daemon of its own sockets: a client for them and the local API. */
interface FleetDaemon {
  readonly api: ApiServer;
  close(): Promise<void>;
}

/**
 * Serves the fleet to other s20 commands, as `s20 serve` would: the sockets hold UDP port
 * 10000 on their own addresses, so no other program could bind it to talk to them; this
 * process does (on 127.0.0.1, or any port when they reply to the source port) and lets every
 * other command and `connect()` through its API. `null`, with a warning, when it cannot.
 */
async function serveFleet(
  ctx: CommandContext,
  fleet: EmulatorFleet,
  replyTo: "port10000" | "source",
): Promise<FleetDaemon | null> {
  let client: S20Client | null = null;
  try {
    client = new S20Client({
      hostname: "127.0.0.1",
      port: replyTo === "source" ? 0 : 10000,
      timeout: ctx.timeoutMs,
      clock: ctx.clock,
      targets: fleet.emulators.map(({ address }) => `${address.hostname}:${address.port}`),
    });
    const api = await startApiFromFlags(ctx, client);
    const owned = client;
    return {
      api,
      close: async () => {
        await api.close();
        await owned.close();
      },
    };
  } catch (error) {
    await client?.close();
    if (!(error instanceof S20Error)) throw error;
    ctx.io.stderr(
      `s20: warning: the sockets run, but other s20 commands cannot go through this process ` +
        `(${error.message}). Name them by address with --direct, or stop the other program.\n`,
    );
    return null;
  }
}

/** What to type next, with this fleet's names and MACs. */
function nextSteps(fleet: EmulatorFleet, api: ApiServer): string {
  const names = fleet.emulators.map((e) => e.device.socketData.name ?? e.mac);
  const named = names[Math.min(2, names.length - 1)]!;
  const quoted = /\s/.test(named) ? `'${named}'` : named;
  const other = fleet.emulators[Math.min(1, fleet.emulators.length - 1)]!.mac;
  return `Other s20 commands and connect() reach them through this process (API on ${
    api.socket ?? api.url
  }). In another terminal, try:\n` +
    [
      "s20 discover",
      "s20 status --all",
      `s20 on ${quoted}`,
      `s20 off ${other}`,
      "s20 watch",
    ].map((line) => `  ${line}\n`).join("");
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}

export const emulateCommand: CommandSpec = {
  name: "emulate",
  summary: "run simulated S20 sockets (no hardware needed)",
  usage: "emulate [--count N] [--address IP] [--port N] [--reply-to MODE] [--instant] ...",
  description:
    "Starts emulated sockets that behave like real ones (discovery bursts, subscriptions,\n" +
    "tables, timers, countdowns, seeded faults) until Ctrl-C, and prints one line per socket\n" +
    "(with --json one object: mac, address, port, name). Each answer waits as long as the real\n" +
    "socket took in the captures (a dc ack 13-257 ms, ...), drawn from --seed; --instant answers\n" +
    "at once. It also serves the local API, as 's20 serve' does, so in another terminal\n" +
    "s20 discover, s20 on Kettle, s20 watch and scripts that call connect() reach the\n" +
    "sockets through it (--no-api: serve none; then name sockets by address with --direct).",
  examples: [
    "s20 emulate --count 3",
    "s20 emulate --count 2 --loss 0.3 --seed 7 --json",
    "s20 emulate --count 200 --address 127.0.1.1 --reply-to source --instant",
    "s20 emulate --speed 60 --announce",
  ],
  positionals: { max: 0 },
  options: {
    count: { type: "string", value: "N", description: "number of sockets, 1-1000 (default 1)" },
    address: {
      type: "string",
      value: "IP",
      description: "address of the first socket; the next ones count up (default 127.0.0.2)",
    },
    port: {
      type: "string",
      value: "N",
      description: "UDP port of every socket, 0 for a free one (default 10000)",
    },
    "reply-to": {
      type: "string",
      value: "MODE",
      description:
        "port10000: to the requester's port 10000, like a real socket (default); source: to the request's source port",
    },
    instant: {
      type: "boolean",
      description: "answer at once (benchmarks); default: the real socket's captured delays",
    },
    loss: { type: "string", value: "RATE", description: "loss rate 0-1 both ways (default 0)" },
    "request-loss": { type: "string", value: "RATE", description: "loss rate of requests only" },
    "reply-loss": { type: "string", value: "RATE", description: "loss rate of replies only" },
    duplicate: {
      type: "string",
      value: "RATE",
      description: "rate 0-1 of replies sent twice (default 0)",
    },
    delay: {
      type: "string",
      value: "MS",
      description: "extra delay of every reply, on top of the socket's own (default 0)",
    },
    jitter: {
      type: "string",
      value: "MS",
      description: "up to this much more delay per reply (default 0)",
    },
    seed: {
      type: "string",
      value: "N",
      description: "seed of the faults and of the reply delays (default 1)",
    },
    mac: {
      type: "string",
      value: "MAC",
      description: "MAC of the first socket; the next ones count up (default ac:cf:23:00:00:01)",
    },
    name: {
      type: "string",
      multiple: true,
      value: "NAME",
      description:
        "name of a socket, once per socket in order (default Desk lamp, Hall light, ...)",
    },
    speed: {
      type: "string",
      value: "N",
      description: "the sockets' clocks run N times faster than real time (default 1)",
    },
    announce: { type: "boolean", description: "send the 21 boot announcements at start" },
    ...API_OPTIONS,
    "no-api": {
      type: "boolean",
      description: "serve no API (other s20 commands then need --direct and an address)",
    },
  },
  async run(ctx) {
    const { fleet: options, speed } = setupOf(ctx);
    const clock: Clock = speed === 1 ? systemClock : new VirtualClock({ speed });
    let fleet: EmulatorFleet;
    try {
      fleet = await startFleet({ ...options, clock });
    } catch (error) {
      if (clock instanceof VirtualClock) clock.dispose();
      throw startFailure(error) ?? error;
    }
    let daemon: FleetDaemon | null = null;
    try {
      if (!ctx.bool("no-api")) {
        daemon = await serveFleet(ctx, fleet, options.replyTo ?? "port10000");
      }
      for (const { mac, address, device } of fleet.emulators) {
        const name = device.socketData.name ?? "";
        ctx.io.stdout(
          (ctx.bool("json")
            ? JSON.stringify({ mac, address: address.hostname, port: address.port, name })
            : `${name.padEnd(14)} ${mac}  ${formatAddress(address)}`) + "\n",
        );
      }
      if (!ctx.bool("json")) {
        const n = fleet.emulators.length;
        ctx.io.stdout(
          `${n} emulated socket${n === 1 ? "" : "s"} running (replies to ${
            options.replyTo === "source" ? "the source port" : "port 10000"
          }${options.timing === "instant" ? ", no reply delays" : ""}${
            speed === 1 ? "" : `, clocks at ${speed}x`
          }); stop with Ctrl+C\n`,
        );
        if (daemon) ctx.io.stdout(nextSteps(fleet, daemon.api));
      }
      await waitForAbort(ctx.io.signal);
    } finally {
      await daemon?.close();
      await fleet.close();
      if (clock instanceof VirtualClock) clock.dispose();
    }
  },
};
