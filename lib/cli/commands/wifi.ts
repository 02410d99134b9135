/**
 * `s20 wifi`: new Wi-Fi settings for a socket already on the LAN, by the AT sequence of
 * docs/protocol.md#ap-mode sent by unicast to that one socket (never broadcast: every Hi-Flying
 * module on the LAN would obey).
 */
import type { CommandSpec } from "../command.ts";
import { UsageError } from "../usage_error.ts";
import {
  addressFlag,
  asUsage,
  readWifiKey,
  refuseExtraArguments,
  stepPrinter,
  WIFI_OPTIONS,
} from "./_wifi.ts";
import { Mac } from "../../protocol/mac.ts";
import { HF_AT_PORT } from "../../pairing/hf_at.ts";
import { changeWifi, checkUnicastAddress } from "../../pairing/wifi_change.ts";
import { validateWifiSettings } from "../../pairing/wifi_settings.ts";

const COMMAND = "wifi";
/** Tries per AT step. */
const ATTEMPTS = 4;

export const wifiCommand: CommandSpec = {
  name: "wifi",
  summary: "move a paired socket to another Wi-Fi network or key",
  usage: "wifi [MAC@]IP[:PORT] --ssid SSID [--security MODE] [--cipher CIPHER] [--password-stdin]",
  description: "Sends the AP-mode sequence (AT+WSSSID, AT+WSKEY, AT+WMODE=STA, AT+Z) to one\n" +
    "socket by its own address; broadcast addresses are refused, since every Hi-Flying\n" +
    "module on the network would obey. Give MAC@IP to make sure it is the socket you mean.\n" +
    "The socket restarts and joins the new network; if the settings are wrong it cannot come\n" +
    "back, and must be paired again with its button ('s20 pair').\n\n" +
    "The key comes from standard input (--password-stdin), S20_WIFI_PASSWORD or a prompt\n" +
    "that does not echo it; it crosses the LAN in a plain UDP datagram.",
  examples: [
    "s20 wifi 192.168.1.30 --ssid new-home",
    "printf '%s' \"$KEY\" | s20 wifi ac:cf:23:24:19:c0@192.168.1.30 --ssid home --password-stdin",
  ],
  positionals: { min: 1, name: "socket address" },
  options: {
    ...WIFI_OPTIONS,
    timeout: {
      type: "string",
      value: "MS",
      description: "give up on a step after MS (default 5000)",
    },
  },
  async run(ctx) {
    refuseExtraArguments(ctx, COMMAND, 1);
    const text = ctx.positionals[0]!;
    const at = text.indexOf("@");
    const mac = at < 0 ? undefined : asUsage(COMMAND, () => Mac.parse(text.slice(0, at)));
    const address = addressFlag(text.slice(at + 1), "address", HF_AT_PORT);
    asUsage(COMMAND, () => checkUnicastAddress(address.hostname));
    const ssid = ctx.string("ssid");
    if (ssid === undefined) {
      throw new UsageError("--ssid is needed: the name of the network to join", COMMAND);
    }
    const key = await readWifiKey(ctx, COMMAND, JSON.stringify(ssid));
    const settings = asUsage(COMMAND, () =>
      validateWifiSettings({
        ssid,
        key,
        ...(ctx.string("security") !== undefined ? { auth: ctx.string("security")! } : {}),
        ...(ctx.string("cipher") !== undefined ? { encryption: ctx.string("cipher")! } : {}),
      }));
    ctx.out.warn(
      `Warning: the Wi-Fi key travels unencrypted in a UDP datagram to ${address.hostname}; ` +
        "any device on this network can read it.",
    );
    const module = await changeWifi(address.hostname, settings, {
      port: address.port,
      // --timeout bounds each step: four tries within it (replies take ~50 ms,
      // docs/protocol.md#ap-mode).
      attempts: ATTEMPTS,
      replyTimeoutMs: ctx.timeoutMs / ATTEMPTS,
      ...(mac !== undefined ? { mac } : {}),
      signal: ctx.io.signal,
      onStep: stepPrinter(ctx.out),
    });
    ctx.out.line(
      `${module.mac} at ${address.hostname} is restarting to join ${JSON.stringify(ssid)}. ` +
        "Find it with 's20 discover' once this computer is on that network.",
    );
    ctx.out.data({ mac: module.mac, ip: address.hostname, ssid, restarting: true });
  },
};
