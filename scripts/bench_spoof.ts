// deno-lint-ignore-file no-console
/**
 * Hostile-network benchmark (issue 13, points 1 and 3), all on loopback, printing figures:
 *   spoof   an attacker on another 127.x address floods the client with forged discovery
 *           replies, `cl` replies and `sf` pushes carrying the MACs of live emulated sockets
 *           (half named MAC@IP, half by MAC alone), each claiming the opposite of the true
 *           relay state. Then: how many handles point at the attacker, how many state events
 *           were wrong, and how many later `state()` calls failed or lied.
 *   macs    the attacker floods discovery replies with random MACs: the registry's size and the
 *           process's RSS before, right after, and after idling.
 * The flood is bounded by `--count` (default 1,000,000 datagrams per phase).
 *
 *   deno run -A --v8-flags=--expose-gc scripts/bench_spoof.ts [spoof] [macs]
 *     [--count 1000000] [--sockets 8] [--idle-seconds 10]
 */
import { encode, type Mac, type Message, S20Client } from "../mod.ts";
import { startEmulator } from "../lib/emulator/emulator.ts";
import type { Emulator } from "../lib/emulator/emulator.ts";
import { listenUdp } from "../lib/transport/udp.ts";
import { formatAddress } from "../lib/util/address.ts";

const args = Deno.args.filter((a, i) => !a.startsWith("--") && !Deno.args[i - 1]?.startsWith("--"));
const which = new Set(args.length > 0 ? args : ["spoof", "macs"]);
const flag = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  const n = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} takes a whole number`);
  return n;
};
const count = flag("count", 1_000_000);
const socketCount = Math.max(2, flag("sockets", 8));
const idleSeconds = flag("idle-seconds", 10);
const ATTACKER = "127.0.66.6";
/** Datagrams sent before yielding to the event loop, so the client keeps up with the flood. */
const BURST = 32;

const gc = (globalThis as { gc?: () => void }).gc;
/** RSS in MB, with the JS heap in use in parentheses (after a collection when `gc` is exposed). */
function rssMb(): string {
  gc?.();
  const { rss, heapUsed } = Deno.memoryUsage();
  return `${(rss / 2 ** 20).toFixed(0)} (heap ${(heapUsed / 2 ** 20).toFixed(0)})`;
}

/** Sends `total` datagrams built by `make`, yielding now and then; returns the seconds taken. */
async function flood(
  to: { hostname: string; port: number },
  total: number,
  make: (i: number) => Message,
  onQuarter?: () => void,
) {
  const attacker = listenUdp({ hostname: ATTACKER, port: 0 });
  const started = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      await attacker.send(encode(make(i)), to).catch(() => {});
      if (i % BURST === BURST - 1) await new Promise((resolve) => setTimeout(resolve, 0));
      if (onQuarter && (i + 1) % Math.ceil(total / 4) === 0) onQuarter();
    }
  } finally {
    attacker.close();
  }
  return (performance.now() - started) / 1000;
}

async function spoof(): Promise<void> {
  const emulators: Emulator[] = [];
  for (let i = 0; i < socketCount; i++) {
    emulators.push(
      await startEmulator({
        hostname: `127.0.77.${i + 1}`,
        port: 0,
        replyTo: "source",
        mac: `ac:cf:23:77:00:${(i + 1).toString(16).padStart(2, "0")}`,
      }),
    );
  }
  const targets = emulators.map((e) => formatAddress(e.address));
  const client = new S20Client({ hostname: "127.0.0.1", port: 0, targets, timeout: 1500 });
  try {
    // Even sockets are named MAC@IP (pinned), odd ones by MAC alone (located by discovery).
    const handles = emulators.map((e, i) =>
      i % 2 === 0 ? client.socket(`${e.mac}@${targets[i]}`) : client.socket(e.mac)
    );
    await Promise.all(handles.map((h) => h.state()));
    const truth = new Map(emulators.map((e) => [e.mac as string, e.device.on]));
    let wrongEvents = 0;
    const stop = new AbortController();
    const watching = (async () => {
      for await (const event of client.events({ signal: stop.signal })) {
        if (event.type === "state" && event.on !== truth.get(event.mac)) wrongEvents++;
      }
    })().catch(() => {});
    const before = rssMb();
    const kinds = ["discoverReply", "subscribeReply", "stateReport"] as const;
    const seconds = await flood(client.local, count, (i): Message => {
      const e = emulators[i % emulators.length]!;
      const mac = e.mac as Mac;
      const on = !e.device.on;
      const kind = kinds[Math.floor(i / emulators.length) % kinds.length]!;
      if (kind === "discoverReply") {
        return { kind, command: "qa", mac, model: "SOC005", clock: 0, on };
      }
      return kind === "subscribeReply"
        ? { kind, mac, session: 0, on }
        : { kind, mac, session: 0, on };
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = rssMb();
    const moved = handles.filter((h) => h.address?.hostname === ATTACKER).length;
    const movedPinned = handles.filter((h, i) => i % 2 === 0 && h.address?.hostname === ATTACKER)
      .length;
    let failed = 0;
    let lied = 0;
    await Promise.all(handles.map(async (h, i) => {
      try {
        if ((await h.state()) !== emulators[i]!.device.on) lied++;
      } catch {
        failed++;
      }
    }));
    stop.abort();
    await watching;
    console.log(
      `spoof: ${count} forged datagrams from ${ATTACKER} in ${seconds.toFixed(1)} s: ` +
        `${moved} of ${handles.length} handles point at the attacker ` +
        `(${movedPinned} of ${Math.ceil(handles.length / 2)} named MAC@IP); ` +
        `${wrongEvents} state events reported a state the socket did not have; ` +
        `later state(): ${failed} failed, ${lied} answered wrong; RSS ${before} -> ${after} MB`,
    );
  } finally {
    await client.close();
    await Promise.all(emulators.map((e) => e.close()));
  }
}

async function randomMacs(): Promise<void> {
  const client = new S20Client({ hostname: "127.0.0.1", port: 0 });
  try {
    const before = rssMb();
    const mac = new Uint8Array(6);
    const during: string[] = [];
    const seconds = await flood(client.local, count, () => {
      crypto.getRandomValues(mac);
      const text = [...mac].map((b) => b.toString(16).padStart(2, "0")).join(":") as Mac;
      return {
        kind: "discoverReply",
        command: "qa",
        mac: text,
        model: "SOC005",
        clock: 0,
        on: true,
      };
    }, () => during.push(rssMb()));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = rssMb();
    const size = client.known.size;
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const idle = rssMb();
    console.log(
      `macs: ${count} discovery replies with random MACs in ${seconds.toFixed(1)} s: ` +
        `registry holds ${size}; RSS ${before} -> ${after} MB (at each quarter: ${
          during.join(", ")
        }), ` +
        `${idle} MB after ${idleSeconds} s idle` +
        (gc ? " (after gc)" : ""),
    );
  } finally {
    await client.close();
  }
}

if (which.has("spoof")) await spoof();
if (which.has("macs")) await randomMacs();
