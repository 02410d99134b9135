/**
 * `s20 pair`: puts a socket on the Wi-Fi (AP mode or smartlink, docs/protocol.md#pairing), then
 * finds it, sets its clock and zone and names it. The key never comes from argv and is never
 * printed.
 */
import type { CommandContext, CommandSpec } from "../command.ts";
import { integerFlag } from "../args.ts";
import { UsageError } from "../usage_error.ts";
import {
  addressFlag,
  asUsage,
  isOpen,
  readWifiKey,
  refuseExtraArguments,
  stepPrinter,
  WIFI_OPTIONS,
} from "./_wifi.ts";
import { DeviceNotFoundError, NetworkError } from "../../errors.ts";
import type { Mac } from "../../protocol/mac.ts";
import { formatOffset } from "../../protocol/zone.ts";
import type { NetAddress } from "../../transport/types.ts";
import { pairApMode } from "../../pairing/ap_pairing.ts";
import { checkSetUpOptions, setUpPairedSocket } from "../../pairing/after_pairing.ts";
import { PairingError } from "../../pairing/errors.ts";
import { AP_MODE, HF_AT_PORT } from "../../pairing/hf_at.ts";
import { SMARTLINK_PORT } from "../../pairing/smartlink.ts";
import { pairSmartlink } from "../../pairing/smartlink_sender.ts";
import { validateSmartlinkPassword, validateWifiSettings } from "../../pairing/wifi_settings.ts";

const COMMAND = "pair";
/** Tries per AT step. */
const ATTEMPTS = 4;

/**
 * Said before anything is sent, in both modes (docs/protocol.md#ap-mode: open network;
 * docs/protocol.md#smartlink: lengths on the air).
 */
export const CLEAR_TEXT_WARNING = "Warning: both pairing modes send the Wi-Fi key unencrypted " +
  "over the air (AP mode in plain text on the socket's open WiWo-S20 network, smartlink in the " +
  "lengths of broadcast packets): anyone within radio range can read it. Pair where you trust " +
  "who is nearby.";

/** `+05:30`, `-3`, `UTC+1` → minutes east of UTC; anything else is taken as an IANA zone. */
function zoneArgument(text: string): string | number {
  const match = /^(?:UTC|GMT)?([+-])?(\d{1,2})(?::?(\d{2}))?$/i.exec(text.trim());
  if (!match) return text.trim();
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === "-" ? -minutes : minutes;
}

/** Where broadcasts go: `none`, an address, or the mode's default (`undefined`). */
function broadcastFlag(ctx: CommandContext, port: number): NetAddress | null | undefined {
  const text = ctx.string("broadcast");
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === "none") return null;
  return addressFlag(text, "broadcast", port);
}

interface Plan {
  readonly mode: "ap" | "smartlink";
  readonly ssid: string | undefined;
  readonly timeZone: string | number | undefined;
  readonly name: string | undefined;
  readonly wait: number;
  readonly setUp: boolean;
  /** AP mode: `--device`. */
  readonly device: NetAddress | undefined;
  /** `--broadcast`: an address, `null` for none, `undefined` for the mode's default. */
  readonly broadcast: NetAddress | null | undefined;
  /** Smartlink: `--listen`. */
  readonly listen: NetAddress | undefined;
}

/** Every flag, checked before the key is read or anything is bound or sent. */
function plan(ctx: CommandContext): Plan {
  refuseExtraArguments(ctx, COMMAND, 0);
  const ap = ctx.bool("ap");
  const smartlink = ctx.bool("smartlink");
  if (ap === smartlink) {
    throw new UsageError(
      "choose one mode: --ap (LED blinking blue, this computer joined WiWo-S20) or --smartlink " +
        "(LED blinking red rapidly, this computer on the network the socket should join)",
      COMMAND,
    );
  }
  const ssid = ctx.string("ssid");
  if (ap && ssid === undefined) {
    throw new UsageError(
      "--ap needs --ssid: the name of the network the socket should join",
      COMMAND,
    );
  }
  const deviceText = ctx.string("device");
  const listenText = ctx.string("listen");
  if (smartlink && deviceText !== undefined) {
    throw new UsageError("--device is for --ap; smartlink broadcasts (see --broadcast)", COMMAND);
  }
  if (ap && listenText !== undefined) {
    throw new UsageError("--listen is for --smartlink", COMMAND);
  }
  const broadcast = broadcastFlag(ctx, ap ? HF_AT_PORT : SMARTLINK_PORT);
  if (smartlink && broadcast === null) {
    throw new UsageError("smartlink only works by broadcast: give an address, not 'none'", COMMAND);
  }
  const wait = integerFlag(ctx.string("wait"), "wait", 1000, 600_000) ?? 60_000;
  const zoneText = ctx.string("timezone");
  const timeZone = zoneText === undefined ? undefined : zoneArgument(zoneText);
  const name = ctx.string("name");
  const setUp = !ctx.bool("skip-setup");
  if (setUp) {
    asUsage(COMMAND, () =>
      checkSetUpOptions({
        ...(timeZone !== undefined ? { timeZone } : {}),
        ...(name !== undefined ? { name } : {}),
      }, new Date(ctx.clock.now())));
  } else if (name !== undefined || zoneText !== undefined) {
    throw new UsageError("--name and --timezone need the setup that --skip-setup skips", COMMAND);
  }
  return {
    mode: ap ? "ap" : "smartlink",
    ssid,
    timeZone,
    name,
    wait,
    setUp,
    device: deviceText === undefined ? undefined : addressFlag(deviceText, "device", HF_AT_PORT),
    broadcast,
    listen: listenText === undefined
      ? undefined
      : addressFlag(listenText, "listen", SMARTLINK_PORT),
  };
}

/** The security flags as `validateWifiSettings` takes them. */
function securityOf(ctx: CommandContext): { auth?: string; encryption?: string } {
  const auth = ctx.string("security");
  const encryption = ctx.string("cipher");
  return {
    ...(auth !== undefined ? { auth } : {}),
    ...(encryption !== undefined ? { encryption } : {}),
  };
}

/**
 * Validates the settings for the mode and returns what sends them: AP mode
 * (docs/protocol.md#ap-mode), the AT exchange on WiWo-S20; smartlink (docs/protocol.md#smartlink),
 * the password in datagram lengths.
 */
function prepare(
  ctx: CommandContext,
  p: Plan,
  key: string,
): () => Promise<{ mac: Mac; ip?: string }> {
  const onStep = stepPrinter(ctx.out);
  if (p.mode === "ap") {
    const settings = asUsage(
      COMMAND,
      () => validateWifiSettings({ ssid: p.ssid!, key, ...securityOf(ctx) }),
    );
    return async () => {
      ctx.out.note(
        "AP mode: the socket's LED should blink blue rapidly and this computer should be " +
          `joined to its open network ${AP_MODE.ssid}.`,
      );
      const module = await pairApMode(settings, {
        ...(p.device !== undefined ? { device: p.device } : {}),
        ...(p.broadcast !== undefined ? { broadcast: p.broadcast } : {}),
        // --timeout bounds each step: four tries within it (replies take ~50 ms,
        // docs/protocol.md#ap-mode).
        attempts: ATTEMPTS,
        replyTimeoutMs: ctx.timeoutMs / ATTEMPTS,
        signal: ctx.io.signal,
        onStep,
      });
      return { mac: module.mac };
    };
  }
  const password = asUsage(COMMAND, () => {
    const security = securityOf(ctx);
    if (Object.keys(security).length > 0) {
      // Smartlink sends only the password, but security the socket cannot use (WEP) is still
      // refused; the placeholder SSID and key make this a check of the two names alone.
      validateWifiSettings({ ssid: "-", key: isOpen(ctx) ? "" : "placeholder", ...security });
    }
    return validateSmartlinkPassword(key);
  });
  return async () => {
    ctx.out.note(
      "Smartlink: the socket's LED should blink red rapidly, and this computer should be on " +
        `the 2.4 GHz network the socket is to join${p.ssid ? ` (${p.ssid})` : ""}; its name ` +
        "is not sent.",
    );
    if (key === "") {
      ctx.out.warn("Note: smartlink with an open network has never been shown to work (Q13).");
    }
    return await pairSmartlink(password, {
      ...(p.broadcast ? { to: [p.broadcast] } : {}),
      ...(p.listen !== undefined ? { bind: p.listen } : {}),
      timeout: p.wait,
      clock: ctx.clock,
      signal: ctx.io.signal,
      onStep,
    });
  };
}

export const pairCommand: CommandSpec = {
  name: "pair",
  summary: "connect a socket to your Wi-Fi and set it up",
  usage: "pair (--ap --ssid SSID | --smartlink) [--name NAME] [--timezone ZONE] [OPTIONS]",
  description: "Gives a socket in pairing mode your network's settings, then finds it on the\n" +
    "network, sets its clock and time zone (this computer's unless --timezone) and, with\n" +
    "--name, names it.\n\n" +
    "  --ap         LED blinking blue: hold the button ~5 s until it blinks red, then ~5 s\n" +
    "               more. Join this computer to the socket's open network WiWo-S20 first;\n" +
    "               afterwards it must rejoin your network (most computers do by themselves).\n" +
    "  --smartlink  LED blinking red rapidly: hold the button ~5 s. This computer stays on the\n" +
    "               2.4 GHz network the socket should join; only the key is sent.\n\n" +
    "The Wi-Fi key comes from standard input (--password-stdin), from S20_WIFI_PASSWORD, or\n" +
    "a prompt that does not echo it; never from the command line. It is never printed. Both\n" +
    "modes send it unencrypted over the air.\n\n" +
    "--timeout bounds each AT step (four tries) and each call while setting the socket up;\n" +
    "--wait bounds smartlink and the search for the socket once it has the settings.",
  examples: [
    "s20 pair --ap --ssid home",
    's20 pair --smartlink --name "Desk lamp" --timezone Europe/London',
    "printf '%s' \"$KEY\" | s20 pair --ap --ssid home --password-stdin --json",
    "S20_WIFI_PASSWORD=... s20 pair --smartlink --broadcast 192.168.1.255",
    "s20 pair --ap --ssid cafe --security open --skip-setup",
  ],
  network: true,
  options: {
    ap: { type: "boolean", description: "AP mode (blue LED; join WiWo-S20 first)" },
    smartlink: { type: "boolean", description: "smartlink mode (red LED blinking rapidly)" },
    ...WIFI_OPTIONS,
    ssid: {
      type: "string",
      value: "SSID",
      description: "the network to join (needed for --ap; smartlink joins this computer's)",
    },
    name: { type: "string", value: "NAME", description: "name the socket (1–16 bytes)" },
    timezone: {
      type: "string",
      value: "ZONE",
      description: "IANA zone or offset such as +05:30 (default: this computer's zone)",
    },
    wait: {
      type: "string",
      value: "MS",
      description: "how long to send smartlink, and to look for the socket after (default 60000)",
    },
    "skip-setup": {
      type: "boolean",
      description: "stop once the socket has the settings; do not look for it",
    },
    device: {
      type: "string",
      value: "ADDR",
      description: "AP mode: the socket's address (default 10.10.100.254:48899)",
    },
    broadcast: {
      type: "string",
      value: "ADDR",
      description: "broadcast address or 'none' (AP: 10.10.100.255:48899; smartlink: each " +
        "network's, port 49999)",
    },
    listen: {
      type: "string",
      value: "ADDR",
      description: "smartlink: where to hear the socket announce itself (default 0.0.0.0:49999)",
    },
  },
  async run(ctx) {
    const p = plan(ctx);
    const network = p.ssid !== undefined
      ? JSON.stringify(p.ssid)
      : "the network this computer is on";
    const key = await readWifiKey(ctx, COMMAND, network);
    const send = prepare(ctx, p, key);
    // Bind the client before sending anything, so a taken port fails before the socket restarts.
    const controller = p.setUp ? ctx.client() : null;

    ctx.out.warn(CLEAR_TEXT_WARNING);
    let paired: { mac: Mac; ip?: string };
    try {
      paired = await send();
    } catch (error) {
      if (error instanceof PairingError || error instanceof NetworkError) {
        ctx.out.note("Not paired.");
      }
      throw error;
    }

    if (controller === null) {
      const where = paired.ip ? ` at ${paired.ip}` : "";
      ctx.out.line(
        `Paired: ${paired.mac}${where} is restarting to join ${network}. Find it with ` +
          "'s20 discover' once this computer is on that network.",
      );
      ctx.out.data({ paired: true, mode: p.mode, mac: paired.mac, ip: paired.ip ?? null });
      return;
    }
    if (p.mode === "ap") {
      ctx.out.note(
        `The socket is restarting to join ${network}; reconnect this computer to it if it does ` +
          "not do so by itself.",
      );
    }
    const flagTargets = (ctx.flags.target as string[] | undefined) ?? [];
    let result;
    try {
      result = await setUpPairedSocket(controller, paired.mac, {
        ...(paired.ip !== undefined ? { ip: paired.ip } : {}),
        ...(flagTargets.length > 0 ? { targets: flagTargets } : {}),
        ...(p.timeZone !== undefined ? { timeZone: p.timeZone } : {}),
        ...(p.name !== undefined ? { name: p.name } : {}),
        wait: p.wait,
        signal: ctx.io.signal,
        onStep: stepPrinter(ctx.out),
      });
    } catch (error) {
      if (!(error instanceof DeviceNotFoundError)) {
        ctx.out.note(
          `The socket ${paired.mac} has the settings, but setting it up failed; finish with ` +
            "'s20 clock SOCKET --sync', 's20 timezone SOCKET ZONE' and 's20 rename SOCKET NAME'.",
        );
      }
      throw error;
    }
    ctx.out.line(`Paired: ${result.mac} at ${result.ip}`);
    ctx.out.line(`  name       ${result.name ?? "(never set)"}`);
    ctx.out.line(`  time zone  UTC${formatOffset(result.offsetMinutes)}`);
    ctx.out.line(`  clock      ${result.clock ? ctx.out.time(result.clock) : "unset"}`);
    ctx.out.data({
      paired: true,
      mode: p.mode,
      mac: result.mac,
      ip: result.ip,
      name: result.name,
      offsetMinutes: result.offsetMinutes,
      clock: result.clock?.toISOString() ?? null,
    });
  },
};
