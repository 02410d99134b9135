/** The error pairing code throws for settings a user can fix. */
import { S20Error } from "../errors.ts";

/**
 * Why pairing failed. Input the user can fix: `INVALID_SSID`, `INVALID_KEY`,
 * `UNSUPPORTED_SECURITY`. The pairing client's own outcomes (docs/protocol.md#pairing): `NO_REPLY`
 * (the module did not answer a step, every attempt), `AT_ERROR` (it answered `+ERR`), `TIMEOUT`
 * (no smartlink announcement in time).
 *
 * @example
 * ```ts
 * import type { PairingErrorCode } from "@s20/s20/pairing";
 *
 * const code: PairingErrorCode = "INVALID_KEY";
 * ```
 */
export type PairingErrorCode =
  | "INVALID_SSID"
  | "INVALID_KEY"
  | "UNSUPPORTED_SECURITY"
  | "NO_REPLY"
  | "AT_ERROR"
  | "TIMEOUT";

/**
 * Which setting a {@linkcode PairingError} is about.
 *
 * @example
 * ```ts
 * import type { PairingField } from "@s20/s20/pairing";
 *
 * const field: PairingField = "ssid";
 * ```
 */
export type PairingField = "ssid" | "key" | "auth" | "encryption";

/**
 * Wi-Fi settings that cannot be sent to an S20. The message says what is wrong and what to do;
 * it never contains the key, only facts about it (such as its length).
 *
 * @example Tell the user what to fix
 * ```ts
 * import { PairingError, validateWifiSettings } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * try {
 *   validateWifiSettings({ ssid: "home", key: "short" });
 *   assert.fail("expected a PairingError");
 * } catch (error) {
 *   assert.ok(error instanceof PairingError);
 *   assert.equal(error.code, "INVALID_KEY");
 *   assert.equal(error.field, "key");
 *   assert.ok(!error.message.includes("short"));
 * }
 * ```
 */
export class PairingError extends S20Error {
  /** The stable identifier. */
  declare readonly code: PairingErrorCode;
  /**
   * The setting at fault; `null` when none is (no reply, a timeout, `+ERR` to a step that
   * carries no setting).
   */
  readonly field: PairingField | null;
  /** The AT step that failed, as `describeAtRequest` shows it (key redacted); `null` otherwise. */
  readonly step: string | null;
  /** The number after `+ERR=` for `AT_ERROR`; `null` otherwise or for a bare `+ERR`. */
  readonly atError: number | null;

  /**
   * Creates the error.
   *
   * @param code Stable identifier.
   * @param field The setting at fault, or `null`.
   * @param message What is wrong and what to do; must not contain the key.
   * @param options The underlying cause, and for client failures the AT step and `+ERR` code.
   */
  constructor(
    code: PairingErrorCode,
    field: PairingField | null,
    message: string,
    options?: ErrorOptions & { readonly step?: string; readonly atError?: number | null },
  ) {
    super(code, message, options);
    this.name = "PairingError";
    this.field = field;
    this.step = options?.step ?? null;
    this.atError = options?.atError ?? null;
  }
}
