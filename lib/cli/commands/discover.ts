import type { CommandSpec } from "../command.ts";
import { EXIT } from "../usage_error.ts";
import { integerFlag } from "../args.ts";
import type { DiscoveredSocket } from "../../client/types.ts";
import { readName } from "../names.ts";

function skew(ms: number | null): string {
  if (ms === null) return "unset";
  const s = ms / 1000;
  return `${s >= 0 ? "+" : ""}${Math.abs(s) < 10 ? s.toFixed(1) : s.toFixed(0)} s`;
}

export const discoverCommand: CommandSpec = {
  name: "discover",
  summary: "find sockets on the network",
  usage: "discover [--target ADDR]... [--wait MS] [--no-names]",
  description: "Broadcasts on every IPv4 interface (and 255.255.255.255) several times through\n" +
    "the wait, and lists each socket once. Locked sockets answer only a probe that names\n" +
    "their MAC: give --target MAC@IP. Each socket's alias (config file or schedule) and its\n" +
    "own name (table 4, read from each socket) stand beside its MAC.",
  examples: [
    "s20 discover",
    "s20 discover --target 192.168.7.255 --target 10.0.0.0/24",
    "s20 discover --target ac:cf:23:24:19:c0@192.168.1.30",
    "s20 discover --no-names   # skip reading each socket's name",
    "s20 discover --json",
  ],
  network: true,
  positionals: { max: 0 },
  options: {
    wait: { type: "string", value: "MS", description: "listen for MS milliseconds (default 3000)" },
    "no-names": {
      type: "boolean",
      description: "do not read each socket's name (table 4): one request fewer per socket",
    },
    names: { type: "boolean", description: "names are read by default now", deprecated: true },
  },
  async run(ctx) {
    const wait = integerFlag(ctx.string("wait"), "wait", 100, 60_000) ?? 3000;
    const client = ctx.client();
    const found: DiscoveredSocket[] = [];
    const probeErrors: string[] = [];
    await ctx.out.progress(
      "Discovering sockets",
      (async () => {
        for await (
          const socket of client.discover({
            timeout: wait,
            onProbeError: (address, error) =>
              probeErrors.push(`${address.hostname}: ${error.message}`),
          })
        ) found.push(socket);
      })(),
    );
    const withNames = !ctx.bool("no-names");
    const names = new Map<string, string | null>();
    if (withNames) {
      await ctx.out.progress(
        "Reading names",
        Promise.all(found.map(async (s) => {
          names.set(s.mac, await readName(client.socket({ mac: s.mac, ip: s.ip, port: s.port })));
        })),
      );
    }
    for (const e of probeErrors) ctx.out.note(`note: could not probe ${e}`);
    const aliasOf = (s: DiscoveredSocket) => ctx.aliasOf({ mac: s.mac, ip: s.ip });
    ctx.out.data(
      found.map(({ mac, ...rest }) => ({
        mac,
        alias: aliasOf({ mac, ...rest }),
        ...(withNames ? { name: names.get(mac) ?? null } : {}),
        ...rest,
      })),
    );
    if (found.length === 0) {
      ctx.out.note(
        "No socket answered. Run 's20 doctor' to see why (interfaces, port 10000, firewall).",
      );
      return EXIT.notFound;
    }
    ctx.out.table(
      ["MAC", "ALIAS", ...(withNames ? ["NAME"] : []), "IP", "MODEL", "STATE", "CLOCK"],
      found.map((s) => [
        s.mac,
        aliasOf(s) ?? "-",
        ...(withNames ? [names.get(s.mac) ?? "-"] : []),
        s.port === 10000 ? s.ip : `${s.ip}:${s.port}`,
        s.model,
        ctx.out.state(s.on),
        skew(s.clockSkew),
      ]),
    );
    ctx.out.note(`${found.length} socket${found.length === 1 ? "" : "s"} found.`);
    return EXIT.ok;
  },
};
