import type { CommandSpec } from "../command.ts";
import { loadConfig } from "../config.ts";
import { ipv4Interfaces } from "../../transport/interfaces.ts";
import { findUdpPortOwners } from "../../transport/port_owner.ts";
import { describeHolder, unnamedBecause } from "../../api/port_holder.ts";
import { doctorReport } from "../../api/doctor_report.ts";
import { EXIT } from "../usage_error.ts";
import { listenUdp } from "../../transport/udp.ts";
import { PortInUseError } from "../../errors.ts";
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
    const interfaces = ipv4Interfaces();
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
    const { aliases } = loadConfig(ctx.io, {
      config: ctx.string("config"),
      schedule: ctx.string("schedule"),
    });
    const known = [...aliases].filter(([, a]) => a.ip).map(([alias, a]) => ({
      alias,
      ip: a.ip!,
      mac: a.mac ?? null,
    }));
    const { known: probes, discovered, findings, problems } = await doctorReport({
      interfaces,
      port: { number: port, free: portFree, owners: holders, needs: search.needs },
      daemon,
      problem,
      known,
      controller: () => ctx.client(),
      wait,
      discovering: (work) => ctx.out.progress("Discovering", work),
    });
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
