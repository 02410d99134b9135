/** Numbers the daemon and its clients agree on. */

/** The API's version, the `/v1` of every path and `api` of `GET /v1/health`. */
export const API_VERSION = 1;

/**
 * How long beyond a call's own timeout the daemon may take over a request: the socket's queue
 * may hold other work first (a schedule sync, other clients' calls).
 */
export const QUEUE_ALLOWANCE_MS = 2000;

/** How long beyond the daemon's deadline a client waits before it gives up on the daemon. */
export const CLIENT_MARGIN_MS = 2000;

/** The longest timeout or deadline a request may ask for. */
export const MAX_TIMEOUT_MS = 600_000;

/** The header that sets a request's deadline in milliseconds. */
export const DEADLINE_HEADER = "x-s20-deadline";

/** The default timeout of a socket call, as a direct client's. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** The largest request head (request line and headers) taken; past it the answer is 431. */
export const MAX_HEAD_BYTES = 16 * 1024;

/**
 * How many connections each listener of the daemon holds, and how long a connection may take.
 *
 * @example A daemon that gives slow clients two seconds
 * ```ts
 * import type { ConnectionLimits } from "@s20/s20/api";
 *
 * const limits: Partial<ConnectionLimits> = { headerTimeoutMs: 2000 };
 * ```
 */
export interface ConnectionLimits {
  /**
   * Connections open at once on one listener (the Unix socket and TCP each have their own).
   * At the cap, new connections wait in the kernel's backlog until one goes or the one that
   * has waited longest (a second or more) without sending a request head is closed to make
   * room. Never more than a quarter of the process's descriptor limit.
   *
   * @default {512}
   */
  readonly maxConnections: number;
  /**
   * Milliseconds a connection has to send its whole request head, from its first byte (from
   * being accepted, for a new one). Past it the connection is closed.
   *
   * @default {10000}
   */
  readonly headerTimeoutMs: number;
  /**
   * Milliseconds a connection may sit between requests, or between bytes of a request body,
   * before it is closed. Answers (event streams) are not timed.
   *
   * @default {60000}
   */
  readonly idleTimeoutMs: number;
}

/** The limits of {@linkcode ConnectionLimits} when none are given. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 512,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
};

/**
 * The process's soft limit of open descriptors (`/proc/self/limits`), or `null` where it
 * cannot be read.
 */
export function descriptorLimit(): number | null {
  try {
    const limits = Deno.readTextFileSync("/proc/self/limits");
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    return soft === undefined || soft === "unlimited" ? null : Number(soft);
  } catch {
    return null;
  }
}

/**
 * The limits a listener works with: the defaults overridden by `given`, the cap held to a
 * quarter of `descriptors` so that a flood of one listener leaves descriptors for the other,
 * for UDP and for files.
 */
export function connectionLimits(
  given: Partial<ConnectionLimits> = {},
  descriptors: number | null = descriptorLimit(),
): ConnectionLimits {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...given };
  const share = descriptors === null ? Infinity : Math.max(4, Math.floor(descriptors / 4));
  return { ...limits, maxConnections: Math.min(limits.maxConnections, share) };
}
