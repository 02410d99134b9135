import type { CommandSpec } from "../command.ts";
import { formatOffset, zoneOffsetMinutes } from "../../protocol/zone.ts";
import { ICONS } from "../../client/types.ts";
import type { SocketData } from "../../protocol/records.ts";
import { redactSocketData } from "../../api/redact.ts";

const ICON_NAMES = Object.fromEntries(Object.entries(ICONS).map(([k, v]) => [v, k]));

/** The settings of table 4 as people read them. */
export function describeSocketData(data: SocketData): [string, string][] {
  return [
    ["name", data.name ?? "(never set)"],
    ["mac", data.mac],
    ["icon", `${data.icon}${ICON_NAMES[data.icon] ? ` (${ICON_NAMES[data.icon]})` : ""}`],
    [
      "time zone",
      `UTC${formatOffset(zoneOffsetMinutes(data))} (zone ${
        data.timeZone >= 0 ? "+" : ""
      }${data.timeZone}${data.halfHour ? " +½ h" : ""}${data.dst ? ", DST on" : ""})`,
    ],
    ["discoverable", data.discoverable ? "yes" : "no (locked)"],
    ["auto-off", data.autoOffEnabled ? `${data.autoOffSeconds} s after switch-on` : "off"],
    [
      "firmware",
      `${data.firmwareVersion} (hardware ${data.hardwareVersion}, Wi-Fi ${data.wifiFirmwareVersion})`,
    ],
    ["cloud server", `${data.serverIp}:${data.serverPort} (${data.domain || "-"})`],
    ["static IP", `${data.staticIp} gateway ${data.gateway} netmask ${data.netmask}`],
    ["table layout", `${data.raw.length} bytes`],
  ];
}

/**
 * Table 4 as JSON: the typed fields, the record as hex, and never the remote password (not
 * even its bytes in the record, so the output is the same through the daemon's API).
 */
export function socketDataJson(data: SocketData): Record<string, unknown> {
  const { remotePassword: _, raw, ...rest } = redactSocketData(data);
  return { ...rest, offsetMinutes: zoneOffsetMinutes(data), raw };
}

export const infoCommand: CommandSpec = {
  name: "info",
  summary: "show a socket's settings (table 4)",
  usage: "info SOCKET",
  description: "Reads the socket's configuration: name, icon, time zone, lock, auto-off,\n" +
    "firmware and the cloud settings. The remote password is not shown.",
  examples: ["s20 info desk", "s20 info 192.168.1.30 --json"],
  network: true,
  positionals: { min: 1, max: 1, name: "socket" },
  async run(ctx) {
    const [target] = await ctx.resolve(ctx.positionals);
    const data = await ctx.out.progress("Reading settings", target!.socket.info());
    const ip = target!.socket.address?.hostname ?? null;
    ctx.out.data({ target: target!.label, ip, ...socketDataJson(data) });
    const rows = describeSocketData(data);
    rows.splice(2, 0, ["ip", ip ?? "?"]);
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [key, value] of rows) ctx.out.line(`${ctx.out.bold(key.padEnd(width))}  ${value}`);
  },
};
