/**
 * Replies from the HF-LPB100's AT interface (docs/protocol.md#ap-mode): `+ok[=value]`,
 * `+ERR=<code>`, the assist reply `<ip>,<MAC>,<module>`, and the values of a few queries. Pure.
 */
import { Mac } from "../protocol/mac.ts";
import { atErrorMeaning } from "./hf_at.ts";
import { WifiKey } from "./wifi_key.ts";

/**
 * A datagram from the AT port, as a typed value.
 *
 * An `ok` reply to an `AT+WSKEY` query carries the key as the module sends it
 * (`WPA2PSK,AES,<key>`): pass its value to {@linkcode parseKeyValue} and do not log it.
 *
 * @example
 * ```ts
 * import type { AtReply } from "@s20/s20/pairing";
 *
 * const replies: AtReply[] = [
 *   { kind: "ok", value: null },
 *   { kind: "ok", value: "HF-LPB100" },
 *   { kind: "error", code: -4, meaning: "invalid parameter" },
 * ];
 * ```
 */
export type AtReply =
  /** `<ip>,<MAC>,<module>`, the answer to the assist password. */
  | { readonly kind: "assist"; readonly ip: string; readonly mac: Mac; readonly module: string }
  /** `+ok` (value `null`) or `+ok=<value>`. */
  | { readonly kind: "ok"; readonly value: string | null }
  /** `+ERR=<code>`, or a bare `+ERR` (code `null`). */
  | { readonly kind: "error"; readonly code: number | null; readonly meaning: string | null }
  /** Anything else, kept as text. */
  | { readonly kind: "unknown"; readonly text: string };

const REPLY_END = "\r\n\r\n";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const ASSIST = /^(\d{1,3}(?:\.\d{1,3}){3}),([0-9A-Fa-f]{12})(?:,(.*))?$/s;
const OK = /^\+ok(?:=(.*))?$/is;
const ERR = /^\+ERR(?:=(.*))?$/is;

function isIpv4(text: string): boolean {
  return text.split(".").every((part) => Number(part) <= 255);
}

/**
 * Encodes a reply the way the module sends it: `+ok[=value]` and `+ERR=<code>` followed by
 * CR LF CR LF; the assist reply bare, with the MAC in upper case without separators.
 *
 * @example The reply PathogenDavid's tool compares exactly (observed packet PathogenDavid:1)
 * ```ts
 * import { Mac, toHex } from "@s20/s20";
 * import { encodeAtReply } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * assert.equal(toHex(encodeAtReply({ kind: "ok", value: null })), "2b6f6b0d0a0d0a");
 * const mac = Mac.parse("ac:cf:23:35:e6:aa");
 * const assist = encodeAtReply({ kind: "assist", ip: "10.10.100.254", mac, module: "HF-LPB100" });
 * assert.equal(new TextDecoder().decode(assist), "10.10.100.254,ACCF2335E6AA,HF-LPB100");
 * ```
 *
 * @param reply What to send.
 * @returns The datagram payload.
 */
export function encodeAtReply(reply: AtReply): Uint8Array {
  switch (reply.kind) {
    case "assist":
      return encoder.encode(`${reply.ip},${Mac.format(reply.mac, "upper-bare")},${reply.module}`);
    case "ok":
      return encoder.encode(`+ok${reply.value === null ? "" : `=${reply.value}`}${REPLY_END}`);
    case "error":
      return encoder.encode(`+ERR${reply.code === null ? "" : `=${reply.code}`}${REPLY_END}`);
    case "unknown":
      return encoder.encode(reply.text);
  }
}

/**
 * Decodes a datagram from the AT port. Tolerates every ending seen in the sources: CR LF CR LF,
 * LF LF (node-orvibo) and none at all (HankB's printed log). Never throws: text it does not
 * recognise comes back as `unknown`.
 *
 * @example The assist reply of an S20 on a LAN (openhab:1) and an AT+MID reply (HankB:9)
 * ```ts
 * import { fromHex } from "@s20/s20";
 * import { decodeAtReply } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const text = new TextEncoder().encode("192.168.9.13,ACCF23360902,HF-LPB100");
 * assert.deepEqual(decodeAtReply(text), {
 *   kind: "assist",
 *   ip: "192.168.9.13",
 *   mac: "ac:cf:23:36:09:02",
 *   module: "HF-LPB100",
 * });
 * assert.deepEqual(decodeAtReply(fromHex("2b6f6b3d48462d4c5042313030")), {
 *   kind: "ok",
 *   value: "HF-LPB100",
 * });
 * ```
 *
 * @param bytes The datagram payload.
 * @returns The reply.
 */
export function decodeAtReply(bytes: Uint8Array): AtReply {
  const text = decoder.decode(bytes);
  const body = text.replace(/^[\r\n]+/, "").replace(/[\r\n]+$/, "");
  const ok = OK.exec(body);
  if (ok) return { kind: "ok", value: ok[1] ?? null };
  const err = ERR.exec(body);
  if (err) {
    const code = err[1] !== undefined && /^-?\d+$/.test(err[1].trim())
      ? Number(err[1].trim())
      : null;
    return { kind: "error", code, meaning: code === null ? null : atErrorMeaning(code) };
  }
  const assist = ASSIST.exec(body);
  if (assist && isIpv4(assist[1]!)) {
    return {
      kind: "assist",
      ip: assist[1]!,
      mac: Mac.parse(assist[2]!),
      module: assist[3] ?? "",
    };
  }
  return { kind: "unknown", text };
}

/**
 * The security settings in the value of an `AT+WSKEY` query reply (`WPA2PSK,AES,<key>`).
 *
 * @example
 * ```ts
 * import { parseKeyValue } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseKeyValue("WPA2PSK,AES,correct horse");
 * assert.equal(parsed?.auth, "WPA2PSK");
 * assert.equal(parsed?.key.reveal(), "correct horse");
 * assert.equal(parseKeyValue("nonsense"), null);
 * ```
 *
 * @param value The text after `+ok=`.
 * @returns Auth, encryption and key (as a {@linkcode WifiKey}), or `null` if the value does not
 *   have that shape.
 */
export function parseKeyValue(
  value: string,
): { readonly auth: string; readonly encryption: string; readonly key: WifiKey } | null {
  const first = value.indexOf(",");
  if (first < 0) return null;
  const second = value.indexOf(",", first + 1);
  const auth = value.slice(0, first);
  const encryption = second < 0 ? value.slice(first + 1) : value.slice(first + 1, second);
  if (!/^[A-Za-z0-9-]+$/.test(auth) || !/^[A-Za-z0-9-]+$/.test(encryption)) return null;
  // The key is the rest of the line: it may itself hold commas.
  const key = second < 0 ? "" : value.slice(second + 1);
  return { auth, encryption, key: new WifiKey(key) };
}

/**
 * One access point in an `AT+WSCAN` reply (docs/protocol.md#ap-mode:
 * `Ch,SSID,BSSID,Security,Indicator`).
 *
 * @example
 * ```ts
 * import type { AtScanEntry } from "@s20/s20/pairing";
 *
 * const ap: AtScanEntry = {
 *   channel: 11, ssid: "hings-net", bssid: "14:75:90:79:20:87", security: "WPAPSKWPA2PSK/AES", indicator: 27,
 * };
 * ```
 */
export interface AtScanEntry {
  /** Wi-Fi channel. */
  readonly channel: number;
  /** Network name (may contain commas). */
  readonly ssid: string;
  /** Access point MAC, colon-separated. */
  readonly bssid: string;
  /** Security as the module prints it, such as `WPA2PSK/AES` or `OPEN/NONE`. */
  readonly security: string;
  /** Signal indicator, 0–100. */
  readonly indicator: number;
}

const SCAN_HEADER = "Ch,SSID,BSSID,Security,Indicator";

/**
 * Formats the value of an `AT+WSCAN` reply: a line break, the header line, one line per access
 * point. Send it as `+ok=<value>`.
 *
 * @example
 * ```ts
 * import { formatScanValue } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const value = formatScanValue([
 *   { channel: 6, ssid: "home", bssid: "02:00:5e:10:00:01", security: "WPA2PSK/AES", indicator: 80 },
 * ]);
 * assert.equal(value, "\r\nCh,SSID,BSSID,Security,Indicator\r\n6,home,02:00:5e:10:00:01,WPA2PSK/AES,80");
 * ```
 *
 * @param entries The access points.
 * @returns The text to put after `+ok=`.
 */
export function formatScanValue(entries: readonly AtScanEntry[]): string {
  const lines = entries.map((e) =>
    `${e.channel},${e.ssid},${e.bssid},${e.security},${e.indicator}`
  );
  return ["", SCAN_HEADER, ...lines].join("\r\n");
}

/**
 * Parses the value of an `AT+WSCAN` reply. Lines that do not have the five fields are skipped;
 * an SSID containing commas is rebuilt from the middle fields.
 *
 * @example
 * ```ts
 * import { parseScanValue } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const entries = parseScanValue(
 *   "\r\nCh,SSID,BSSID,Security,Indicator\r\n11,hings-net,14:75:90:79:20:87,WPAPSKWPA2PSK/AES,27",
 * );
 * assert.equal(entries[0]?.ssid, "hings-net");
 * assert.equal(entries[0]?.indicator, 27);
 * ```
 *
 * @param value The text after `+ok=`.
 * @returns The access points.
 */
export function parseScanValue(value: string): AtScanEntry[] {
  const entries: AtScanEntry[] = [];
  for (const line of value.split(/\r\n|\r|\n/)) {
    if (line === "" || line.startsWith("Ch,")) continue;
    const fields = line.split(",");
    if (fields.length < 5) continue;
    const channel = Number(fields[0]);
    const indicator = Number(fields.at(-1));
    if (!Number.isInteger(channel) || !Number.isFinite(indicator)) continue;
    entries.push({
      channel,
      ssid: fields.slice(1, -3).join(","),
      bssid: fields.at(-3)!,
      security: fields.at(-2)!,
      indicator,
    });
  }
  return entries;
}
