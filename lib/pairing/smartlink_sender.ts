/**
 * Smartlink pairing (docs/protocol.md#smartlink), the sending side: the password as datagram
 * lengths broadcast to UDP 49999, paced on a clock, repeated until the socket announces itself with
 * `smart_config <MAC>` or the time is up.
 */
import { NetworkError } from "../errors.ts";
import type { Mac } from "../protocol/mac.ts";
import { type Clock, sleep, systemClock } from "../time/clock.ts";
import { ipv4Interfaces } from "../transport/interfaces.ts";
import { isLoopback } from "../transport/ipv4.ts";
import type { DatagramTransport, NetAddress } from "../transport/types.ts";
import { listenUdp } from "../transport/udp.ts";
import { PairingError } from "./errors.ts";
import type { PairingStep } from "./pairing_step.ts";
import {
  encodeSmartlink,
  SMARTLINK_PORT,
  type SmartlinkEncodeOptions,
  smartlinkPayload,
  type SmartlinkSequence,
} from "./smartlink.ts";
import { decodeSmartlinkAnnouncement } from "./smartlink_announce.ts";
import type { WifiKey } from "./wifi_key.ts";
import { formatAddress } from "../util/address.ts";

/**
 * Options for {@linkcode pairSmartlink}.
 *
 * @example One network, a shorter wait
 * ```ts
 * import type { SmartlinkPairingOptions } from "@s20/s20/pairing";
 *
 * const options: SmartlinkPairingOptions = {
 *   to: [{ hostname: "192.168.1.255", port: 49999 }],
 *   timeout: 30_000,
 * };
 * ```
 */
export interface SmartlinkPairingOptions {
  /**
   * Where the datagrams go: the broadcast address of the network the socket should join, port
   * 49999 (docs/protocol.md#smartlink).
   *
   * @default {the broadcast address of every non-loopback IPv4 interface (255.255.255.255 if
   *   there is none), port 49999}
   */
  readonly to?: readonly NetAddress[];
  /**
   * Local address and port: datagrams leave from it and the announcement, which the socket
   * broadcasts to port 49999, arrives on it (the SDK and the WiWo app use 49999 too).
   *
   * @default {{ hostname: "0.0.0.0", port: 49999 }}
   */
  readonly bind?: NetAddress;
  /**
   * A bound transport to use instead of binding; it is taken over and closed at the end.
   *
   * @default {undefined (bind `bind`)}
   */
  readonly transport?: DatagramTransport;
  /**
   * Counts and pacing of the sequence.
   *
   * @default {{} (200 preamble datagrams, 5 cycles, the spacing of capture c2)}
   */
  readonly encode?: SmartlinkEncodeOptions;
  /**
   * Give up after this many milliseconds of `clock` with a `TIMEOUT` error. The WiWo app in
   * capture c2 was answered ~13 s after it started.
   *
   * @default {60000}
   */
  readonly timeout?: number;
  /**
   * Paces the datagrams and measures the timeout.
   *
   * @default {systemClock}
   */
  readonly clock?: Clock;
  /** Stops sending; the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Called when sending starts, at each new round and when the announcement is heard. Details
   * hold counts, never lengths or the password.
   *
   * @default {undefined}
   */
  readonly onStep?: (step: PairingStep) => void;
}

/**
 * The socket that announced itself after smartlink.
 *
 * @example
 * ```ts
 * import type { SmartlinkPairingResult } from "@s20/s20/pairing";
 *
 * const line = (r: SmartlinkPairingResult) => `${r.mac} at ${r.ip} after ${r.rounds} round(s)`;
 * ```
 */
export interface SmartlinkPairingResult {
  /** The MAC from `smart_config <MAC>`. */
  readonly mac: Mac;
  /** The address the announcement came from: the socket's address on the network. */
  readonly ip: string;
  /** How many times the whole sequence was started. */
  readonly rounds: number;
}

/** Datagrams sent back to back (no pause in the sequence) before yielding to the event loop. */
const BURST = 16;

function defaultDestinations(): NetAddress[] {
  const broadcasts = new Set(
    ipv4Interfaces().filter((i) => !isLoopback(i.address)).map((i) => i.broadcast),
  );
  if (broadcasts.size === 0) broadcasts.add("255.255.255.255");
  return [...broadcasts].map((hostname) => ({ hostname, port: SMARTLINK_PORT }));
}

const show = formatAddress;

/**
 * Pairs a socket in smartlink mode (LED blinking red rapidly) with the network this computer is on:
 * sends the password as the datagram lengths of docs/protocol.md#smartlink (preamble 76 ×200, then
 * cycles of start marker, one datagram per character, end marker and checksum), starting over until
 * the socket broadcasts `smart_config <MAC>` to port 49999 or `timeout` passes. Only the password
 * is sent; the socket joins the network whose air carries the pattern.
 *
 * Anyone nearby who captures the traffic can read the password from the lengths.
 *
 * @example Pair an emulated socket on loopback, with quick pacing
 * ```ts
 * import { listenUdp } from "@s20/s20/transport";
 * import { pairSmartlink } from "@s20/s20/pairing";
 * import { startSmartlinkListener } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * const phone = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * await using socket = startSmartlinkListener({
 *   mac: "accf2335e6aa",
 *   ip: "127.0.0.1",
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   announceFrom: { hostname: "127.0.0.1", port: 0 },
 *   announceTo: phone.local,
 *   announce: { bursts: 1 },
 * });
 * const paired = await pairSmartlink("correct horse", {
 *   transport: phone,
 *   to: [socket.local],
 *   encode: {
 *     preambleCount: 20, preambleSpacingMs: 1, markerSpacingMs: 1, charSpacingMs: 1,
 *     checksumPauseMs: 1, cyclePauseMs: 1,
 *   },
 *   timeout: 5000,
 * });
 * assert.equal(paired.mac, "ac:cf:23:35:e6:aa");
 * assert.equal(paired.ip, "127.0.0.1");
 * ```
 *
 * @param password The network's passphrase (8–63 printable ASCII characters or 64 hex digits),
 *   or `""` for an open network (untested on hardware, docs/protocol.md#open-questions Q13).
 * @param options Destinations, pacing, timeout, progress and cancellation.
 * @returns The MAC and address the socket announced.
 * @throws {PairingError} `INVALID_KEY` for a password smartlink cannot carry (nothing is sent);
 *   `TIMEOUT` when no announcement came in time.
 * @throws {NetworkError} When no destination can be sent to.
 * @throws {RangeError} For an out-of-range timeout or pacing option.
 */
export async function pairSmartlink(
  password: string | WifiKey,
  options: SmartlinkPairingOptions = {},
): Promise<SmartlinkPairingResult> {
  const { encode = {}, timeout = 60_000, clock = systemClock, signal, onStep } = options;
  let sequence: SmartlinkSequence;
  let destinations: NetAddress[];
  try {
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new RangeError(`Cannot pair: timeout must be > 0 ms, got ${timeout}`);
    }
    sequence = encodeSmartlink(password, encode);
    signal?.throwIfAborted();
    destinations = [...(options.to ?? defaultDestinations())];
    if (destinations.length === 0) {
      throw new RangeError("Cannot pair: give at least one destination in `to`");
    }
  } catch (error) {
    options.transport?.close(); // taken over, so closed on every path
    throw error;
  }
  const bind = options.bind ?? { hostname: "0.0.0.0", port: SMARTLINK_PORT };
  const udp = options.transport ?? listenUdp({ hostname: bind.hostname, port: bind.port });

  const stop = new AbortController();
  let heard: { mac: Mac; ip: string } | null = null;
  let receiveError: unknown = null;
  const listening = (async () => {
    try {
      for await (const { data, from } of udp) {
        // Our own broadcasts come back here too; they are 0x05 filler and decode to null.
        const announcement = decodeSmartlinkAnnouncement(data);
        if (announcement?.kind === "smartConfig" && announcement.mac !== null) {
          heard = { mac: announcement.mac, ip: from.hostname };
          stop.abort();
          return;
        }
      }
    } catch (error) {
      receiveError = error;
      stop.abort();
    }
  })();
  const timer = clock.setTimer(() => stop.abort(), timeout);
  const until = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const report = (step: PairingStep) => onStep?.(step);
  let rounds = 0;
  try {
    report({
      name: "announcement",
      status: "start",
      detail: `listening on ${show(udp.local)} for the socket's smart_config announcement`,
      attempt: 1,
    });
    try {
      while (true) {
        rounds++;
        report({
          name: "smartlink",
          status: rounds === 1 ? "start" : "retry",
          detail: `${rounds === 1 ? "sending" : `round ${rounds}: sending`} ${sequence.count} ` +
            `datagrams (~${(sequence.durationMs / 1000).toFixed(1)} s) to ` +
            destinations.map(show).join(" and "),
          attempt: rounds,
        });
        let unpaced = 0;
        for (const packet of sequence) {
          if (packet.delayMs > 0) await sleep(clock, packet.delayMs, until);
          else if (++unpaced % BURST === 0) await sleep(clock, 0, until);
          until.throwIfAborted();
          await sendToAll(udp, destinations, smartlinkPayload(packet.length));
        }
        // The SDK starts over with the preamble until success or timeout
        // (docs/protocol.md#smartlink).
        await sleep(clock, encode.cyclePauseMs ?? 500, until);
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!stop.signal.aborted) throw error;
    }
    if (receiveError !== null) throw receiveError;
    if (heard === null) {
      throw new PairingError(
        "TIMEOUT",
        null,
        `No socket announced itself within ${Math.round(timeout / 1000)} s of smartlink ` +
          `(${rounds} round${rounds === 1 ? "" : "s"}): check that its LED blinks red rapidly ` +
          "(hold the button ~5 s), that this computer is on the 2.4 GHz network the socket " +
          "should join, and that the password is right; move closer to the access point and " +
          "try again, or pair in AP mode",
      );
    }
    const found: { mac: Mac; ip: string } = heard;
    report({
      name: "announcement",
      status: "done",
      detail: `smart_config ${found.mac} from ${found.ip}`,
      attempt: rounds,
    });
    return { ...found, rounds };
  } finally {
    timer.cancel();
    stop.abort();
    udp.close();
    await listening;
  }
}

/** Sends one payload to every destination; drops those the OS refuses, fails if none is left. */
async function sendToAll(
  udp: DatagramTransport,
  destinations: NetAddress[],
  payload: Uint8Array,
): Promise<void> {
  let lastError: NetworkError | null = null;
  for (const to of [...destinations]) {
    try {
      await udp.send(payload, to);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      lastError = error;
      destinations.splice(destinations.indexOf(to), 1);
    }
  }
  if (destinations.length === 0) {
    throw new NetworkError(
      `Cannot send smartlink datagrams: ${lastError?.message}; check that this computer is ` +
        "connected to the network the socket should join",
      { cause: lastError },
    );
  }
}
