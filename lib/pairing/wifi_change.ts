/**
 * Changing the Wi-Fi settings of a socket that is already on the LAN: the AP-mode sequence of
 * docs/protocol.md#ap-mode by unicast to its LAN address, which the module also answers in station
 * mode. Never by broadcast: every Hi-Flying module on the LAN would obey (pfm's warning,
 * docs/protocol.md#ap-mode).
 */
import { ipToNumber } from "../transport/ipv4.ts";
import { ipv4Interfaces } from "../transport/interfaces.ts";
import { type AtExchangeOptions, type AtModuleInfo, runAtExchange } from "./at_exchange.ts";
import { HF_AT_PORT } from "./hf_at.ts";
import { validateWifiSettings, type WifiSettings } from "./wifi_settings.ts";

/**
 * Options for {@linkcode changeWifi}.
 *
 * @example Only if the socket at that address is the one we mean
 * ```ts
 * import type { ChangeWifiOptions } from "@s20/s20/pairing";
 *
 * const options: ChangeWifiOptions = { mac: "ac:cf:23:35:e6:aa", attempts: 3 };
 * ```
 */
export interface ChangeWifiOptions extends AtExchangeOptions {
  /**
   * The module's AT port.
   *
   * @default {48899}
   */
  readonly port?: number;
}

/**
 * Refuses an address that would reach more than one module: the limited broadcast, a `.255`
 * address, a broadcast address of this host's interfaces, `0.x.x.x`, multicast and reserved.
 *
 * @throws {TypeError} If `ip` is not a dotted IPv4 address.
 * @throws {RangeError} If it is not a single host's address.
 */
export function checkUnicastAddress(ip: string): void {
  const n = ipToNumber(ip);
  if (n === null) {
    throw new TypeError(
      `Cannot use "${ip}" as the socket's address: expected an IPv4 address such as 192.168.1.30`,
    );
  }
  const refuse = (why: string) =>
    new RangeError(
      `Cannot send Wi-Fi settings to ${ip}: ${why}. AT commands go to one socket by its own ` +
        "address, never by broadcast, which every Hi-Flying module on the network would obey; " +
        "find the socket's address with 's20 discover'",
    );
  const first = n >>> 24;
  if (first === 0) throw refuse("0.x.x.x is not a host address");
  if (first >= 224) throw refuse("it is a multicast, reserved or broadcast address");
  if ((n & 0xff) === 0xff) throw refuse("an address ending in .255 is a broadcast address");
  if (ipv4Interfaces().some((i) => i.broadcast === ip)) {
    throw refuse("it is the broadcast address of one of this computer's networks");
  }
}

/**
 * Gives a socket already on the LAN new Wi-Fi settings: the sequence of docs/protocol.md#ap-mode
 * (assist password, `+ok`, `AT+WSSSID`, `AT+WSKEY`, `AT+WMODE=STA`, `AT+Z`) by unicast to its
 * address, each step retried and its reply checked. The socket restarts and joins the new network;
 * if the settings are wrong it cannot come back, and must be paired again with its button.
 *
 * The key travels in a plain UDP datagram across the LAN.
 *
 * @example Move an emulated socket to another network
 * ```ts
 * import { changeWifi, validateWifiSettings } from "@s20/s20/pairing";
 * import { startAtListener } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * await using socket = startAtListener({
 *   mac: "accf2335e6aa",
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   state: { mode: "STA", ssid: "old" },
 * });
 * const settings = validateWifiSettings({ ssid: "new", key: "correct horse" });
 * const changed = await changeWifi("127.0.0.1", settings, {
 *   port: socket.local.port,
 *   bind: { hostname: "127.0.0.1", port: 0 },
 * });
 * assert.equal(changed.mac, "ac:cf:23:35:e6:aa");
 * assert.equal(socket.state.ssid, "new");
 * await assert.rejects(changeWifi("192.168.1.255", settings), RangeError);
 * ```
 *
 * @param ip The socket's own IPv4 address (not a broadcast address).
 * @param settings The network to join; validated again here.
 * @param options Port, retries, an expected MAC, progress and cancellation.
 * @returns The module that took the settings.
 * @throws {RangeError} If `ip` is a broadcast, multicast or otherwise shared address (nothing is
 *   sent).
 * @throws {TypeError} If `ip` is not an IPv4 address.
 * @throws {PairingError} `INVALID_SSID`/`INVALID_KEY`/`UNSUPPORTED_SECURITY` for bad settings
 *   (nothing is sent); `NO_REPLY` when the socket does not answer a step; `AT_ERROR` when it
 *   answers `+ERR`.
 * @throws {NetworkError} When the address cannot be reached at all.
 */
export async function changeWifi(
  ip: string,
  settings: WifiSettings,
  options: ChangeWifiOptions = {},
): Promise<AtModuleInfo> {
  const { port = HF_AT_PORT } = options;
  let valid: WifiSettings;
  try {
    // Checked before anything is sent.
    checkUnicastAddress(ip);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`Cannot use port ${port}: use 1–65535`);
    }
    valid = validateWifiSettings(settings);
  } catch (error) {
    options.transport?.close(); // taken over, so closed on every path
    throw error;
  }
  return await runAtExchange(valid, {
    unicast: { hostname: ip, port },
    broadcast: null,
    findHint: "check the address ('s20 discover' lists sockets with their IPs) and that the " +
      "socket is powered and connected",
    lostHint: "check that the socket is still powered and connected, and try again",
  }, options);
}
