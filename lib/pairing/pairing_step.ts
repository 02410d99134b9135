/** Progress of the pairing client, reported through `onStep` (library code never prints). */

/**
 * The steps of pairing, in the order they happen.
 *
 * AP mode and `changeWifi` (docs/protocol.md#ap-mode): `find` (assist password), `command-mode`
 * (`+ok`), `ssid`, `key`, `mode` (`AT+WMODE=STA`), `reboot` (`AT+Z`). Smartlink
 * (docs/protocol.md#smartlink): `smartlink` (sending the lengths; one retry per new round) and
 * `announcement`. After pairing: `locate`, `clock`, `timezone`, `rename`.
 *
 * @example
 * ```ts
 * import type { PairingStepName } from "@s20/s20/pairing";
 *
 * const name: PairingStepName = "key";
 * ```
 */
export type PairingStepName =
  | "find"
  | "command-mode"
  | "ssid"
  | "key"
  | "mode"
  | "reboot"
  | "smartlink"
  | "announcement"
  | "locate"
  | "clock"
  | "timezone"
  | "rename";

/**
 * One progress report: a step starts, is tried again, or is done.
 *
 * @example Print progress as it happens
 * ```ts
 * import type { PairingStep } from "@s20/s20/pairing";
 *
 * const lines: string[] = [];
 * const onStep = (step: PairingStep) =>
 *   lines.push(`${step.status === "done" ? "ok" : "..."} ${step.detail}`);
 * onStep({ name: "ssid", status: "done", detail: "AT+WSSSID=home: +ok", attempt: 1 });
 * ```
 */
export interface PairingStep {
  /** Which step. */
  readonly name: PairingStepName;
  /** `start` before the first try, `retry` before each further try, `done` on success. */
  readonly status: "start" | "retry" | "done";
  /** What is being sent or what came back, in words; never the key. */
  readonly detail: string;
  /** 1 for the first try. */
  readonly attempt: number;
}
