/**
 * AP-mode pairing (docs/protocol.md#ap-mode): the socket blinks blue and opens the Wi-Fi network
 * `WiWo-S20`; the computer joins it and gives the socket the home network's settings over UDP
 * 48899, by unicast to 10.10.100.254 and by broadcast to 10.10.100.255.
 */
import type { NetAddress } from "../transport/types.ts";
import { type AtExchangeOptions, type AtModuleInfo, runAtExchange } from "./at_exchange.ts";
import { AP_MODE, HF_AT_PORT } from "./hf_at.ts";
import { validateWifiSettings, type WifiSettings } from "./wifi_settings.ts";

/**
 * Options for {@linkcode pairApMode}.
 *
 * @example The defaults, spelled out
 * ```ts
 * import type { ApPairingOptions } from "@s20/s20/pairing";
 *
 * const options: ApPairingOptions = {
 *   device: { hostname: "10.10.100.254", port: 48899 },
 *   broadcast: { hostname: "10.10.100.255", port: 48899 },
 *   attempts: 4,
 * };
 * ```
 */
export interface ApPairingOptions extends AtExchangeOptions {
  /**
   * The socket's address on its own network.
   *
   * @default {{ hostname: "10.10.100.254", port: 48899 }}
   */
  readonly device?: NetAddress;
  /**
   * Where broadcasts go as well (on WiWo-S20 the socket is the only module, so broadcasting is
   * safe there); `null` sends by unicast only.
   *
   * @default {{ hostname: "10.10.100.255", port: 48899 }}
   */
  readonly broadcast?: NetAddress | null;
}

const FIND_HINT = "check that the socket's LED blinks blue rapidly (hold its button ~5 s until " +
  "it blinks red, then ~5 s more until it blinks blue), that this computer joined the socket's " +
  `open Wi-Fi network ${AP_MODE.ssid} (its address is then 10.10.100.x), and move closer`;
const LOST_HINT = `stay joined to ${AP_MODE.ssid}, move closer to the socket and pair again`;

/**
 * Gives a socket in AP mode (blue LED, network `WiWo-S20` joined) the settings of the network it
 * should join, as docs/protocol.md#ap-mode describes: the assist password (to 10.10.100.254 and
 * 10.10.100.255), `+ok`, `AT+WSSSID`, `AT+WSKEY`, `AT+WMODE=STA`, `AT+Z`. Each step that gets a
 * reply is retried until its `+ok`, alternating unicast and broadcast (some hosts only get through
 * one way). After `AT+Z` the socket restarts, leaves `WiWo-S20` and joins the network.
 *
 * The key crosses the air unencrypted: `WiWo-S20` is an open network.
 *
 * @example Pair an emulated socket on loopback
 * ```ts
 * import { pairApMode, validateWifiSettings } from "@s20/s20/pairing";
 * import { startAtListener } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * await using socket = startAtListener({ mac: "accf2335e6aa", hostname: "127.0.0.1", port: 0 });
 * const settings = validateWifiSettings({ ssid: "home", key: "correct horse" });
 * const paired = await pairApMode(settings, {
 *   device: socket.local,
 *   broadcast: null,
 *   bind: { hostname: "127.0.0.1", port: 0 },
 * });
 * assert.equal(paired.mac, "ac:cf:23:35:e6:aa");
 * assert.equal(socket.state.ssid, "home");
 * assert.equal(socket.state.mode, "STA");
 * ```
 *
 * @param settings The network to join; validated again here.
 * @param options Addresses, retries, progress and cancellation.
 * @returns The module that took the settings.
 * @throws {PairingError} `INVALID_SSID`/`INVALID_KEY`/`UNSUPPORTED_SECURITY` for bad settings
 *   (nothing is sent); `NO_REPLY` when the socket does not answer a step; `AT_ERROR` when it
 *   answers `+ERR`.
 * @throws {NetworkError} When no route reaches the socket at all.
 */
export async function pairApMode(
  settings: WifiSettings,
  options: ApPairingOptions = {},
): Promise<AtModuleInfo> {
  const {
    device = { hostname: AP_MODE.deviceIp, port: HF_AT_PORT },
    broadcast = { hostname: AP_MODE.broadcast, port: HF_AT_PORT },
  } = options;
  let valid: WifiSettings;
  try {
    valid = validateWifiSettings(settings);
  } catch (error) {
    options.transport?.close(); // taken over, so closed on every path
    throw error;
  }
  return await runAtExchange(valid, {
    unicast: device,
    broadcast,
    findHint: FIND_HINT,
    lostHint: LOST_HINT,
  }, options);
}
