/**
 * Proof that a socket is at an address. Anyone on the LAN can send datagrams carrying a
 * socket's MAC, and no S20 reply carries anything a blind sender could not copy, except the
 * session that `hb` echoes (docs/protocol.md#keep-alive). So: subscribe there with `cl` (`hb` is echoed
 * to subscribers only), then send an `hb` with a fresh random session; only a device that sees
 * our datagrams to that address can send it back, from that address.
 */
import { DeviceTimeoutError } from "../errors.ts";
import type { Mac } from "../protocol/mac.ts";
import type { NetAddress } from "../transport/types.ts";
import type { Deadline } from "./deadline.ts";
import type { Endpoint } from "./endpoint.ts";
import { exchange } from "./exchange.ts";
import type { RttEstimator } from "./rtt.ts";

/** Sends of each request per round: enough to get through a lossy link. */
const ATTEMPTS = 3;
/** A second round covers a `cl` that was lost after a forged `cl` reply answered it. */
const ROUNDS = 2;
/** Commands sent less than ~6 ms after a `cl` are lost (glenpp; docs/protocol.md#pacing). */
export const PAUSE_AFTER_SUBSCRIBE_MS = 10;
/**
 * How long after a discovery probe its reply copies may still arrive (10 × 15 ms,
 * docs/protocol.md#discovery); a socket ignores commands while it sends them.
 */
export const BURST_QUIET_MS = 300;

/** What the proof needs from the client. */
export interface ProbeContext {
  readonly endpoint: Endpoint;
  readonly rtt: RttEstimator;
}

/**
 * Whether the socket `mac` answers at `address`, by a `cl` then an `hb` whose random session
 * comes back from there. `false` when it does not answer before the deadline.
 */
export async function answersAt(
  ctx: ProbeContext,
  mac: Mac,
  address: NetAddress,
  deadline: Deadline,
): Promise<boolean> {
  const common = { ...ctx, deadline, to: address, mac, maxAttempts: ATTEMPTS };
  try {
    const quiet = ctx.endpoint.lastProbeAt + BURST_QUIET_MS - performance.now();
    if (quiet > 0) await deadline.pause(quiet);
    for (let round = 0; round < ROUNDS; round++) {
      const subscribed = await exchange({
        ...common,
        message: { kind: "subscribe", mac },
        command: "cl",
        match: ({ message }) =>
          message.kind === "subscribeReply" && message.mac === mac ? true : undefined,
      });
      if (!subscribed) return false;
      await deadline.pause(PAUSE_AFTER_SUBSCRIBE_MS);
      const session = crypto.getRandomValues(new Uint32Array(1))[0]!;
      const echoed = await exchange({
        ...common,
        message: { kind: "heartbeat", mac, session },
        command: "hb",
        match: ({ message }) =>
          message.kind === "heartbeatReply" && message.mac === mac && message.session === session
            ? true
            : undefined,
      });
      if (echoed) return true;
    }
    return false;
  } catch (error) {
    if (error instanceof DeviceTimeoutError) return false;
    throw error;
  }
}
