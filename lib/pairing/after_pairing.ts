/**
 * What follows pairing: find the socket on the LAN once it has restarted and joined the network,
 * set its clock (it has none worth keeping after a restart, docs/protocol.md#device-clock) and time
 * zone, and optionally name it.
 */
import { defaultTargets } from "../client/client.ts";
import type { DiscoveryTarget } from "../client/targets.ts";
import { DeviceNotFoundError } from "../errors.ts";
import { Mac } from "../protocol/mac.ts";
import { formatOffset, zoneFieldsFor, zoneOffsetMinutes } from "../protocol/zone.ts";
import { sleep, systemClock } from "../time/clock.ts";
import { zoneOffsetAt } from "../time/zones.ts";
import type { PairingStep } from "./pairing_step.ts";

/**
 * What {@linkcode setUpPairedSocket} needs of a client: discovery and three socket calls. An
 * `S20Client`, or any `Controller` (such as the CLI's), fits.
 *
 * @example
 * ```ts
 * import { S20Client } from "@s20/s20";
 * import type { SetUpController } from "@s20/s20/pairing";
 *
 * await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
 * const controller: SetUpController = client;
 * ```
 */
export interface SetUpController {
  /** Yields each socket that answers, once. */
  discover(
    options: {
      readonly targets?: readonly DiscoveryTarget[];
      readonly timeout?: number;
      readonly signal?: AbortSignal;
    },
  ): AsyncIterable<{ readonly mac: string; readonly ip: string; readonly port: number }>;
  /** A handle on one socket. */
  socket(target: { readonly mac: string; readonly ip: string; readonly port: number }): {
    syncClock(options?: { readonly signal?: AbortSignal }): Promise<{ readonly time: Date | null }>;
    setTimeZone(
      zone: string | number,
      options?: { readonly signal?: AbortSignal },
    ): Promise<
      {
        readonly timeZone: number;
        readonly halfHour: boolean;
        readonly dst: boolean;
        readonly name: string | null;
      }
    >;
    rename(
      name: string,
      options?: { readonly signal?: AbortSignal },
    ): Promise<{ readonly name: string | null }>;
  };
}

/**
 * Options for {@linkcode setUpPairedSocket}.
 *
 * @example Name it and use a fixed zone
 * ```ts
 * import type { SetUpOptions } from "@s20/s20/pairing";
 *
 * const options: SetUpOptions = { name: "Desk lamp", timeZone: "Europe/Berlin", wait: 90_000 };
 * ```
 */
export interface SetUpOptions {
  /**
   * Where the socket said it is (the smartlink announcement's sender): probed by unicast as
   * well, with its MAC.
   *
   * @default {undefined}
   */
  readonly ip?: string;
  /**
   * Where to look for it.
   *
   * @default {every interface's broadcast address and 255.255.255.255}
   */
  readonly targets?: readonly DiscoveryTarget[];
  /**
   * The socket's time zone: an IANA name (its current offset is written, DST included) or
   * minutes east of UTC.
   *
   * @default {this computer's zone}
   */
  readonly timeZone?: string | number;
  /**
   * A name to give the socket (1–16 bytes); the current one is kept when absent.
   *
   * @default {undefined}
   */
  readonly name?: string;
  /**
   * How long to look for the socket, in milliseconds: it restarts and joins the network first,
   * and after AP mode this computer has to rejoin that network too.
   *
   * @default {60000}
   */
  readonly wait?: number;
  /** Cancels the search and the calls; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Called as each step starts, is retried and is done.
   *
   * @default {undefined}
   */
  readonly onStep?: (step: PairingStep) => void;
}

/**
 * A paired socket, as it is now.
 *
 * @example
 * ```ts
 * import type { PairedSocket } from "@s20/s20/pairing";
 *
 * const line = (s: PairedSocket) => `${s.mac} at ${s.ip}, named ${s.name ?? "(never set)"}`;
 * ```
 */
export interface PairedSocket {
  /** Its MAC. */
  readonly mac: Mac;
  /** Its address on the LAN. */
  readonly ip: string;
  /** The UDP port it answered from (10000 for real sockets). */
  readonly port: number;
  /** Its name, or `null` when never set. */
  readonly name: string | null;
  /** The UTC offset its timers now run on, in minutes. */
  readonly offsetMinutes: number;
  /** Its clock after setting it. */
  readonly clock: Date | null;
}

/** Each discovery round probes four times within this window (client.ts), then starts over. */
const ROUND_MS = 2000;
/**
 * How long a socket's burst of discovery replies lasts, with margin (docs/protocol.md#discovery:
 * ~10 × 15 ms).
 */
const DISCOVERY_BURST_MS = 250;

function hostZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Checks a name and zone the way `rename` and `setTimeZone` will, so that a mistake shows before
 * anything is sent rather than after the socket was paired.
 *
 * @throws {RangeError} For a name that is not 1–16 bytes of printable text, an unknown zone, or
 *   a zone an S20 cannot hold (quarter hours, beyond −12…+14 h).
 */
export function checkSetUpOptions(
  options: { readonly timeZone?: string | number; readonly name?: string },
  at: Date = new Date(),
): void {
  const { timeZone = hostZone(), name } = options;
  if (name !== undefined) {
    const trimmed = name.trim();
    const bytes = new TextEncoder().encode(trimmed).length;
    // deno-lint-ignore no-control-regex
    if (bytes === 0 || bytes > 16 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
      throw new RangeError(
        `Cannot name the socket ${JSON.stringify(name)}: a socket name is 1–16 bytes of ` +
          `printable text (this is ${bytes})`,
      );
    }
  }
  if (typeof timeZone === "number") {
    zoneFieldsFor(timeZone);
  } else {
    const { offsetMinutes, dst } = zoneOffsetAt(timeZone, at);
    zoneFieldsFor(offsetMinutes, { dst });
  }
}

/**
 * Finds a freshly paired socket by MAC and sets it up: waits until it answers discovery (it
 * restarts and joins the network first), sets its clock to this computer's, sets its time zone
 * and, if asked, its name.
 *
 * @example Set up an emulated socket on loopback
 * ```ts
 * import { S20Client } from "@s20/s20";
 * import { startEmulator } from "@s20/s20/emulator";
 * import { setUpPairedSocket } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const mac = "ac:cf:23:35:e6:aa";
 * await using emulator = await startEmulator({
 *   hostname: "127.0.0.1", port: 0, replyTo: "source", mac, time: "unset",
 * });
 * await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
 * const socket = await setUpPairedSocket(client, mac, {
 *   targets: [`127.0.0.1:${emulator.address.port}`],
 *   timeZone: "Asia/Kolkata",
 *   name: "Desk lamp",
 * });
 * assert.deepEqual([socket.mac, socket.name, socket.offsetMinutes], [mac, "Desk lamp", 330]);
 * assert.notEqual(emulator.device.deviceTime, null);
 * ```
 *
 * @param controller The client (or daemon) that talks to sockets.
 * @param mac The MAC the socket announced or gave in its assist reply.
 * @param options Where to look, zone, name, wait, progress and cancellation.
 * @returns The socket's MAC, address, name, offset and clock.
 * @throws {DeviceNotFoundError} If it does not answer within `wait`.
 * @throws {DeviceTimeoutError} If it stops answering while being set up.
 * @throws {RangeError} For a name or zone the socket cannot hold (checked before looking).
 */
export async function setUpPairedSocket(
  controller: SetUpController,
  mac: string,
  options: SetUpOptions = {},
): Promise<PairedSocket> {
  const { ip, timeZone = hostZone(), name, wait = 60_000, signal, onStep } = options;
  const target = Mac.parse(mac);
  if (!Number.isFinite(wait) || wait <= 0) {
    throw new RangeError(`Cannot set up the socket: wait must be > 0 ms, got ${wait}`);
  }
  checkSetUpOptions({ timeZone, ...(name !== undefined ? { name } : {}) });
  const report = (step: PairingStep) => onStep?.(step);
  const found = await locate(
    controller,
    target,
    { ip, targets: options.targets, wait, signal },
    report,
  );
  // The socket answers discovery ~10 times over ~150 ms and ignores requests meanwhile
  // (docs/protocol.md#discovery, docs/protocol.md#loss-and-duplicates); a late copy could also be
  // taken for the read-back of the clock. Let it finish.
  await sleep(systemClock, DISCOVERY_BURST_MS, signal);
  const socket = controller.socket({ mac: target, ip: found.ip, port: found.port });
  const call = signal ? { signal } : {};

  report({ name: "clock", status: "start", detail: "setting the socket's clock", attempt: 1 });
  const clock = await socket.syncClock(call);
  report({
    name: "clock",
    status: "done",
    detail: `clock set to ${clock.time?.toISOString() ?? "(unset)"}`,
    attempt: 1,
  });

  const zoneName = typeof timeZone === "string" ? timeZone : `UTC${formatOffset(timeZone)}`;
  report({
    name: "timezone",
    status: "start",
    detail: `setting the time zone to ${zoneName}`,
    attempt: 1,
  });
  const zoned = await socket.setTimeZone(timeZone, call);
  const offsetMinutes = zoneOffsetMinutes(zoned);
  let named = zoned.name;
  report({
    name: "timezone",
    status: "done",
    detail: `time zone UTC${formatOffset(offsetMinutes)}${zoned.dst ? " (DST)" : ""} (${zoneName})`,
    attempt: 1,
  });

  if (name !== undefined) {
    report({
      name: "rename",
      status: "start",
      detail: `naming it ${JSON.stringify(name)}`,
      attempt: 1,
    });
    named = (await socket.rename(name, call)).name;
    report({
      name: "rename",
      status: "done",
      detail: `named ${JSON.stringify(named)}`,
      attempt: 1,
    });
  }
  return {
    mac: target,
    ip: found.ip,
    port: found.port,
    name: named,
    offsetMinutes,
    clock: clock.time,
  };
}

/** Discovery rounds until the MAC answers or `wait` is over. */
async function locate(
  controller: SetUpController,
  mac: Mac,
  options: {
    readonly ip: string | undefined;
    readonly targets: readonly DiscoveryTarget[] | undefined;
    readonly wait: number;
    readonly signal: AbortSignal | undefined;
  },
  report: (step: PairingStep) => void,
): Promise<{ readonly mac: string; readonly ip: string; readonly port: number }> {
  const { ip, wait, signal } = options;
  const end = performance.now() + wait;
  for (let round = 1; performance.now() < end; round++) {
    // Interfaces are read every round: after AP mode this computer rejoins its network meanwhile.
    const base = options.targets ?? defaultTargets();
    // A unicast `qg` with the MAC also reaches a socket that is locked or on another subnet
    // (docs/protocol.md#discovery).
    const targets = ip === undefined ? base : [`${mac}@${ip}`, ...base];
    report({
      name: "locate",
      status: round === 1 ? "start" : "retry",
      detail: round === 1
        ? `looking for ${mac} on the network (up to ${Math.round(wait / 1000)} s)`
        : `still looking for ${mac} (round ${round})`,
      attempt: round,
    });
    const timeout = Math.max(100, Math.min(ROUND_MS, end - performance.now()));
    for await (
      const found of controller.discover({ targets, timeout, ...(signal ? { signal } : {}) })
    ) {
      if (found.mac !== mac) continue;
      report({
        name: "locate",
        status: "done",
        detail: `found ${mac} at ${found.ip}`,
        attempt: round,
      });
      return found;
    }
  }
  throw new DeviceNotFoundError(
    mac,
    `it did not answer discovery within ${Math.round(wait / 1000)} s of pairing. If its LED ` +
      "is steady it joined: check that this computer is on the same network (after AP mode, " +
      "reconnect to your Wi-Fi) and try 's20 discover'. If it still blinks it could not join: " +
      "check the network name and key, move it closer to the access point and pair again",
  );
}
