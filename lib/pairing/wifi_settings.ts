/**
 * Validation of the Wi-Fi settings an S20 can be given (docs/protocol.md#pairing). Every message
 * says what is wrong without quoting the key.
 */
import { PairingError } from "./errors.ts";
import { WifiKey } from "./wifi_key.ts";

/**
 * Authentication modes the S20 can be configured for through `AT+WSKEY` (docs/protocol.md#ap-mode;
 * node-orvibo's table). `SHARED` (WEP) is refused by {@linkcode validateWifiSettings}.
 *
 * @example
 * ```ts
 * import type { WifiAuth } from "@s20/s20/pairing";
 *
 * const auth: WifiAuth = "WPA2PSK";
 * ```
 */
export type WifiAuth = "OPEN" | "WPAPSK" | "WPA2PSK";

/**
 * Ciphers that go with {@linkcode WifiAuth}: `NONE` for open networks, `TKIP` or `AES` for WPA.
 *
 * @example
 * ```ts
 * import type { WifiEncryption } from "@s20/s20/pairing";
 *
 * const encryption: WifiEncryption = "AES";
 * ```
 */
export type WifiEncryption = "NONE" | "TKIP" | "AES";

/**
 * Wi-Fi settings as a user gives them, before {@linkcode validateWifiSettings}.
 *
 * @example
 * ```ts
 * import type { WifiSettingsInput } from "@s20/s20/pairing";
 *
 * const home: WifiSettingsInput = { ssid: "home", key: "correct horse battery" };
 * const guest: WifiSettingsInput = { ssid: "guest" };
 * ```
 */
export interface WifiSettingsInput {
  /** Network name: 1–32 bytes of UTF-8, no control characters and (for AT commands) no comma. */
  readonly ssid: string;
  /**
   * WPA passphrase (8–63 printable ASCII characters) or PSK (64 hex digits); empty or absent for
   * an open network.
   *
   * @default {""}
   */
  readonly key?: string | WifiKey;
  /**
   * `OPEN`, `WPAPSK` or `WPA2PSK` (case and `-`/`_` are ignored; `WPA`/`WPA2` also work).
   *
   * @default {"WPA2PSK" with a key, "OPEN" without}
   */
  readonly auth?: string;
  /**
   * `NONE`, `TKIP` or `AES` (`CCMP` means `AES`).
   *
   * @default {"AES" with a key, "NONE" without}
   */
  readonly encryption?: string;
}

/**
 * Validated Wi-Fi settings. Frozen; the key is a {@linkcode WifiKey}, so logging or serialising
 * the object shows `[redacted]` in its place.
 *
 * @example
 * ```ts
 * import { validateWifiSettings, type WifiSettings } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const settings: WifiSettings = validateWifiSettings({ ssid: "home", key: "correct horse" });
 * assert.equal(
 *   JSON.stringify(settings),
 *   '{"ssid":"home","auth":"WPA2PSK","encryption":"AES","key":"[redacted]"}',
 * );
 * ```
 */
export interface WifiSettings {
  /** Network name. */
  readonly ssid: string;
  /** Authentication mode. */
  readonly auth: WifiAuth;
  /** Cipher. */
  readonly encryption: WifiEncryption;
  /** The key; empty for `OPEN`. */
  readonly key: WifiKey;
}

/** Longest SSID, in bytes (IEEE 802.11). */
export const MAX_SSID_BYTES = 32;
/**
 * WPA passphrase limits and the raw-PSK form (IEEE 802.11i; docs/protocol.md#ap-mode via
 * node-orvibo).
 */
const MIN_PASSPHRASE = 8;
const MAX_PASSPHRASE = 63;
const PSK_HEX_DIGITS = 64;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const HEX = /^[0-9a-fA-F]*$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

const SMARTLINK_HINT = "pair with smartlink instead, which sends neither the SSID nor commas " +
  "as text";

function normalise(text: string): string {
  return text.trim().toUpperCase().replace(/[-_\s]/g, "");
}

function describeKeyLength(length: number): string {
  return `${length} character${length === 1 ? "" : "s"}`;
}

function authOf(text: string): WifiAuth {
  const name = normalise(text);
  switch (name) {
    case "OPEN":
    case "NONE":
      return "OPEN";
    case "WPA":
    case "WPAPSK":
      return "WPAPSK";
    case "WPA2":
    case "WPA2PSK":
      return "WPA2PSK";
    case "SHARED":
    case "WEP":
      throw wepError("auth");
    case "WPA3":
    case "WPA3PSK":
    case "SAE":
      throw new PairingError(
        "UNSUPPORTED_SECURITY",
        "auth",
        `Cannot use ${JSON.stringify(text)}: the S20's HF-LPB100 module predates WPA3; ` +
          `give the socket a WPA2-PSK network (many routers offer a WPA2/WPA3 mixed mode)`,
      );
    default:
      throw new PairingError(
        "UNSUPPORTED_SECURITY",
        "auth",
        `Cannot use authentication ${JSON.stringify(text)}: use OPEN, WPAPSK or WPA2PSK`,
      );
  }
}

function encryptionOf(text: string): WifiEncryption {
  const name = normalise(text);
  switch (name) {
    case "NONE":
      return "NONE";
    case "TKIP":
      return "TKIP";
    case "AES":
    case "CCMP":
      return "AES";
    case "WEP":
    case "WEPH":
    case "WEPA":
      throw wepError("encryption");
    case "TKIPAES":
      // Other HF modules accept TKIPAES (docs/protocol.md#ap-mode); nobody has shown the S20 does.
      throw new PairingError(
        "UNSUPPORTED_SECURITY",
        "encryption",
        `Cannot use encryption "TKIPAES": it is not known to work on the S20; use AES, ` +
          `which a mixed TKIP/AES network also accepts`,
      );
    default:
      throw new PairingError(
        "UNSUPPORTED_SECURITY",
        "encryption",
        `Cannot use encryption ${JSON.stringify(text)}: use NONE (open network), TKIP or AES`,
      );
  }
}

function wepError(field: "auth" | "encryption"): PairingError {
  return new PairingError(
    "UNSUPPORTED_SECURITY",
    field,
    "Cannot use WEP: it is broken, and pairing an S20 with a WEP network has never been shown " +
      "to work (docs/protocol.md#open-questions, Q13); switch the network to WPA2-PSK with AES",
  );
}

/**
 * Checks an SSID for `AT+WSSSID`.
 *
 * Commas are refused: the HF AT syntax separates parameters with commas
 * (`AT+<CMD>=<para-1>,<para-2>…`, HF-A11x user manual §4.2.1) and the S20's 2015 firmware has no
 * documented escape, so an SSID with a comma would arrive cut short or be rejected.
 */
function checkSsid(ssid: string): void {
  if (typeof ssid !== "string") {
    throw new PairingError("INVALID_SSID", "ssid", "Cannot use the SSID: it must be text");
  }
  const quoted = JSON.stringify(ssid);
  if (!ssid.isWellFormed()) {
    throw new PairingError(
      "INVALID_SSID",
      "ssid",
      `Cannot use SSID ${quoted}: it is not valid Unicode`,
    );
  }
  const bytes = new TextEncoder().encode(ssid).length;
  if (bytes < 1 || bytes > MAX_SSID_BYTES) {
    throw new PairingError(
      "INVALID_SSID",
      "ssid",
      `Cannot use SSID ${quoted}: an SSID is 1–${MAX_SSID_BYTES} bytes of UTF-8, this one has ${bytes}`,
    );
  }
  if (CONTROL.test(ssid)) {
    throw new PairingError(
      "INVALID_SSID",
      "ssid",
      `Cannot use SSID ${quoted}: it contains a control character (such as a line break), ` +
        `which would end the AT command early`,
    );
  }
  if (ssid.includes(",")) {
    throw new PairingError(
      "INVALID_SSID",
      "ssid",
      `Cannot use SSID ${quoted} in AP mode: the socket's AT interface splits parameters at ` +
        `commas; rename the network or ${SMARTLINK_HINT}`,
    );
  }
}

/** Checks a WPA key; `forAt` also refuses commas (see {@linkcode checkSsid}). */
function checkWpaKey(key: string, forAt: boolean): void {
  if (key.length === PSK_HEX_DIGITS) {
    if (!HEX.test(key)) {
      throw new PairingError(
        "INVALID_KEY",
        "key",
        `Cannot use the Wi-Fi key: a ${PSK_HEX_DIGITS}-character key is a raw PSK and must be ` +
          `hex digits only; a passphrase has at most ${MAX_PASSPHRASE} characters`,
      );
    }
    return;
  }
  if (key.length < MIN_PASSPHRASE || key.length > MAX_PASSPHRASE) {
    throw new PairingError(
      "INVALID_KEY",
      "key",
      `Cannot use the Wi-Fi key: a WPA key is ${MIN_PASSPHRASE}–${MAX_PASSPHRASE} printable ` +
        `ASCII characters or ${PSK_HEX_DIGITS} hex digits, this one has ` +
        describeKeyLength(key.length),
    );
  }
  if (!PRINTABLE_ASCII.test(key)) {
    throw new PairingError(
      "INVALID_KEY",
      "key",
      "Cannot use the Wi-Fi key: it contains a character outside printable ASCII (space to " +
        "'~'), which WPA passphrases cannot hold",
    );
  }
  if (forAt && key.includes(",")) {
    throw new PairingError(
      "INVALID_KEY",
      "key",
      "Cannot send the Wi-Fi key in AP mode: it contains a comma, which the socket's AT " +
        `interface takes as a parameter separator; ${SMARTLINK_HINT}`,
    );
  }
}

function keyText(key: string | WifiKey | undefined): string {
  if (key === undefined) return "";
  if (key instanceof WifiKey) return key.reveal();
  if (typeof key !== "string") {
    throw new PairingError("INVALID_KEY", "key", "Cannot use the Wi-Fi key: it must be text");
  }
  return key;
}

/**
 * Validates Wi-Fi settings for AP-mode pairing (`AT+WSSSID`, `AT+WSKEY`; docs/protocol.md#ap-mode).
 *
 * Rules: SSID 1–32 bytes of UTF-8 without control characters or commas; open networks
 * (`OPEN`,`NONE`, no key) or WPA/WPA2-PSK with TKIP or AES and a key of 8–63 printable ASCII
 * characters or exactly 64 hex digits, without commas. WEP, WPA3 and `TKIPAES` are refused with
 * the reason. Smartlink pairing has fewer limits; see {@linkcode validateSmartlinkPassword}.
 *
 * @example Validate what a user typed
 * ```ts
 * import { validateWifiSettings } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const settings = validateWifiSettings({ ssid: "home", key: "correct horse", auth: "wpa2-psk" });
 * assert.equal(settings.auth, "WPA2PSK");
 * assert.equal(settings.encryption, "AES");
 * assert.equal(settings.key.reveal(), "correct horse");
 *
 * assert.throws(() => validateWifiSettings({ ssid: "old", key: "0123456789", auth: "SHARED" }), {
 *   code: "UNSUPPORTED_SECURITY",
 * });
 * ```
 *
 * @param input The settings as given.
 * @returns Frozen, normalised settings.
 * @throws {PairingError} With code `INVALID_SSID`, `INVALID_KEY` or `UNSUPPORTED_SECURITY`.
 */
export function validateWifiSettings(input: WifiSettingsInput): WifiSettings {
  const key = keyText(input.key);
  checkSsid(input.ssid);
  const auth = authOf(input.auth ?? (key === "" ? "OPEN" : "WPA2PSK"));
  const encryption = encryptionOf(input.encryption ?? (auth === "OPEN" ? "NONE" : "AES"));
  if (auth === "OPEN") {
    if (encryption !== "NONE") {
      throw new PairingError(
        "UNSUPPORTED_SECURITY",
        "encryption",
        `Cannot combine OPEN with ${encryption}: an open network uses NONE (TKIP and AES go ` +
          `with WPAPSK or WPA2PSK)`,
      );
    }
    if (key !== "") {
      throw new PairingError(
        "INVALID_KEY",
        "key",
        "Cannot use a Wi-Fi key with an open network: leave the key empty, or set auth to " +
          "WPA2PSK",
      );
    }
  } else {
    if (encryption === "NONE") {
      throw new PairingError(
        "UNSUPPORTED_SECURITY",
        "encryption",
        `Cannot combine ${auth} with NONE: use TKIP or AES`,
      );
    }
    if (key === "") {
      throw new PairingError(
        "INVALID_KEY",
        "key",
        `Cannot use ${auth} without a key: give the network's passphrase`,
      );
    }
    checkWpaKey(key, true);
  }
  return Object.freeze({ ssid: input.ssid, auth, encryption, key: new WifiKey(key) });
}

/**
 * Validates a password for smartlink pairing (docs/protocol.md#smartlink). Smartlink sends only the
 * password, one datagram per character, so commas are fine and the SSID does not matter; the
 * password must be empty (open network, untested on hardware: Q13), 8–63 printable ASCII
 * characters, or 64 hex digits.
 *
 * @example
 * ```ts
 * import { validateSmartlinkPassword } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * assert.equal(validateSmartlinkPassword("comma,is,fine").length, 13);
 * assert.throws(() => validateSmartlinkPassword("short"), { code: "INVALID_KEY" });
 * ```
 *
 * @param password The network's passphrase, or `""` for an open network.
 * @returns The password as a {@linkcode WifiKey}.
 * @throws {PairingError} With code `INVALID_KEY`.
 */
export function validateSmartlinkPassword(password: string | WifiKey): WifiKey {
  const key = keyText(password);
  if (key !== "") checkWpaKey(key, false);
  return password instanceof WifiKey ? password : new WifiKey(key);
}
