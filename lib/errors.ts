/**
 * Errors callers are expected to catch, and the one table of their codes. Each error sets
 * `name`, carries the data a caller needs (MAC, command, attempts, address) and has a `code`
 * from {@linkcode ERROR_CODES}, which also gives the CLI's exit code and the daemon API's HTTP
 * status for it. Wrong arguments throw the built-in `TypeError`/`RangeError` instead (code
 * `INVALID_VALUE`); bad packets throw `DecodeError` (in the codec; code `INVALID_PACKET`).
 */
import { quoted } from "./util/quote.ts";
import { formatAddress } from "./util/address.ts";

/**
 * Every error code s20 reports: in `S20Error.code`, in the CLI's and the API's JSON
 * (`{"error":{"code","message",…}}`), with the CLI's exit code (1 failed, 2 bad input,
 * 3 not found) and the daemon API's HTTP status for it. The README lists them all (a test
 * keeps the two equal).
 *
 * @example Tell bad input from a failure
 * ```ts
 * import { ERROR_CODES, type ErrorCode } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const code: ErrorCode = "DEVICE_TIMEOUT";
 * assert.equal(ERROR_CODES[code].exit, 1);
 * assert.equal(ERROR_CODES[code].http, 504);
 * ```
 */
export const ERROR_CODES = {
  // Sockets and the network.
  DEVICE_TIMEOUT: {
    exit: 1,
    http: 504,
    summary:
      "a socket did not answer a command, after every attempt (`mac`, `command`, `attempts`)",
  },
  DEVICE_NOT_FOUND: {
    exit: 3,
    http: 404,
    summary: "no socket answered for a MAC, address or name (`target`)",
  },
  TIMER_NOT_FOUND: {
    exit: 3,
    http: 404,
    summary: "`s20 timers rm` named a timer the socket does not have",
  },
  AUTOMATION_NOT_FOUND: {
    exit: 3,
    http: 404,
    summary: "`s20 automations restart` named an automation the schedule does not have",
  },
  TIMER_ID_TAKEN: {
    exit: 1,
    http: 502,
    summary: "the socket holds a different timer with that id",
  },
  WRITE_NOT_APPLIED: {
    exit: 1,
    http: 502,
    summary: "a socket acknowledged a change but did not apply it",
  },
  NETWORK_ERROR: {
    exit: 1,
    http: 502,
    summary: "sending or receiving a datagram failed (no route, network down)",
  },
  PORT_IN_USE: { exit: 1, http: 502, summary: "another program owns the UDP port" },
  INVALID_PACKET: { exit: 2, http: 502, summary: "bytes that are not a well-formed S20 packet" },
  UNSUPPORTED_RUNTIME: {
    exit: 1,
    http: 502,
    summary: "the runtime lacks a feature s20 needs, such as Deno's unstable UDP API",
  },
  PERMISSION: { exit: 1, http: 502, summary: "Deno refused a permission s20 needs" },
  CLIENT_CLOSED: { exit: 1, http: 503, summary: "the client was closed while a call waited" },
  // Input a person or a script can fix.
  USAGE: { exit: 2, http: 400, summary: "a bad command line or request" },
  INVALID_VALUE: {
    exit: 2,
    http: 400,
    summary: "a value of the wrong type or out of range",
  },
  FILE_INVALID: {
    exit: 2,
    http: 422,
    summary: "a schedule or config file that is not a regular file, too large, or not UTF-8",
  },
  SCHEDULE_INVALID: {
    exit: 2,
    http: 422,
    summary: "a schedule file with errors (`issues`: each with file, line, column, message)",
  },
  // Pairing: settings the user can fix, then the Wi-Fi module's own outcomes.
  INVALID_SSID: { exit: 2, http: 400, summary: "a Wi-Fi network name the S20 cannot use" },
  INVALID_KEY: { exit: 2, http: 400, summary: "a Wi-Fi key the S20 cannot use" },
  UNSUPPORTED_SECURITY: {
    exit: 2,
    http: 400,
    summary: "a Wi-Fi security mode or cipher the S20 does not support",
  },
  NO_REPLY: {
    exit: 1,
    http: 502,
    summary: "the Wi-Fi module did not answer a pairing step (`step`)",
  },
  AT_ERROR: {
    exit: 1,
    http: 502,
    summary: "the Wi-Fi module refused a pairing step with `+ERR` (`step`, `atError`)",
  },
  TIMEOUT: { exit: 1, http: 504, summary: "no smartlink announcement came in time" },
  // The daemon, as its clients see it.
  DAEMON_UNAVAILABLE: {
    exit: 1,
    http: 502,
    summary: "no s20 daemon answers where one was expected, or it refused the token",
  },
  DAEMON_INSECURE: {
    exit: 1,
    http: 502,
    summary: "a daemon socket or token file that another user could use or could have made",
  },
  DAEMON_PROTOCOL: { exit: 1, http: 502, summary: "the daemon sent a malformed answer" },
  DAEMON_TIMEOUT: { exit: 1, http: 504, summary: "the daemon did not answer in time" },
  // The daemon, as it runs.
  DAEMON_RUNNING: {
    exit: 1,
    http: 502,
    summary: "another s20 daemon already serves at the socket path",
  },
  DAEMON_PATH_TAKEN: {
    exit: 1,
    http: 502,
    summary: "something that is not a socket is at the daemon's socket path",
  },
  DAEMON_STOPPING: { exit: 1, http: 503, summary: "the daemon is stopping" },
  STATE_UNREADABLE: {
    exit: 1,
    http: 502,
    summary: "the daemon state file can be neither read nor moved aside",
  },
  REQUEST_TIMEOUT: {
    exit: 1,
    http: 504,
    summary: "the daemon could not serve a request within its timeout",
  },
  // The daemon API's refusals.
  UNAUTHORIZED: { exit: 1, http: 401, summary: "a request without the daemon's token" },
  FORBIDDEN: {
    exit: 1,
    http: 403,
    summary: "a web request that changes something without its CSRF token, or from another origin",
  },
  MISDIRECTED: {
    exit: 1,
    http: 421,
    summary: "a request addressed to a host name, not the daemon's address (DNS rebinding)",
  },
  NOT_FOUND: { exit: 1, http: 404, summary: "no such API endpoint" },
  NO_SCHEDULE: { exit: 1, http: 404, summary: "a schedule endpoint of a daemon that runs none" },
  NOT_READY: { exit: 1, http: 503, summary: "the schedule is not loaded yet" },
  // Anything else: a bug, reported without detail.
  INTERNAL: { exit: 1, http: 500, summary: "an unexpected failure (a bug: please report it)" },
} as const satisfies Readonly<Record<string, ErrorCodeInfo>>;

/**
 * What {@linkcode ERROR_CODES} says of one code.
 *
 * @example
 * ```ts
 * import type { ErrorCodeInfo } from "@s20/s20";
 *
 * const info: ErrorCodeInfo = { exit: 3, http: 404, summary: "no socket answered" };
 * ```
 */
export interface ErrorCodeInfo {
  /** The CLI's exit code: 1 failed, 2 bad input, 3 not found. */
  readonly exit: 1 | 2 | 3;
  /** The daemon API's HTTP status. */
  readonly http: number;
  /** What it means, for the README. */
  readonly summary: string;
}

/**
 * One of the codes in {@linkcode ERROR_CODES}.
 *
 * @example
 * ```ts
 * import type { ErrorCode } from "@s20/s20";
 *
 * const code: ErrorCode = "DEVICE_NOT_FOUND";
 * ```
 */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Base class of every s20 error a caller may want to handle.
 *
 * @example Handle any s20 failure
 * ```ts
 * import { S20Error } from "@s20/s20";
 *
 * function describe(error: unknown): string {
 *   return error instanceof S20Error ? `${error.code}: ${error.message}` : String(error);
 * }
 * ```
 */
export class S20Error extends Error {
  /** A stable identifier for scripts and the JSON outputs, such as `DEVICE_TIMEOUT`. */
  readonly code: ErrorCode;

  /**
   * Creates the error.
   *
   * @param code Stable identifier, from {@linkcode ERROR_CODES}.
   * @param message What happened and what to do.
   * @param options The underlying cause, if any.
   */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "S20Error";
    this.code = code;
  }
}

/**
 * A socket did not answer a command, after every attempt.
 *
 * @example
 * ```ts
 * import { DeviceTimeoutError, Mac } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const error = new DeviceTimeoutError(Mac.parse("accf232419c0"), "dc", 5);
 * assert.match(error.message, /ac:cf:23:24:19:c0.*"dc".*5 attempts/);
 * ```
 */
export class DeviceTimeoutError extends S20Error {
  /** The socket. */
  readonly mac: string;
  /** The two-letter command that went unanswered. */
  readonly command: string;
  /** How many times it was sent. */
  readonly attempts: number;

  /**
   * Creates the error.
   *
   * @param mac The socket's MAC.
   * @param command The command sent.
   * @param attempts How many times it was sent.
   * @param options The underlying cause, if any.
   */
  constructor(mac: string, command: string, attempts: number, options?: ErrorOptions) {
    super(
      "DEVICE_TIMEOUT",
      `Socket ${mac} did not answer "${command}" after ${attempts} attempt${
        attempts === 1 ? "" : "s"
      }: check that it is powered and on this network`,
      options,
    );
    this.name = "DeviceTimeoutError";
    this.mac = mac;
    this.command = command;
    this.attempts = attempts;
  }
}

/**
 * No socket answered for a MAC, address or name.
 *
 * @example
 * ```ts
 * import { DeviceNotFoundError } from "@s20/s20";
 *
 * const error = new DeviceNotFoundError("desk", "no socket has this name");
 * ```
 */
export class DeviceNotFoundError extends S20Error {
  /** What was looked for, as the caller gave it. */
  readonly target: string;

  /**
   * Creates the error.
   *
   * @param target What was looked for.
   * @param detail Why it was not found and what to try.
   */
  constructor(target: string, detail = "no socket answered") {
    super("DEVICE_NOT_FOUND", `Cannot find socket ${quoted(target)}: ${detail}`);
    this.name = "DeviceNotFoundError";
    this.target = target;
  }
}

/**
 * Another program holds the UDP port.
 *
 * @example
 * ```ts
 * import { PortInUseError } from "@s20/s20";
 *
 * const error = new PortInUseError("0.0.0.0", 10000);
 * ```
 */
export class PortInUseError extends S20Error {
  /** The address we tried to bind. */
  readonly hostname: string;
  /** The port we tried to bind. */
  readonly port: number;

  /**
   * Creates the error.
   *
   * @param hostname The address.
   * @param port The port.
   * @param options The OS error.
   */
  constructor(hostname: string, port: number, options?: ErrorOptions) {
    super(
      "PORT_IN_USE",
      `Cannot listen on UDP ${formatAddress({ hostname, port })}: another program owns the port. ` +
        `Find it with "ss -ulpn 'sport = :${port}'" (or "lsof -iUDP:${port}"); stop it, ` +
        `use "s20 schedule run" or "s20 serve" and let other commands go through it, ` +
        `or listen on another address or port`,
      options,
    );
    this.name = "PortInUseError";
    this.hostname = hostname;
    this.port = port;
  }
}

/**
 * The runtime lacks a feature s20 needs, such as Deno's unstable UDP API.
 *
 * @example
 * ```ts
 * import { UnsupportedRuntimeError } from "@s20/s20";
 *
 * const error = new UnsupportedRuntimeError("Deno.listenDatagram is missing");
 * ```
 */
export class UnsupportedRuntimeError extends S20Error {
  /**
   * Creates the error.
   *
   * @param message What is missing and how to enable it.
   */
  constructor(message: string) {
    super("UNSUPPORTED_RUNTIME", message);
    this.name = "UnsupportedRuntimeError";
  }
}

/**
 * Sending or receiving a datagram failed at the OS level (no route, network down).
 *
 * @example
 * ```ts
 * import { NetworkError } from "@s20/s20";
 *
 * const error = new NetworkError("Cannot send to 192.0.2.9:10000: no route to host");
 * ```
 */
export class NetworkError extends S20Error {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The OS error.
   */
  constructor(message: string, options?: ErrorOptions) {
    super("NETWORK_ERROR", message, options);
    this.name = "NetworkError";
  }
}
