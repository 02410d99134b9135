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
