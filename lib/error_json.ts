/**
 * The JSON form of errors, shared by the CLI's `--json` output and the daemon API's bodies:
 * `{"error": {"code", "message", …details}}`. Codes are the `S20Error` codes; plain type and
 * range errors (bad values) are `INVALID_VALUE`, anything else `INTERNAL`.
 */
import { DeviceNotFoundError, DeviceTimeoutError, S20Error } from "./errors.ts";

/** Details that errors such as schedule files and pairing steps carry, kept in the JSON. */
export const ERROR_DETAILS = ["issues", "step", "atError"] as const;

/** The JSON form of an error. */
export function errorJson(error: unknown): { error: Record<string, unknown> } {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof S20Error
    ? error.code
    : error instanceof TypeError || error instanceof RangeError
    ? "INVALID_VALUE"
    : "INTERNAL";
  const details: Record<string, unknown> = {};
  if (error instanceof DeviceTimeoutError) {
    Object.assign(details, { mac: error.mac, command: error.command, attempts: error.attempts });
  }
  // A target is echoed only while it is short: the message already quotes it, cut.
  if (error instanceof DeviceNotFoundError && error.target.length <= 256) {
    details.target = error.target;
  }
  for (const key of ERROR_DETAILS) {
    const value = (error as Record<string, unknown> | null)?.[key];
    if (value !== undefined && value !== null) details[key] = value;
  }
  return { error: { code, message, ...details } };
}
