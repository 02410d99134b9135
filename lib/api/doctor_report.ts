/**
 * What `s20 doctor` finds, worded: one implementation for the command and for the web page's
 * doctor, which runs it inside the daemon with the daemon's own controller. It discovers and
 * probes; it never prints (the caller shows the report).
 */
import type { Controller } from "../client/controller.ts";
import type { DiscoveredSocket } from "../client/types.ts";
import type { Ipv4Interface } from "../transport/interfaces.ts";
import { isLoopback } from "../transport/ipv4.ts";
import { type Holder, holderAdvice, unnamedBecause } from "./port_holder.ts";

/** The state of the UDP port sockets answer on, as seen before the doctor probes. */
export interface DoctorPort {
  /** The port (10000 unless `--port` says otherwise). */
  readonly number: number;
  /** Whether a bind of it succeeded (no one holds it). */
  readonly free: boolean;
  /** Who holds it, when it is held and the search could name them. */
  readonly owners: readonly Holder[];
  /** What would name the holders when the search could not (`--allow-run=ss,ps`, `ss`). */
  readonly needs: string | null;
}

/** A socket named by the user (config or schedule), with the address to probe. */
export interface DoctorKnownSocket {
  readonly alias: string;
  /** Its IPv4 address, with `:PORT` when not 10000. */
  readonly ip: string;
  /** Its MAC as written by the user, if any: locked sockets answer only probes naming it. */
  readonly mac: string | null;
}

/** How a named socket answered. */
export interface DoctorProbe {
  readonly alias: string;
  readonly ip: string;
  /** The MAC written, else the one it answered with, else `null`. */
  readonly mac: string | null;
  /** Whether it answered a probe that names no MAC. */
  readonly answersGlobal: boolean;
  /** Whether it answered a probe naming its MAC; `null` when no MAC was written. */
  readonly answersMac: boolean | null;
}

/** What {@link doctorReport} looks at. */
export interface DoctorInput {
  /** This computer's IPv4 interfaces. */
  readonly interfaces: readonly Ipv4Interface[];
  /** The sockets' UDP port. */
  readonly port: DoctorPort;
  /** The s20 daemon that serves this user (the one the probes go through), if any. */
  readonly daemon: { readonly pid: number } | null;
  /** Why a daemon that was found cannot be used; the probes are then skipped. */
  readonly problem: string | null;
  /** The sockets the user named, probed one by one. */
  readonly known: readonly DoctorKnownSocket[];
  /** The controller to discover and probe with, asked for only when the doctor may probe. */
  readonly controller: () => Controller;
  /** How long the discovery listens, in ms. */
  readonly wait: number;
  /** How long each probe of a named socket listens, in ms (default 1000). */
  readonly probeWait?: number;
  /** Wraps the discovery while it runs (the CLI shows progress). */
  readonly discovering?: <T>(work: Promise<T>) => Promise<T>;
}

/** What the doctor found. */
export interface DoctorReport {
  /** How each named socket answered (empty when the probes were skipped). */
  readonly known: DoctorProbe[];
  /** The sockets that answered the discovery. */
  readonly discovered: DiscoveredSocket[];
  /** The findings, in plain words: the problems, or one "All good" line. */
  readonly findings: string[];
  /** How many findings are problems (0 when all is good). */
  readonly problems: number;
}

/**
 * Runs the doctor's checks: a discovery and a probe of each named socket (globally and by
 * MAC) through `controller`, when the port is free or a daemon serves it, and words what it
 * finds: who holds the port, locked sockets, silent ones, ones only unicast reaches, no answer
 * to broadcast, no network.
 *
 * @example
 * ```ts
 * import { doctorReport } from "./doctor_report.ts";
 * import { S20Client } from "../client/client.ts";
 * import { ipv4Interfaces } from "../transport/interfaces.ts";
 *
 * await using client = new S20Client({ hostname: "127.0.0.1", port: 0, targets: ["127.0.0.1"] });
 * const report = await doctorReport({
 *   interfaces: ipv4Interfaces(),
 *   port: { number: 10000, free: true, owners: [], needs: null },
 *   daemon: null,
 *   problem: null,
 *   known: [],
 *   controller: () => client,
 *   wait: 500,
 * });
 * for (const finding of report.findings) console.log(finding);
 * ```
 *
 * @param input What to look at and what to probe with.
 * @returns The probes, the discovery and the findings.
 */
export async function doctorReport(input: DoctorInput): Promise<DoctorReport> {
  const { interfaces, port, daemon, problem, known } = input;
  const probeWait = input.probeWait ?? 1000;
  const findings: string[] = [];
  const lan = interfaces.filter((i) => !isLoopback(i.address));
  // s20 commands would fail the same way: the probes below are skipped.
  if (problem) findings.push(problem);
  if (!daemon && !port.free) findings.push(portHeldFinding(port));
  const probes: DoctorProbe[] = [];
  let discovered: DiscoveredSocket[] = [];
  if (daemon || (port.free && !problem)) {
    const client = input.controller();
    const discovery = Array.fromAsync(client.discover({ timeout: input.wait }));
    discovered = await (input.discovering ? input.discovering(discovery) : discovery);
    // One probe at a time: a probe naming no MAC would take the answer to one naming it.
    for (const { alias, ip, mac } of known) {
      const global = await Array.fromAsync(client.discover({ targets: [ip], timeout: probeWait }));
      const byMac = mac
        ? await Array.fromAsync(client.discover({ targets: [`${mac}@${ip}`], timeout: probeWait }))
        : [];
      probes.push({
        alias,
        ip,
        mac: mac ?? global[0]?.mac ?? null,
        answersGlobal: global.length > 0,
        answersMac: mac ? byMac.length > 0 : null,
      });
    }
    for (const p of probes) {
      const finding = probeFinding(p, discovered);
      if (finding) findings.push(finding);
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
  return { known: probes, discovered, findings, problems };
}

/** Who holds the port, and what to do about it. */
function portHeldFinding(port: DoctorPort): string {
  const { number, owners, needs } = port;
  if (owners.length === 0) {
    return `UDP port ${number} is owned by a program s20 cannot name${unnamedBecause(needs)}. ${
      holderAdvice(["hidden"], number)
    }`;
  }
  return `UDP port ${number} is owned by ${
    owners.map((h) => `${h.description} on ${h.address}`).join("; ")
  }. ${holderAdvice(owners.map((h) => h.kind), number)}${
    needs ? ` Run s20 with ${needs} to see command lines.` : ""
  }`;
}

/** What is wrong with one named socket, from its probes and the discovery, or `null`. */
function probeFinding(p: DoctorProbe, discovered: readonly DiscoveredSocket[]): string | null {
  if (!p.answersGlobal && p.answersMac) {
    return `${p.alias} (${p.ip}) is locked: it answers only probes that name its MAC. Use '${p.mac}@${p.ip}' or 's20 unlock ${p.alias}'.`;
  }
  if (!p.answersGlobal && !p.answersMac) {
    return `${p.alias} (${p.ip}) did not answer: it may be off, in pairing mode (LED blinking), or have a new IP address (DHCP).`;
  }
  if (!discovered.some((d) => d.ip === p.ip)) {
    return `${p.alias} (${p.ip}) answers by unicast but not to broadcast: it is on another subnet or VLAN, or broadcast is filtered. Name it by IP (or MAC@IP).`;
  }
  return null;
}
