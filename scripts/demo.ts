// deno-lint-ignore-file no-console
/**
 * `deno task demo`: the whole product with no hardware. Emulated sockets stand in for the
 * sockets of schedules.example.yaml, the scheduler daemon runs that file, and a virtual clock
 * plays Friday 25 December 2026 (London) in under a minute: a sunset event, windows, a random
 * rule, the sockets' own timers and a host-side cron rule. Every decision is printed as it
 * happens, and a timeline per socket at the end.
 */
import { VirtualClock } from "../lib/time/mod.ts";
import { S20Client } from "../mod.ts";
import { type Emulator, startEmulator } from "../lib/emulator/emulator.ts";
import { parseSchedule } from "../lib/schedule/parse_schedule.ts";
import { SchedulerDaemon } from "../lib/scheduler/daemon.ts";
import type { LogEntry } from "../lib/scheduler/log_entry.ts";

const FILE = new URL("../schedules.example.yaml", import.meta.url).pathname;
const DAY = "2026-12-25";
const START = "2026-12-25T00:00:00Z"; // midnight in London (GMT in winter)
const HOURS = 24;
// 24 virtual hours in 36 real seconds; `--speed N` to change (the test plays it faster).
const speedArg = Deno.args.indexOf("--speed");
const SPEED = speedArg >= 0 ? Number(Deno.args[speedArg + 1]) : 2400;
if (!(SPEED > 0)) throw new RangeError("--speed must be a number above 0");
const color = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);

const schedule = parseSchedule(Deno.readTextFileSync(FILE), { file: "schedules.example.yaml" });
const clock = new VirtualClock({ start: START, speed: 0 });
const local = (ms: number) =>
  Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(schedule.timezone).toPlainTime()
    .toString({ smallestUnit: "second" });

console.log(
  bold(
    `s20 demo: ${
      FILE.split("/").pop()
    } on ${DAY} (${schedule.timezone}), ${HOURS} h at ${SPEED}× speed\n`,
  ),
);

// One emulated socket per alias, with the file's MAC and name where it gives them. Their
// clocks start unset, as after a power cut: the daemon must set them.
const emulators = new Map<string, Emulator>();
let n = 0;
for (const [alias, address] of Object.entries(schedule.sockets)) {
  n++;
  emulators.set(
    alias,
    await startEmulator({
      hostname: "127.0.0.1",
      port: 0,
      replyTo: "source",
      mac: address.mac ?? `ac:cf:23:de:00:${n.toString(16).padStart(2, "0")}`,
      ...(address.name ? { name: address.name } : {}),
      clock,
      time: "unset",
      // Virtual time runs thousands of times faster: a real 5 ms reply delay would look like 12 s.
      replyDelayMs: 0,
      pushDelayMs: 0,
      pushRepeatMs: 1,
      discoverySpacingMs: 0,
    }),
  );
}
for (const [alias, e] of emulators) {
  console.log(
    dim(
      `  emulated ${alias.padEnd(7)} ${e.mac} at 127.0.0.1:${e.address.port}${
        e.device.socketData.name ? ` named "${e.device.socketData.name}"` : ""
      }`,
    ),
  );
  e.device.onEvent((event) => {
    if (event.type === "relay" && event.change.cause !== "dc") {
      console.log(
        `${local(clock.now())}  ${alias.padEnd(7)} ${event.change.on ? "on " : "off"}  ${
          dim(`(the socket's own ${event.change.cause})`)
        }`,
      );
    }
  });
}
console.log();

const client = new S20Client({ hostname: "127.0.0.1", port: 0, clock, keepAliveMs: 120_000 });
// Sockets named only by their stored name are found by discovery among these addresses.
const targets = [...emulators.values()].map((e) => `127.0.0.1:${e.address.port}`);
const overrides = Object.fromEntries(
  [...emulators].filter(([alias]) => schedule.sockets[alias]!.mac || schedule.sockets[alias]!.ip)
    .map(([alias, e]) => [alias, { mac: e.mac, ip: "127.0.0.1", port: e.address.port }]),
);
const shown = new Set<LogEntry["kind"]>([
  "fired",
  "missed",
  "mismatch",
  "reconciled",
  "clock-set",
  "zone-set",
  "synced",
  "error",
  "reload-failed",
  "reboot",
  "offline",
  "online",
]);
const daemon = new SchedulerDaemon({
  file: FILE,
  controller: client,
  clock,
  overrides,
  targets,
  watch: false,
  log(entry) {
    if (shown.has(entry.kind) || Deno.env.get("DEMO_ALL")) {
      console.log(`${local(entry.at.getTime())}  ${entry.kind.padEnd(10)} ${entry.message}`);
    }
  },
});
await daemon.start();
console.log(dim(`\n  …playing the day…\n`));
clock.speed = SPEED;
const end = new Date(START).getTime() + HOURS * 3600_000;
while (clock.now() < end) await new Promise((r) => setTimeout(r, 50));
clock.speed = 0;
await daemon.stop();

// Timeline: one column per half hour, █ on for the whole half hour, ▒ partly, · off.
console.log(bold(`\nTimeline of ${DAY} (${schedule.timezone}), one column per 30 minutes`));
console.log(dim(`           00    03    06    09    12    15    18    21    24`));
const dayStart = new Date(START).getTime();
for (const [alias, e] of emulators) {
  const changes = e.device.history.filter((c) => c.at >= dayStart && c.at <= end);
  const cells: string[] = [];
  for (let i = 0; i < 48; i++) {
    const from = dayStart + i * 1800_000;
    const to = from + 1800_000;
    const stateAt = (t: number) => {
      const before = e.device.history.filter((c) => c.at <= t).at(-1);
      return before?.on ?? false;
    };
    const inside = changes.filter((c) => c.at > from && c.at < to);
    const states = [stateAt(from), ...inside.map((c) => c.on)];
    cells.push(states.every(Boolean) ? "█" : states.some(Boolean) ? "▒" : "·");
  }
  const switches = changes.map((c) =>
    `${local(c.at).slice(0, 5)} ${c.on ? "on" : "off"} (${c.cause === "dc" ? "host" : c.cause})`
  );
  console.log(`  ${alias.padEnd(7)}  ${cells.join("")}`);
  console.log(dim(`           ${switches.join(", ") || "no switching"}`));
}
await client.close();
for (const e of emulators.values()) await e.close();
clock.dispose();
