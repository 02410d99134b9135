/** Output speaks the user's language (issue 15.6): names, local times, durations. */
import assert from "node:assert/strict";
import { emulators, run } from "../helpers/cli_run.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { VERSION } from "../../lib/cli/main.ts";

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
  assert.match(first!, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+05:45 ${ip} `));
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
