/**
 * The AT requests of the S20's Hi-Flying HF-LPB100 module over UDP 48899
 * (docs/protocol.md#ap-mode): typed values, their bytes, and back. Pure: no I/O, no clock.
 *
 * Syntax, from the Hi-Flying family manuals (HF-A11x user manual V3.1 §4.2.1): a command is
 * `AT+<CMD>[=<para-1>,<para-2>…]<CR>`; no `=` means a query (or an action such as `AT+Z`); the
 * terminator may be CR or LF. The assist password and `+ok` come bare, one per datagram.
 */
import type { WifiSettings } from "./wifi_settings.ts";
import { WifiKey } from "./wifi_key.ts";

/** UDP port of the module's AT interface (docs/protocol.md#ap-mode). */
export const HF_AT_PORT = 48899;

/**
 * The network a socket opens in AP mode (blue LED) and its addresses (docs/protocol.md#ap-mode:
 * antevir, pfm, PathogenDavid, HankB `s20.go`, majordomo `join_network.php`).
 *
 * @example Where to send the assist password in AP mode
 * ```ts
 * import { AP_MODE, HF_AT_PORT } from "@s20/s20/pairing";
 *
 * const unicast = { hostname: AP_MODE.deviceIp, port: HF_AT_PORT };
 * const broadcast = { hostname: AP_MODE.broadcast, port: HF_AT_PORT };
 * ```
 */
export const AP_MODE = {
  /** Open network the socket creates. */
  ssid: "WiWo-S20",
  /** The socket's own address on it. */
  deviceIp: "10.10.100.254",
  /** The address its DHCP server gives the (first) client. */
  clientIp: "10.10.100.150",
  /** Subnet broadcast address. */
  broadcast: "10.10.100.255",
} as const;

/** The default assist ("search") password that makes a module answer `<ip>,<MAC>,<module>`. */
export const ASSIST_PASSWORD = "HF-A11ASSISTHREAD";

/**
 * Sent after the assist reply to enter command mode; the module does not answer it (node-orvibo:2).
 */
export const AT_MODE_ACK = "+ok";

/**
 * The HF family's `+ERR=<code>` values. Source: Hi-Flying's own manuals for other products of the
 * same module family (HF2111 GPRS serial server user manual, Table 5; Elfin-EG10 manual, "Error
 * Code" table before §2.4.2; both from Shanghai High-Flying Electronics); docs/protocol.md#ap-mode
 * gives only the reply shape. No S20 `+ERR` has been captured, so which code the S20 picks for
 * which mistake is our choice.
 */
export const AT_ERROR = {
  /** -1: the line is not `AT+…` at all. */
  INVALID_FORMAT: -1,
  /** -2: no such command. */
  INVALID_COMMAND: -2,
  /** -3: `=` where the command takes none, or the reverse. */
  INVALID_OPERATOR: -3,
  /** -4: wrong parameter count or value. */
  INVALID_PARAMETER: -4,
  /** -5: the command exists but may not be used now. */
  NOT_PERMITTED: -5,
} as const;

/**
 * One of the HF family's error codes.
 *
 * @example
 * ```ts
 * import { AT_ERROR, type AtErrorCode } from "@s20/s20/pairing";
 *
 * const code: AtErrorCode = AT_ERROR.INVALID_PARAMETER;
 * ```
 */
export type AtErrorCode = (typeof AT_ERROR)[keyof typeof AT_ERROR];

const ERROR_MEANINGS: Readonly<Record<AtErrorCode, string>> = {
  [-1]: "invalid command format",
  [-2]: "invalid command",
  [-3]: "invalid operator",
  [-4]: "invalid parameter",
  [-5]: "operation not permitted",
};

/**
 * What an `+ERR=<code>` means, per the family's table.
 *
 * @example
 * ```ts
 * import { atErrorMeaning } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * assert.equal(atErrorMeaning(-4), "invalid parameter");
 * assert.equal(atErrorMeaning(-9), null);
 * ```
 *
 * @param code The number after `+ERR=`.
 * @returns A short description, or `null` for a code outside the table.
 */
export function atErrorMeaning(code: number): string | null {
  return ERROR_MEANINGS[code as AtErrorCode] ?? null;
}

/**
 * A datagram a client sends to the AT port, as a typed value. `setKey` holds its key as a
 * {@linkcode WifiKey}, so logging a request never shows the key.
 *
 * @example The AP-mode sequence of docs/protocol.md#ap-mode
 * ```ts
 * import { type AtRequest, WifiKey } from "@s20/s20/pairing";
 *
 * const steps: AtRequest[] = [
 *   { kind: "assist", password: "HF-A11ASSISTHREAD" },
 *   { kind: "enterAtMode" },
 *   { kind: "setSsid", ssid: "home" },
 *   { kind: "setKey", auth: "WPA2PSK", encryption: "AES", key: new WifiKey("correct horse") },
 *   { kind: "setMode", mode: "STA" },
 *   { kind: "reboot" },
 * ];
 * ```
 */
export type AtRequest =
  /** `HF-A11ASSISTHREAD`, no terminator: asks every module that hears it for `<ip>,<MAC>,<module>`. */
  | { readonly kind: "assist"; readonly password: string }
  /** `+ok`, no terminator: enters command mode; no reply. */
  | { readonly kind: "enterAtMode" }
  /** `AT+WSSSID=<ssid>`: the network to join in station mode. */
  | { readonly kind: "setSsid"; readonly ssid: string }
  /** `AT+WSKEY=<auth>,<encry>,<key>` (`AT+WSKEY=OPEN,NONE` for an open network). */
  | {
    readonly kind: "setKey";
    readonly auth: string;
    readonly encryption: string;
    readonly key: WifiKey;
  }
  /** `AT+WMODE=STA|AP|APSTA`. */
  | { readonly kind: "setMode"; readonly mode: string }
  /** `AT+Z`: reboot; no reply. */
  | { readonly kind: "reboot" }
  /** `AT+<command>` without `=`: a query such as `AT+VER`; `command` `""` is the null command `AT+`. */
  | { readonly kind: "query"; readonly command: string }
  /** Any other `AT+<command>=<params>`. */
  | { readonly kind: "set"; readonly command: string; readonly params: readonly string[] };

/**
 * A datagram that is not a valid request, with the `+ERR` code a module would answer. It never
 * holds the raw text, which could contain a key.
 *
 * @example
 * ```ts
 * import { decodeAtRequest } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const request = decodeAtRequest(new TextEncoder().encode("ATWSSSID\r"));
 * assert.equal(request.kind, "malformed");
 * ```
 */
export interface AtMalformed {
  /** Discriminator. */
  readonly kind: "malformed";
  /** The code to answer with. */
  readonly error: AtErrorCode;
  /** What is wrong, in words. */
  readonly reason: string;
  /** The upper-case command name, when one could be read. */
  readonly command: string | null;
}

/**
 * Options for {@linkcode encodeAtRequest}.
 *
 * @example
 * ```ts
 * import type { AtEncodeOptions } from "@s20/s20/pairing";
 *
 * const likeHankB: AtEncodeOptions = { terminator: "\n" };
 * ```
 */
export interface AtEncodeOptions {
  /**
   * What ends an `AT+` line. Most tools use CR; HankB's uses LF, which also works
   * (docs/protocol.md#ap-mode).
   *
   * @default {"\r"}
   */
  readonly terminator?: "\r" | "\n" | "\r\n";
}

/**
 * Options for {@linkcode decodeAtRequest}.
 *
 * @example
 * ```ts
 * import type { AtDecodeOptions } from "@s20/s20/pairing";
 *
 * const custom: AtDecodeOptions = { assistPassword: "MY-ASSIST" };
 * ```
 */
export interface AtDecodeOptions {
  /**
   * The module's assist password (changeable with `AT+ASWD`).
   *
   * @default {"HF-A11ASSISTHREAD"}
   */
  readonly assistPassword?: string;
}

const COMMAND_NAME = /^[A-Z0-9]*$/;
const TOKEN = /^[A-Za-z0-9-]+$/;
const LINE_BREAK = /[\r\n]/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function checkParam(what: string, value: string, secret = false): void {
  if (typeof value !== "string") {
    throw new TypeError(`Cannot encode ${what}: expected a string`);
  }
  const quoted = secret ? "the key" : JSON.stringify(value);
  if (LINE_BREAK.test(value)) {
    throw new TypeError(`Cannot encode ${what}: ${quoted} contains a line break`);
  }
  if (value.includes(",")) {
    throw new TypeError(
      `Cannot encode ${what}: ${quoted} contains a comma, which would split the parameter`,
    );
  }
}

function checkCommand(command: string): string {
  const name = command.toUpperCase();
  if (!COMMAND_NAME.test(name)) {
    throw new TypeError(
      `Cannot encode AT command ${JSON.stringify(command)}: names are letters and digits`,
    );
  }
  return name;
}

function lineOf(request: Exclude<AtRequest, { kind: "assist" | "enterAtMode" }>): string {
  switch (request.kind) {
    case "setSsid":
      checkParam("AT+WSSSID", request.ssid);
      return `AT+WSSSID=${request.ssid}`;
    case "setKey": {
      if (!TOKEN.test(request.auth) || !TOKEN.test(request.encryption)) {
        throw new TypeError(
          `Cannot encode AT+WSKEY: auth ${JSON.stringify(request.auth)} and encryption ` +
            `${JSON.stringify(request.encryption)} must be words such as WPA2PSK and AES`,
        );
      }
      if (!(request.key instanceof WifiKey)) {
        throw new TypeError("Cannot encode AT+WSKEY: the key must be a WifiKey");
      }
      const key = request.key.reveal();
      checkParam("AT+WSKEY", key, true);
      // An open network takes no key: `AT+WSKEY=OPEN,NONE` (node-orvibo's table,
      // docs/protocol.md#ap-mode).
      const tail = key === "" ? "" : `,${key}`;
      return `AT+WSKEY=${request.auth.toUpperCase()},${request.encryption.toUpperCase()}${tail}`;
    }
    case "setMode":
      checkParam("AT+WMODE", request.mode);
      return `AT+WMODE=${request.mode.toUpperCase()}`;
    case "reboot":
      return "AT+Z";
    case "query":
      return `AT+${checkCommand(request.command)}`;
    case "set": {
      const name = checkCommand(request.command);
      for (const param of request.params) checkParam(`AT+${name}`, param);
      return `AT+${name}=${request.params.join(",")}`;
    }
  }
}

/**
 * Encodes a request as the bytes of one datagram: the assist password and `+ok` bare, every
 * `AT+` line followed by the terminator.
 *
 * @example Match glenpp's packets (observed packets glenpp:2, glenpp:4)
 * ```ts
 * import { encodeAtRequest, WifiKey } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const key = new WifiKey("password");
 * const bytes = encodeAtRequest({ kind: "setKey", auth: "WPA2PSK", encryption: "AES", key });
 * assert.equal(new TextDecoder().decode(bytes), "AT+WSKEY=WPA2PSK,AES,password\r");
 * assert.deepEqual(encodeAtRequest({ kind: "reboot" }), new Uint8Array([0x41, 0x54, 0x2b, 0x5a, 0x0d]));
 * ```
 *
 * @param request What to send.
 * @param options The line terminator.
 * @returns The datagram payload.
 * @throws {TypeError} If a parameter holds a line break or a comma, or a command name is not
 *   letters and digits. The message never quotes a key.
 */
export function encodeAtRequest(request: AtRequest, options: AtEncodeOptions = {}): Uint8Array {
  const { terminator = "\r" } = options;
  switch (request.kind) {
    case "assist":
      checkParam("the assist password", request.password);
      return encoder.encode(request.password);
    case "enterAtMode":
      return encoder.encode(AT_MODE_ACK);
    default:
      return encoder.encode(lineOf(request) + terminator);
  }
}

function malformed(error: AtErrorCode, reason: string, command: string | null): AtMalformed {
  return { kind: "malformed", error, reason, command };
}

/**
 * Parses one `AT+` line without its terminator. Used by {@linkcode decodeAtRequest} and by the
 * emulator, which splits datagrams into lines itself.
 *
 * @param line The line, such as `AT+WMODE=STA`.
 * @returns The request, or why it is malformed.
 */
export function decodeAtLine(line: string): AtRequest | AtMalformed {
  if (!/^AT\+/i.test(line)) {
    return malformed(AT_ERROR.INVALID_FORMAT, "a command starts with AT+", null);
  }
  const rest = line.slice(3);
  const equals = rest.indexOf("=");
  const name = (equals < 0 ? rest : rest.slice(0, equals)).toUpperCase();
  if (!COMMAND_NAME.test(name)) {
    return malformed(AT_ERROR.INVALID_FORMAT, "a command name is letters and digits", null);
  }
  if (equals < 0) {
    return name === "Z" ? { kind: "reboot" } : { kind: "query", command: name };
  }
  const text = rest.slice(equals + 1);
  switch (name) {
    case "WSSSID":
      if (text.includes(",")) {
        return malformed(AT_ERROR.INVALID_PARAMETER, "AT+WSSSID takes one parameter", name);
      }
      return { kind: "setSsid", ssid: text };
    case "WSKEY": {
      const params = text.split(",");
      // `OPEN,NONE` and antevir's `OPEN,NONE,` (empty key) are both seen
      // (docs/protocol.md#ap-mode).
      if (params.length === 2 || params.length === 3) {
        const [auth, encryption, key = ""] = params as [string, string, string?];
        return {
          kind: "setKey",
          auth: auth.toUpperCase(),
          encryption: encryption.toUpperCase(),
          key: new WifiKey(key),
        };
      }
      return malformed(
        AT_ERROR.INVALID_PARAMETER,
        `AT+WSKEY takes <auth>,<encry>,<key>, not ${params.length} parameters`,
        name,
      );
    }
    case "WMODE":
      return { kind: "setMode", mode: text.toUpperCase() };
    default:
      return { kind: "set", command: name, params: text.split(",") };
  }
}

/**
 * Decodes one datagram sent to the AT port: the assist password, `+ok`, or a single `AT+` line
 * ended by CR, LF or CR LF (a missing terminator is tolerated).
 *
 * @example Decode glenpp's SSID packet (observed packet glenpp:1)
 * ```ts
 * import { fromHex } from "@s20/s20";
 * import { decodeAtRequest } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const request = decodeAtRequest(fromHex("41542b5753535349443d6d79576972656c6573730d"));
 * assert.deepEqual(request, { kind: "setSsid", ssid: "myWireless" });
 * ```
 *
 * @param bytes The datagram payload.
 * @param options The assist password to recognise.
 * @returns The request, or an {@linkcode AtMalformed} with the code a module would answer.
 */
export function decodeAtRequest(
  bytes: Uint8Array,
  options: AtDecodeOptions = {},
): AtRequest | AtMalformed {
  const { assistPassword = ASSIST_PASSWORD } = options;
  const text = decoder.decode(bytes);
  if (text === assistPassword) return { kind: "assist", password: text };
  const line = text.replace(/(\r\n|\r|\n)$/, "");
  if (line === AT_MODE_ACK) return { kind: "enterAtMode" };
  if (LINE_BREAK.test(line)) {
    return malformed(AT_ERROR.INVALID_FORMAT, "one datagram holds more than one line", null);
  }
  return decodeAtLine(line);
}

/**
 * Whether a module answers the request. `+ok` and `AT+Z` get no reply (docs/protocol.md#ap-mode:
 * node-orvibo:2; antevir "AT+Z does not send any response"); everything else gets one.
 *
 * @example
 * ```ts
 * import { expectsReply } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * assert.equal(expectsReply({ kind: "reboot" }), false);
 * assert.equal(expectsReply({ kind: "setSsid", ssid: "home" }), true);
 * ```
 *
 * @param request The request.
 * @returns `false` for `enterAtMode` and `reboot`.
 */
export function expectsReply(request: AtRequest): boolean {
  return request.kind !== "enterAtMode" && request.kind !== "reboot";
}

/**
 * The request as text for logs and error messages, with the key replaced by `[redacted]` and
 * no terminator.
 *
 * @example
 * ```ts
 * import { describeAtRequest, WifiKey } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const key = new WifiKey("correct horse");
 * assert.equal(
 *   describeAtRequest({ kind: "setKey", auth: "WPA2PSK", encryption: "AES", key }),
 *   "AT+WSKEY=WPA2PSK,AES,[redacted]",
 * );
 * ```
 *
 * @param request The request.
 * @returns A one-line description.
 */
export function describeAtRequest(request: AtRequest | AtMalformed): string {
  switch (request.kind) {
    case "assist":
      return request.password;
    case "enterAtMode":
      return AT_MODE_ACK;
    case "setSsid":
      return `AT+WSSSID=${request.ssid}`;
    case "setKey":
      return `AT+WSKEY=${request.auth},${request.encryption}` +
        (request.key.isEmpty ? "" : ",[redacted]");
    case "setMode":
      return `AT+WMODE=${request.mode}`;
    case "reboot":
      return "AT+Z";
    case "query":
      return `AT+${request.command}`;
    case "set":
      return `AT+${request.command}=${request.params.join(",")}`;
    case "malformed":
      return `malformed AT request (${request.reason})`;
  }
}

/**
 * The six steps of AP-mode pairing (docs/protocol.md#ap-mode), in order: assist, `+ok`,
 * `AT+WSSSID`, `AT+WSKEY`, `AT+WMODE=STA`, `AT+Z`. Wait for a reply after each step for which
 * {@linkcode expectsReply} is true.
 *
 * @example
 * ```ts
 * import { apPairingRequests, describeAtRequest, validateWifiSettings } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const settings = validateWifiSettings({ ssid: "home", key: "correct horse" });
 * assert.deepEqual(apPairingRequests(settings).map(describeAtRequest), [
 *   "HF-A11ASSISTHREAD",
 *   "+ok",
 *   "AT+WSSSID=home",
 *   "AT+WSKEY=WPA2PSK,AES,[redacted]",
 *   "AT+WMODE=STA",
 *   "AT+Z",
 * ]);
 * ```
 *
 * @param settings Validated settings (see `validateWifiSettings`).
 * @returns The requests to send.
 */
export function apPairingRequests(settings: WifiSettings): readonly AtRequest[] {
  return [
    { kind: "assist", password: ASSIST_PASSWORD },
    { kind: "enterAtMode" },
    { kind: "setSsid", ssid: settings.ssid },
    { kind: "setKey", auth: settings.auth, encryption: settings.encryption, key: settings.key },
    { kind: "setMode", mode: "STA" },
    { kind: "reboot" },
  ];
}
