import type { CommandSpec } from "../command.ts";
import { EXIT } from "../usage_error.ts";
import { integerFlag } from "../args.ts";
import type { DiscoveredSocket } from "../../client/types.ts";
import { S20Error } from "../../errors.ts";

function skew(ms: number | null): string {
  if (ms === null) return "unset";
  const s = ms / 1000;
  return `${s >= 0 ? "+" : ""}${Math.abs(s) < 10 ? s.toFixed(1) : s.toFixed(0)} s`;
}

export const discoverCommand: CommandSpec = {
  name: "discover",
  summary: "find sockets on the network",
  usage: "discover [--target ADDR]... [--wait MS] [--names]",
  description: "Broadcasts on every IPv4 interface (and 255.255.255.255) several times through\n" +
    "the wait, and lists each socket once. Locked sockets answer only a probe that names\n" +
    "their MAC: give --target MAC@IP.",
  examples: [
    "s20 discover",
    "s20 discover --target 192.168.7.255 --target 10.0.0.0/24",
    "s20 discover --target ac:cf:23:24:19:c0@192.168.1.30 --names",
    "s20 discover --json",
  ],
  network: true,
  positionals: { max: 0 },
  options: {
    wait: { type: "string", value: "MS", description: "listen for MS milliseconds (default 3000)" },
    names: { type: "boolean", description: "also read each socket's name (table 4)" },
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
    const names = new Map<string, string | null>();
    if (ctx.bool("names")) {
      await ctx.out.progress(
        "Reading names",
        Promise.all(found.map(async (s) => {
          try {
            const data = await client.socket({ mac: s.mac, ip: s.ip, port: s.port }).info();
            names.set(s.mac, data.name);
          } catch (error) {
            if (!(error instanceof S20Error)) throw error;
            names.set(s.mac, null);
          }
        })),
      );
    }
    for (const e of probeErrors) ctx.out.note(`note: could not probe ${e}`);
    ctx.out.data(
      found.map((s) => ({
        ...s,
        ...(ctx.bool("names") ? { name: names.get(s.mac) ?? null } : {}),
      })),
    );
    if (found.length === 0) {
      ctx.out.note(
        "No socket answered. Run 's20 doctor' to see why (interfaces, port 10000, firewall).",
      );
      return EXIT.notFound;
    }
    ctx.out.table(
      ["MAC", "IP", "MODEL", "STATE", "CLOCK", ...(ctx.bool("names") ? ["NAME"] : [])],
      found.map((s) => [
        s.mac,
        s.port === 10000 ? s.ip : `${s.ip}:${s.port}`,
        s.model,
        ctx.out.state(s.on),
        skew(s.clockSkew),
        ...(ctx.bool("names") ? [names.get(s.mac) ?? "-"] : []),
      ]),
    );
    ctx.out.note(`${found.length} socket${found.length === 1 ? "" : "s"} found.`);
    return EXIT.ok;
  },
};
