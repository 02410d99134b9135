/**
 * Errors as JSON and back, the one place for both: the CLI's `--json` output and the daemon
 * API's bodies are `{"error": {"code", "message", …details}}`, and the `DaemonClient` rebuilds
 * from them the very errors a direct client throws. Codes come from `ERROR_CODES`: an
 * `S20Error` has its own, a `DecodeError` is `INVALID_PACKET`, plain type and range errors (bad
 * values) are `INVALID_VALUE`, anything else `INTERNAL`.
 */
import {
  DeviceNotFoundError,
  DeviceTimeoutError,
  ERROR_CODES,
  type ErrorCode,
  NetworkError,
  S20Error,
} from "./errors.ts";
import { quoted } from "./util/quote.ts";

/** The JSON form of an error. */
export interface ErrorJson {
  readonly error: { readonly code: ErrorCode; readonly message: string } & Record<string, unknown>;
}

/** Details that errors such as schedule files and pairing steps carry, kept in the JSON. */
const ERROR_DETAILS = ["issues", "step", "atError"] as const;

/** The code of any error, thrown by s20 or not. */
export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof S20Error) return error.code;
  // This module sits below the codec, so a DecodeError is known by the code it carries.
  if (error instanceof SyntaxError && (error as { code?: unknown }).code === "INVALID_PACKET") {
    return "INVALID_PACKET";
  }
  if (error instanceof TypeError || error instanceof RangeError) return "INVALID_VALUE";
  return "INTERNAL";
}

/**
 * The JSON form of an error: `{"error": {"code", "message", …details}}`.
 *
 * @param error Any error.
 * @param message The message, when the caller words it its own way (the CLI does schedules').
 */
export function errorJson(
  error: unknown,
  message = error instanceof Error ? error.message : String(error),
): ErrorJson {
  const details: Record<string, unknown> = {};
  if (error instanceof DeviceTimeoutError) {
    Object.assign(details, { mac: error.mac, command: error.command, attempts: error.attempts });
  }
  // A target is echoed only while it is short: the message already quotes it, cut.
  if (error instanceof DeviceNotFoundError && error.target.length <= 256) {
    details.target = error.target;
  }
  if (error instanceof S20Error) {
    for (const key of ERROR_DETAILS) {
      const value = (error as unknown as Record<string, unknown>)[key];
      if (value !== undefined && value !== null) details[key] = value;
    }
  }
  return { error: { code: errorCodeOf(error), message, ...details } };
}

/**
 * An error as the API's body: the JSON form plus the error's class name, so a client can
 * rebuild a `RangeError` as a `RangeError`.
 */
export function errorBody(error: unknown): ErrorJson {
  const body = errorJson(error);
  const name = error instanceof Error ? error.name : "Error";
  return { error: { ...body.error, name } };
}

/** A malformed answer from the daemon (a version mismatch or a bug), never the user's fault. */
export function daemonProtocolError(what: string): S20Error {
  return new S20Error("DAEMON_PROTOCOL", `The s20 daemon sent a malformed ${what}`);
}

/** How an error with a code is rebuilt from its JSON; codes not listed become an `S20Error`. */
const REBUILD: Partial<
  Record<ErrorCode, (json: Record<string, unknown>, message: string) => Error>
> = {
  DEVICE_TIMEOUT: (e) =>
    new DeviceTimeoutError(String(e.mac), String(e.command), Number(e.attempts)),
  DEVICE_NOT_FOUND: (e, message) => {
    // A long target is not echoed (above): the message, cut, is all there is.
    if (typeof e.target !== "string") return new S20Error("DEVICE_NOT_FOUND", message);
    const target = e.target;
    const prefix = `Cannot find socket ${quoted(target)}: `;
    return new DeviceNotFoundError(
      target,
      message.startsWith(prefix) ? message.slice(prefix.length) : message,
    );
  },
  INVALID_VALUE: (e, message) =>
    e.name === "RangeError" ? new RangeError(message) : new TypeError(message),
  // The daemon's usage errors are bad values given to the library (a request body).
  USAGE: (_e, message) => new TypeError(message),
  NETWORK_ERROR: (_e, message) => new NetworkError(message),
};

/**
 * Rebuilds the error a direct client would have thrown from its JSON form (an API error body).
 * A code this version does not know (from a newer daemon) is a `DAEMON_PROTOCOL` error that
 * quotes it.
 */
export function errorFromJson(value: unknown): Error {
  const body = value !== null && typeof value === "object"
    ? (value as { error?: unknown }).error
    : undefined;
  if (body === null || typeof body !== "object") return daemonProtocolError("error");
  const e = body as Record<string, unknown>;
  const code = typeof e.code === "string" ? e.code : "INTERNAL";
  const message = typeof e.message === "string" ? e.message : "The s20 daemon failed";
  if (!Object.hasOwn(ERROR_CODES, code)) {
    return new S20Error(
      "DAEMON_PROTOCOL",
      `The s20 daemon answered with error code ${code}, which this s20 does not know: ${message}`,
    );
  }
  const rebuild = REBUILD[code as ErrorCode];
  if (rebuild) return rebuild(e, message);
  const error = new S20Error(code as ErrorCode, message);
  for (const key of ERROR_DETAILS) {
    if (e[key] !== undefined) Object.assign(error, { [key]: e[key] });
  }
  return error;
}
