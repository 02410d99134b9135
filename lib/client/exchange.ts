/**
 * Request/reply over lossy UDP: register the matcher, send, wait one retransmission timeout, resend
 * with growing waits until the reply comes or the deadline passes
 * (docs/protocol.md#loss-and-duplicates: every command but a timer add is idempotent, so resending
 * is safe).
 */
import { DeviceTimeoutError } from "../errors.ts";
import type { Message } from "../protocol/messages.ts";
import type { NetAddress } from "../transport/types.ts";
import type { Deadline } from "./deadline.ts";
import type { Endpoint, Incoming } from "./endpoint.ts";
import type { RttEstimator } from "./rtt.ts";

/** Whether two addresses are the same host and port. */
export function sameAddress(a: NetAddress, b: NetAddress): boolean {
  return a.hostname === b.hostname && a.port === b.port;
}

/** Longest wait between two sends of one request. */
const MAX_WAIT_MS = 1000;
/**
 * Waits grow by half each resend, up to four timeouts (at least 250 ms): a lost datagram on a
 * LAN is not congestion, so waiting much longer only delays recovery.
 */
const BACKOFF = 1.5;

export interface ExchangeOptions<T> {
  readonly endpoint: Endpoint;
  readonly rtt: RttEstimator;
  readonly deadline: Deadline;
  readonly to: NetAddress;
  /** The request, or a function building it afresh for each send (a clock set must carry the time of sending). */
  readonly message: Message | (() => Message);
  /** For errors: whose reply and which command. */
  readonly mac: string;
  readonly command: string;
  /** Picks the reply out of everything received; `undefined` means "not this one". */
  readonly match: (incoming: Incoming) => T | undefined;
  /** Runs before each resend, e.g. to subscribe again. */
  readonly beforeResend?: (attempt: number) => Promise<void>;
  /** Stop after this many sends, returning `undefined` instead of throwing. */
  readonly maxAttempts?: number;
  /** Called just before each send (to time the round trip of the answered one). */
  readonly onSend?: () => void;
}

/**
 * Sends and resends until a matching reply; throws `DeviceTimeoutError` at the deadline, or
 * returns `undefined` after `maxAttempts` sends when that is given.
 */
export async function exchange<T>(
  options: ExchangeOptions<T> & { maxAttempts: number },
): Promise<T | undefined>;
export async function exchange<T>(options: ExchangeOptions<T>): Promise<T>;
export async function exchange<T>(options: ExchangeOptions<T>): Promise<T | undefined> {
  const { endpoint, rtt, deadline, to, message, match, beforeResend, maxAttempts } = options;
  let found: T | undefined;
  const waiter = endpoint.expect((incoming) => {
    // Anyone can send a datagram carrying the socket's MAC: only its address answers for it.
    if (!sameAddress(incoming.from, to)) return false;
    found = match(incoming);
    return found !== undefined;
  });
  let attempts = 0;
  try {
    let wait = rtt.timeoutMs;
    while (true) {
      deadline.check();
      if (attempts > 0 && beforeResend) await beforeResend(attempts);
      const sentAt = performance.now();
      attempts++;
      options.onSend?.();
      await endpoint.send(typeof message === "function" ? message() : message, to);
      const got = await deadline.race(waiter.promise, wait);
      if (got !== undefined) {
        if (attempts === 1) rtt.sample(performance.now() - sentAt);
        return found as T;
      }
      if (maxAttempts !== undefined && attempts >= maxAttempts) return undefined;
      if (deadline.remaining <= 0) break;
      wait = Math.min(wait * BACKOFF, Math.max(250, 4 * rtt.timeoutMs), MAX_WAIT_MS);
    }
  } finally {
    waiter.cancel();
  }
  throw new DeviceTimeoutError(options.mac, options.command, attempts);
}

/**
 * Waits for a message without sending anything; `undefined` when `ms` pass first. Given
 * `from`, only messages from that address count.
 */
export async function receive<T>(
  endpoint: Endpoint,
  deadline: Deadline,
  ms: number,
  match: (incoming: Incoming) => T | undefined,
  from?: NetAddress,
): Promise<T | undefined> {
  let found: T | undefined;
  const waiter = endpoint.expect((incoming) => {
    if (from && !sameAddress(incoming.from, from)) return false;
    found = match(incoming);
    return found !== undefined;
  });
  try {
    return (await deadline.race(waiter.promise, ms)) === undefined ? undefined : found;
  } finally {
    waiter.cancel();
  }
}
