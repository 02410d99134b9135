/** Output speaks the user's language (issue 15.6): names, local times, durations. */
import assert from "node:assert/strict";
import { emulators, run } from "../helpers/cli_run.ts";

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
