import type { CommandSpec } from "../command.ts";
import { loadConfig } from "../config.ts";
import { ipv4Interfaces } from "../../transport/interfaces.ts";
import { findUdpPortOwners } from "../../transport/port_owner.ts";
import { describeHolder, holderAdvice } from "./_port_holder.ts";
import { EXIT } from "../usage_error.ts";
import { listenUdp } from "../../transport/udp.ts";
import { isLoopback } from "../../transport/ipv4.ts";
import { PortInUseError } from "../../errors.ts";
import type { DiscoveredSocket } from "../../client/types.ts";
import { integerFlag } from "../args.ts";
import { DaemonClient } from "../../api/daemon_client.ts";
import { findDaemon } from "../../api/locate.ts";
import { S20Error } from "../../errors.ts";

/** The s20 daemon this user runs, as its health check tells. */
interface DaemonFound {
  readonly at: string;
  readonly pid: number;
  readonly mode: "schedule" | "serve";
}

/**
 * Asks the daemon the CLI would route through (unless `--direct`) who it is; `problem` says why
 * a daemon that was found cannot be used.
 */
async function findRunningDaemon(
  env: (name: string) => string | undefined,
): Promise<{ daemon: DaemonFound | null; problem: string | null }> {
  try {
    const endpoint = findDaemon({ env });
    if (endpoint === null) return { daemon: null, problem: null };
    await using client = new DaemonClient({ ...endpoint, timeout: 2000 });
    const health = await client.health();
    const at = "path" in endpoint ? endpoint.path : endpoint.url;
    return { daemon: { at, pid: health.pid, mode: health.mode }, problem: null };
  } catch (error) {
    if (!(error instanceof S20Error)) throw error;
    return { daemon: null, problem: error.message };
  }
}

interface KnownProbe {
  alias: string;
  ip: string;
  mac: string | null;
  answersGlobal: boolean;
  answersMac: boolean | null;
}

export const doctorCommand: CommandSpec = {
  name: "doctor",
  summary: "explain why sockets are not found",
  usage: "doctor [--wait MS]",
  description: "Lists this computer's interfaces and broadcast addresses, says who owns UDP\n" +
    "port 10000 (or which s20 daemon serves), probes the sockets named in your config by\n" +
    "unicast, runs a discovery, and explains in plain words what it finds. It recognises\n" +
    "s20's own daemon and emulator, and exits 1 when it finds a problem. Naming the program\n" +
    "that holds the port needs --allow-run=ss,ps (or --allow-all, to read /proc).",
  examples: ["s20 doctor", "s20 doctor --json"],
  network: true,
  positionals: { max: 0 },
  options: { wait: { type: "string", value: "MS", description: "discovery wait (default 3000)" } },
  async run(ctx) {
    const wait = integerFlag(ctx.string("wait"), "wait", 100, 60_000) ?? 3000;
    const findings: string[] = [];
    const interfaces = ipv4Interfaces();
    const lan = interfaces.filter((i) => !isLoopback(i.address));
    const bind = ctx.string("hostname") ?? "0.0.0.0";
    const port = integerFlag(ctx.string("port"), "port", 0, 65535) ?? 10000;
    let portFree = true;
    try {
      listenUdp({ hostname: bind, port }).close();
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      portFree = false;
    }
    const search = portFree
      ? { owners: [], source: null, needs: null }
      : await findUdpPortOwners(port, { hostname: bind });
    const { daemon, problem } = ctx.bool("direct")
      ? { daemon: null, problem: null }
      : await findRunningDaemon((name) => ctx.io.env(name));
    const holders = search.owners.map((o) => describeHolder(o, daemon?.pid ?? null));
    // s20 commands would fail the same way: the probes below are skipped.
    if (problem) findings.push(problem);
    if (!daemon && !portFree) {
      findings.push(
        holders.length > 0
          ? `UDP port ${port} is owned by ${
            holders.map((h) => `${h.description} on ${h.address}`).join("; ")
          }. ${holderAdvice(holders.map((h) => h.kind), port)}${
            search.needs ? ` Run s20 with ${search.needs} to see command lines.` : ""
          }`
          : `UDP port ${port} is owned by a program s20 cannot name${
            unnamedBecause(search.needs)
          }. ${holderAdvice(["hidden"], port)}`,
      );
    }
    const { aliases } = loadConfig(ctx.io, {
      config: ctx.string("config"),
      schedule: ctx.string("schedule"),
    });
    const known = [...aliases].filter(([, a]) => a.ip);
    const probes: KnownProbe[] = [];
    let discovered: DiscoveredSocket[] = [];
    if (daemon || (portFree && !problem)) {
      const client = ctx.client();
      discovered = await ctx.out.progress(
        "Discovering",
        Array.fromAsync(client.discover({ timeout: wait })),
      );
      for (const [alias, a] of known) {
        const global = await Array.fromAsync(client.discover({ targets: [a.ip!], timeout: 1000 }));
        const byMac = a.mac
          ? await Array.fromAsync(client.discover({ targets: [`${a.mac}@${a.ip}`], timeout: 1000 }))
          : [];
        probes.push({
          alias,
          ip: a.ip!,
          mac: a.mac ?? global[0]?.mac ?? null,
          answersGlobal: global.length > 0,
          answersMac: a.mac ? byMac.length > 0 : null,
        });
      }
      for (const p of probes) {
        if (!p.answersGlobal && p.answersMac) {
          findings.push(
            `${p.alias} (${p.ip}) is locked: it answers only probes that name its MAC. Use '${p.mac}@${p.ip}' or 's20 unlock ${p.alias}'.`,
          );
        } else if (!p.answersGlobal && !p.answersMac) {
          findings.push(
            `${p.alias} (${p.ip}) did not answer: it may be off, in pairing mode (LED blinking), or have a new IP address (DHCP).`,
          );
        } else if (!discovered.some((d) => d.ip === p.ip)) {
          findings.push(
            `${p.alias} (${p.ip}) answers by unicast but not to broadcast: it is on another subnet or VLAN, or broadcast is filtered. Name it by IP (or MAC@IP).`,
          );
        }
      }
      if (discovered.length === 0 && lan.length > 0) {
        findings.push(
          `No socket answered a broadcast on ${
            lan.map((i) => `${i.name} (${i.broadcast})`).join(", ")
          }. ` +
            "The sockets may be on another subnet or VLAN than these interfaces, a firewall may drop UDP " +
            "port 10000 (check 'nft list ruleset' or 'iptables -L'), the sockets may be locked (give MAC@IP), " +
            "or they may not be paired with this Wi-Fi yet ('s20 pair').",
        );
      }
    }
    // Only loopback is a problem only when nothing answered there (an emulator lives on loopback).
    if (lan.length === 0 && discovered.length === 0) {
      findings.unshift(
        "This computer has no IPv4 network besides loopback: connect it to the network the sockets are on.",
      );
    }
    const problems = findings.length;
    if (problems === 0) findings.push(`All good: ${discovered.length} socket(s) answered.`);
    ctx.out.data({
      interfaces,
      port: { number: port, free: portFree, owners: holders, needs: search.needs },
      daemon,
      known: probes,
      discovered,
      findings,
    });
    ctx.out.line(ctx.out.bold("Interfaces"));
    for (const i of interfaces) {
      ctx.out.line(`  ${i.name.padEnd(10)} ${i.address.padEnd(15)} broadcast ${i.broadcast}`);
    }
    if (daemon) {
      ctx.out.line(ctx.out.bold("s20 daemon"));
      ctx.out.line(
        `  's20 ${daemon.mode === "schedule" ? "schedule run" : "serve"}', pid ${daemon.pid}, at ` +
          `${daemon.at}: s20 commands (and these probes) go through it; --direct bypasses it`,
      );
    }
    ctx.out.line(ctx.out.bold(`UDP port ${port}`));
    if (portFree) ctx.out.line("  free");
    for (const h of holders) ctx.out.line(`  in use: ${h.description} on ${h.address}`);
    if (!portFree && holders.length === 0) {
      ctx.out.line(`  in use by a program s20 cannot name${unnamedBecause(search.needs)}`);
    }
    if (probes.length > 0) {
      ctx.out.line(ctx.out.bold("Sockets from your config"));
      for (const p of probes) {
        ctx.out.line(
          `  ${p.alias.padEnd(12)} ${p.ip.padEnd(15)} global probe: ${
            p.answersGlobal ? "answered" : "silent"
          }${p.answersMac === null ? "" : `, MAC probe: ${p.answersMac ? "answered" : "silent"}`}`,
        );
      }
    }
    ctx.out.line(ctx.out.bold("Discovery"));
    ctx.out.line(
      `  ${discovered.length} socket(s)${discovered.map((d) => `\n  ${d.mac} ${d.ip}`).join("")}`,
    );
    ctx.out.line(ctx.out.bold("Findings"));
    for (const f of findings) ctx.out.line(`  • ${f}`);
    return problems > 0 ? EXIT.device : EXIT.ok;
  },
};

/** Why the holder of the port has no name, from what the search lacked. */
function unnamedBecause(needs: string | null): string {
  if (needs === null) return "";
  return needs.startsWith("--")
    ? ` (Deno reads /proc only with --allow-all; run s20 with ${needs} to name it)`
    : ` (install ${needs} to name it)`;
}
