/**
 * The two announcements a socket broadcasts from UDP 48899 to port 49999 once smartlink pairing has
 * worked (docs/protocol.md#smartlink, capture c2 frames 604–710, observed packets c2#604 and
 * c2#606). Pure.
 */
import { Mac } from "../protocol/mac.ts";

/**
 * A smartlink success announcement.
 *
 * `smartConfig` is `smart_config <MAC>`; Hi-Flying's SDK accepts any datagram containing
 * `smart_config` and takes the MAC from the rest, so `mac` is `null` when that rest is not a MAC.
 * `moduleInfo` is the JSON form; its `mac` field is garbled by the firmware
 * (`04010000ACCF` from a socket whose MAC is ACCF2335E6AA), so it is kept as text.
 *
 * @example
 * ```ts
 * import type { SmartlinkAnnouncement } from "@s20/s20/pairing";
 *
 * const seen: SmartlinkAnnouncement = { kind: "moduleInfo", mid: "LPB100", mac: "04010000ACCF", ip: "10.0.0.243" };
 * ```
 */
export type SmartlinkAnnouncement =
  | { readonly kind: "smartConfig"; readonly mac: Mac | null }
  | {
    readonly kind: "moduleInfo";
    readonly mid: string;
    readonly mac: string;
    readonly ip: string;
  };

const SMART_CONFIG = "smart_config";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes `smart_config <MAC>` with the MAC in upper case without separators (c2#604).
 *
 * @example
 * ```ts
 * import { Mac } from "@s20/s20";
 * import { encodeSmartConfigAnnouncement } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeSmartConfigAnnouncement(Mac.parse("ac:cf:23:35:e6:aa"));
 * assert.equal(new TextDecoder().decode(bytes), "smart_config ACCF2335E6AA");
 * ```
 *
 * @param mac The socket's MAC.
 * @returns The datagram payload.
 */
export function encodeSmartConfigAnnouncement(mac: Mac): Uint8Array {
  return encoder.encode(`${SMART_CONFIG} ${Mac.format(mac, "upper-bare")}`);
}

/**
 * Encodes the JSON announcement `{"mid":…,"mac":…,"ip":…}` with the keys in the firmware's
 * order (c2#606).
 *
 * @example
 * ```ts
 * import { encodeModuleInfoAnnouncement } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeModuleInfoAnnouncement({ mac: "04010000ACCF", ip: "10.0.0.243" });
 * assert.equal(new TextDecoder().decode(bytes), '{"mid":"LPB100","mac":"04010000ACCF","ip":"10.0.0.243"}');
 * ```
 *
 * @param info The `mac` text (see {@linkcode moduleInfoMacFor}), the socket's IP, and the
 *   module id (default `LPB100`).
 * @returns The datagram payload.
 */
export function encodeModuleInfoAnnouncement(
  info: { readonly mid?: string; readonly mac: string; readonly ip: string },
): Uint8Array {
  const { mid = "LPB100", mac, ip } = info;
  return encoder.encode(JSON.stringify({ mid, mac, ip }));
}

/**
 * The garbled `mac` value the firmware puts in its JSON announcement. Only one sample exists
 * (`04010000ACCF` for MAC ACCF2335E6AA); we read it as four fixed bytes `04 01 00 00` followed by
 * the first two bytes of the MAC, as if the firmware printed six bytes starting four bytes too
 * early. That reading is an inference.
 *
 * @example
 * ```ts
 * import { Mac } from "@s20/s20";
 * import { moduleInfoMacFor } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * assert.equal(moduleInfoMacFor(Mac.parse("ac:cf:23:35:e6:aa")), "04010000ACCF");
 * ```
 *
 * @param mac The socket's MAC.
 * @returns Twelve upper-case hex digits.
 */
export function moduleInfoMacFor(mac: Mac): string {
  return "04010000" + Mac.format(mac, "upper-bare").slice(0, 4);
}

/**
 * Recognises a smartlink success announcement. Never throws: other datagrams give `null`.
 *
 * @example Both forms from capture c2
 * ```ts
 * import { decodeSmartlinkAnnouncement } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const text = (s: string) => new TextEncoder().encode(s);
 * assert.deepEqual(decodeSmartlinkAnnouncement(text("smart_config ACCF2335E6AA")), {
 *   kind: "smartConfig",
 *   mac: "ac:cf:23:35:e6:aa",
 * });
 * assert.deepEqual(
 *   decodeSmartlinkAnnouncement(text('{"mid":"LPB100","mac":"04010000ACCF","ip":"10.0.0.243"}')),
 *   { kind: "moduleInfo", mid: "LPB100", mac: "04010000ACCF", ip: "10.0.0.243" },
 * );
 * assert.equal(decodeSmartlinkAnnouncement(text("hello")), null);
 * ```
 *
 * @param bytes A datagram received on port 49999.
 * @returns The announcement, or `null`.
 */
export function decodeSmartlinkAnnouncement(bytes: Uint8Array): SmartlinkAnnouncement | null {
  const text = decoder.decode(bytes).trim();
  const at = text.indexOf(SMART_CONFIG);
  if (at >= 0) {
    const rest = text.slice(at + SMART_CONFIG.length).trim();
    return { kind: "smartConfig", mac: Mac.tryParse(rest) };
  }
  if (!text.startsWith("{")) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { mid, mac, ip } = value as Record<string, unknown>;
  if (typeof ip !== "string") return null;
  return {
    kind: "moduleInfo",
    mid: typeof mid === "string" ? mid : "",
    mac: typeof mac === "string" ? mac : "",
    ip,
  };
}
