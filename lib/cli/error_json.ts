/** The JSON form of errors, shared by every command and the daemon API. */
import { DeviceNotFoundError, DeviceTimeoutError, S20Error } from "../errors.ts";
import { UsageError } from "./usage_error.ts";

/** The JSON form of an error: `{"error": {"code", "message", …details}}`. */
export function errorJson(error: unknown): { error: Record<string, unknown> } {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof S20Error
    ? error.code
    : error instanceof UsageError
    ? "USAGE"
    : error instanceof TypeError || error instanceof RangeError
    ? "INVALID_VALUE"
    : "INTERNAL";
  const details: Record<string, unknown> = {};
  if (error instanceof DeviceTimeoutError) {
    Object.assign(details, { mac: error.mac, command: error.command, attempts: error.attempts });
  }
  if (error instanceof DeviceNotFoundError) details.target = error.target;
  // Schedule files, pairing steps: errors that carry structured detail keep it.
  for (const key of ["issues", "step", "atError"] as const) {
    const value = (error as Record<string, unknown> | null)?.[key];
    if (value !== undefined && value !== null) details[key] = value;
  }
  return { error: { code, message, ...details } };
}
