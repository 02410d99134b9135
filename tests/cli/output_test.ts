/** Output speaks the user's language (issue 15.6): names, local times, durations. */
import assert from "node:assert/strict";
import { emulators, run } from "../helpers/cli_run.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { main, VERSION } from "../../lib/cli/main.ts";
import { BufferIo } from "../../lib/cli/io.ts";
import { VirtualClock } from "../../lib/time/clock.ts";

const NET = ["--port", "0"];

/** The lines of a command's standard output. */
function lines(text: string): string[] {
  return text.trimEnd().split("\n");
}

Deno.test("durations print as the user wrote them: 1h30m, 1m30s, not seconds", async () => {
  await using sockets = await emulators(163);
  const ip = "127.0.163.2";
  const mac = sockets[0]!.mac;
  const set = await run(["autooff", ip, "1h30m", ...NET]);
  assert.deepEqual(lines(set.out), [`${ip} (${mac}): auto-off after 1h30m`]);
  const read = await run(["autooff", ip, ...NET]);
  assert.deepEqual(lines(read.out), [`${ip} (${mac}): auto-off after 1h30m`]);
  const info = await run(["info", ip, ...NET]);
  assert.match(info.out, /^auto-off +1h30m after switch-on$/m);
  const countdown = await run(["countdown", ip, "90", ...NET]);
  assert.deepEqual(lines(countdown.out), [`${ip} (${mac}): off in 1m30s`]);
});

Deno.test("clock and watch show times in the local zone with its offset, not UTC Z", async () => {
  await using sockets = await emulators(164, { time: new Date("2026-12-05T17:30:00Z") });
  const ip = "127.0.164.2";
  const mac = sockets[0]!.mac;
  const berlin = { env: { TZ: "Europe/Berlin" } };
  const clock = await run(["clock", ip, ...NET], berlin);
  assert.equal(clock.code, 0, clock.err);
  // The emulated clock runs on from 17:30:00Z while the command runs.
  assert.match(clock.out, new RegExp(`^${ip} \\(${mac}\\): 2026-12-05 18:30:0\\d \\+01:00 \\(`));
  const kathmandu = await run(["clock", ip, ...NET], { env: { TZ: "Asia/Kathmandu" } });
  assert.match(kathmandu.out, /: 2026-12-05 23:15:0\d \+05:45 \(/);

  const watch = await run(["watch", ip, ...NET, "--for", "300"], { env: { TZ: "Asia/Kathmandu" } });
  assert.equal(watch.code, 0, watch.err);
  const [first] = lines(watch.out);
  assert.match(
    first!,
    new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+05:45 ${ip} \\(${mac}\\) off$`),
  );
  // The local time and offset name the instant of the event: now, give or take the run.
  const instant = Date.parse(first!.slice(0, 26).replace(" ", "T").replace(" ", ""));
  assert.ok(Math.abs(Date.now() - instant) < 60_000, first);
});

Deno.test("schedule plan text ends with a newline", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/home.yaml`;
  await Deno.writeTextFile(
    file,
    "timezone: Europe/Berlin\nsockets: { lamp: { ip: 192.0.2.3 } }\n" +
      "rules: [{ name: Evening, sockets: lamp, on: '19:00', off: '23:30' }]\n",
  );
  const plan = await run(["schedule", "plan", file, "--from", "2026-12-07", "--days", "1"]);
  assert.equal(plan.code, 0, plan.err);
  assert.ok(plan.out.endsWith("19:00–23:30\n"), JSON.stringify(plan.out.slice(-40)));
  assert.ok(!plan.out.endsWith("\n\n"));
});

Deno.test("an unknown command prints its hint once", async () => {
  const { code, err } = await run(["stauts"]);
  assert.equal(code, 2);
  assert.equal(
    err,
    "s20: error: unknown command 'stauts' (did you mean 'status'?)\nRun 's20 --help' for usage.\n",
  );
  const flagFirst = await run(["--all", "status"]);
  assert.equal(
    flagFirst.err,
    "s20: error: put flags after the command: 's20 COMMAND --all'\nRun 's20 --help' for usage.\n",
  );
});

Deno.test("--json is accepted before the command and before the subcommand", async () => {
  await using sockets = await emulators(165);
  const ip = "127.0.165.2";
  const after = await run(["status", ip, ...NET, "--json"]);
  const before = await run(["--json", "status", ip, ...NET]);
  assert.equal(before.code, 0, before.out + before.err);
  assert.deepEqual(JSON.parse(before.out), JSON.parse(after.out));
  const timers = await run(["timers", "--json", "list", ip, ...NET]);
  assert.equal(timers.code, 0, timers.out + timers.err);
  assert.deepEqual(JSON.parse(timers.out), { target: ip, timers: [] });
  const version = await run(["--json", "--version"]);
  assert.deepEqual(JSON.parse(version.out), { version: VERSION });
  assert.equal(sockets.length, 3);
});

Deno.test("the local address is --hostname, as S20Client's option; --bind still works", async () => {
  await using sockets = await emulators(166);
  const ip = "127.0.166.2";
  const named = await run(["status", ip, "--hostname", "127.0.166.1", ...NET, "--json"]);
  assert.equal(named.code, 0, named.err);
  assert.equal(named.err, "");
  assert.equal(JSON.parse(named.out)[0].mac, sockets[0]!.mac);
  const old = await run(["status", ip, "--bind", "127.0.166.1", ...NET, "--json"]);
  assert.equal(old.code, 0, old.err);
  assert.equal(
    old.err,
    "s20: note: --bind is now --hostname (as S20Client's option); --bind still works\n",
  );
  // Bound where it was told: an address that is not this computer's fails to bind.
  const wrong = await run(["status", ip, "--hostname", "192.0.2.1", ...NET, "--direct"]);
  assert.equal(wrong.code, 1);
  const help = await run(["status", "--help"]);
  assert.match(help.out, /--hostname ADDR +local address to listen on/);
  assert.doesNotMatch(help.out, /--bind/);
});

Deno.test("aliases and socket names stand beside MACs: discover, status, watch and JSON", async () => {
  await using sockets = await emulators(167);
  const [a, b, c] = sockets.map((s) => s.mac);
  await using dir = await tempDir();
  const config = `${dir.path}/config.yaml`;
  await Deno.writeTextFile(
    config,
    `sockets:\n  desk: ${a}\n  hall: { ip: 127.0.167.3 }\ntargets: [127.0.167.0/29]\n`,
  );
  const env = { env: { S20_CONFIG: config } };
  assert.equal((await run(["rename", "desk", "Desk lamp", ...NET], env)).code, 0);

  const discover = await run(
    ["discover", ...NET, "--wait", "400"],
    env,
  );
  assert.equal(discover.code, 0, discover.err);
  const rows = lines(discover.out).map((l) => l.replace(/\s+[+-][\d.]+ s$/, ""));
  assert.deepEqual(rows.slice(0, 1), [
    "MAC                ALIAS  NAME       IP           MODEL   STATE  CLOCK",
  ]);
  assert.deepEqual(rows.slice(1).sort(), [
    `${a}  desk   Desk lamp  127.0.167.2  SOC005  off`,
    `${b}  hall   -          127.0.167.3  SOC005  off`,
    `${c}  -      -          127.0.167.4  SOC005  off`,
  ]);
  const json = JSON.parse(
    (await run(["discover", ...NET, "--wait", "400", "--json"], env))
      .out,
  );
  const byMac = new Map(json.map((r: { mac: string }) => [r.mac, r]));
  assert.deepEqual(
    [a, b, c].map((m) => {
      const r = byMac.get(m) as { alias: string | null; name: string | null };
      return [r.alias, r.name];
    }),
    [["desk", "Desk lamp"], ["hall", null], [null, null]],
  );

  const status = await run(["status", "desk", "127.0.167.3", c!, ...NET], env);
  assert.equal(status.code, 0, status.err);
  assert.deepEqual(lines(status.out), [
    "SOCKET             MAC                ALIAS  NAME       IP           STATE",
    `desk               ${a}  desk   Desk lamp  127.0.167.2  off`,
    `127.0.167.3        ${b}  hall   -          127.0.167.3  off`,
    `${c}  ${c}  -      -          127.0.167.4  off`,
  ]);
  const statusJson = JSON.parse((await run(["status", a!, ...NET, "--json"], env)).out);
  assert.deepEqual(statusJson, [
    { target: a, mac: a, alias: "desk", name: "Desk lamp", ip: "127.0.167.2", on: false },
  ]);
  const on = JSON.parse((await run(["on", "127.0.167.3", ...NET, "--json"], env)).out);
  assert.deepEqual(on, [{ target: "127.0.167.3", mac: b, alias: "hall", on: true }]);

  const watch = await run(["watch", "desk", ...NET, "--for", "1500"], env);
  assert.match(lines(watch.out)[0]!, new RegExp(` desk "Desk lamp" \\(${a}\\) off$`));
  const watchJson = await run(["watch", "desk", ...NET, "--for", "1500", "--json"], env);
  const event = JSON.parse(lines(watchJson.out)[0]!);
  assert.deepEqual([event.mac, event.alias, event.name], [a, "desk", "Desk lamp"]);
});

Deno.test("timers list marks the records a schedule owns and shows when each next fires", async () => {
  await using sockets = await emulators(168);
  const ip = "127.0.168.2";
  await using dir = await tempDir();
  const file = `${dir.path}/home.yaml`;
  await Deno.writeTextFile(
    file,
    `timezone: Europe/Berlin\nsockets: { lamp: { ip: ${ip} } }\n` +
      "rules: [{ name: Evening, sockets: lamp, on: '19:00', off: '23:30' }]\n",
  );
  const sync = await run(["schedule", "sync", file, ...NET]);
  assert.equal(sync.code, 0, sync.out + sync.err);
  await run(["timers", "add", ip, "--on", "07:30", "--days", "mon-fri", "--id", "7", ...NET]);
  await run(["timers", "add", ip, "--off", "01:00", "--date", "2026-01-01", "--id", "8", ...NET]);

  // Saturday 2026-12-05, 13:00 in Berlin (the socket's zone, +01:00 since the sync).
  const clock = new VirtualClock({ start: "2026-12-05T12:00:00Z", speed: 1 });
  const list = async (args: string[], env: Record<string, string>) => {
    const io = new BufferIo({ env: { HOME: "/nonexistent", ...env } });
    const code = await main(["timers", "list", ip, ...NET, ...args], io, { clock });
    assert.equal(code, 0, io.err);
    return io.out;
  };
  const json = JSON.parse(await list(["--schedule", file, "--json"], { TZ: "Europe/Berlin" }));
  const ids = Object.fromEntries(
    json.timers.map((t: { id: number; time: string }) => [t.time, t.id]),
  );
  const rows = (text: string) => lines(text).slice(1).sort();
  const owned = await list(["--schedule", file], { TZ: "Europe/Berlin" });
  assert.equal(
    lines(owned)[0],
    "ID     ACTION  TIME      WHEN                                NEXT                        OWNER",
  );
  assert.deepEqual(
    rows(owned),
    [
      `${ids["19:00:00"]}`.padEnd(5) +
      "  on      19:00:00  weekly mon,tue,wed,thu,fri,sat,sun  2026-12-05 19:00:00 +01:00  schedule (Evening)",
      `${ids["23:30:00"]}`.padEnd(5) +
      "  off     23:30:00  weekly mon,tue,wed,thu,fri,sat,sun  2026-12-05 23:30:00 +01:00  schedule (Evening)",
      "7      on      07:30:00  weekly mon,tue,wed,thu,fri          2026-12-07 07:30:00 +01:00  -",
      "8      off     01:00:00  once 2026-01-01                     -                           -",
    ].sort(),
  );
  // In another zone, NEXT is in the user's zone; without the schedule, records say only s20.
  const away = await list([], { TZ: "Asia/Kathmandu" });
  assert.match(
    away,
    /^\d+ +on +19:00:00 +weekly \S+ +2026-12-05 23:45:00 \+05:45 +s20 rule r\w+$/m,
  );
  const byId = new Map(json.timers.map((t: { id: number }) => [t.id, t]));
  assert.deepEqual(byId.get(7), {
    id: 7,
    action: "on",
    time: "07:30:00",
    days: ["mon", "tue", "wed", "thu", "fri"],
    next: "2026-12-07T06:30:00.000Z",
    rule: null,
    owned: false,
  });
  const evening = byId.get(ids["19:00:00"]) as { next: string; owned: boolean; rule: string };
  assert.deepEqual([evening.next, evening.owned], ["2026-12-05T18:00:00.000Z", true]);
  assert.equal(sockets.length, 3);
});
