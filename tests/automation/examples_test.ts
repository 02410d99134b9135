/** The shipped examples of scripts/automations/, each against emulated sockets. */
import assert from "node:assert/strict";
import { automationRig, EXAMPLES, until } from "../helpers/automation_rig.ts";

/** Lets messages between the daemon and the worker pass (real time; the clock stands still). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 50));

Deno.test("kettle guard: off after 20 min on by hand; left alone when the schedule switched it on", async () => {
  await using a = await automationRig({
    "home.yaml": `
timezone: Europe/London
sockets: { kettle: { mac: "ac:cf:23:78:05:01" } }
rules:
  - { name: Morning tea, sockets: kettle, at: "12:00", action: on, run: host }
automations:
  - script: ${EXAMPLES}kettle_guard.ts
    options: { socket: kettle, minutes: 20 }
`,
  }, { start: "2026-06-01T10:00:00Z" }); // 11:00 BST
  const kettle = a.rig.emulators.kettle!.device;
  const lines = () => a.log.filter((e) => e.kind === "automation").map((e) => e.message);
  await until(() => lines().some((l) => /guarding kettle/.test(l)), "the guard's start");
  kettle.pressButton();
  await until(() => lines().some((l) => /kettle on: off in 20 min/.test(l)), "the guard");
  // The guard asks for its 20-minute sleep by message after that line: let it land before the
  // clock moves (a loaded machine can take a while).
  await new Promise<void>((resolve) => setTimeout(resolve, 500));
  await a.clock.advance(20 * 60_000 - 1000, settle);
  assert.equal(kettle.on, true, "not before 20 minutes");
  await a.clock.advance(1000, settle);
  await until(() => !kettle.on, "the guard to switch it off");
  assert.ok(lines().includes("[kettle_guard] switched off after 20 min on"));

  // 12:00 BST: the schedule's own event switches it on; the guard leaves it.
  await a.clock.advance(40 * 60_000, () => a.daemon.idle());
  await until(() => kettle.on, "the schedule's event");
  await until(() => lines().some((l) => /on by the schedule: not guarded/.test(l)), "no guard");
  await a.clock.advance(30 * 60_000, settle);
  assert.equal(kettle.on, true);
});

Deno.test("restore after a power cut: a socket that reboots returns to its last state", async () => {
  await using a = await automationRig({
    "home.yaml": `
timezone: Europe/London
sockets:
  fridge: { mac: "ac:cf:23:78:06:01" }
  lamp: { mac: "ac:cf:23:78:06:02" }
rules:
  - { name: Evening, sockets: lamp, on: "06:00", off: "23:00" }
automations:
  - script: ${EXAMPLES}restore_after_power_cut.ts
`,
  });
  const { fridge, lamp } = a.rig.emulators;
  const lines = () => a.log.filter((e) => e.kind === "automation").map((e) => e.message);
  await until(() => lines().some((l) => /watching fridge, lamp/.test(l)), "watching");
  await a.rig.client.socket(a.rig.overrides.fridge!).on();
  await until(() => lines().length > 0 && fridge!.device.on, "fridge on");
  await settle();
  fridge!.device.powerCut({ offMs: 60_000 });
  assert.equal(fridge!.device.on, false);
  await a.clock.advance(60_000, settle);
  await until(() => fridge!.device.on, "the fridge back on", 5000);
  await until(() => lines().some((l) => /fridge rebooted; switched back on/.test(l)), "the line");
  lamp!.device.powerCut({ offMs: 0 });
  await until(
    () =>
      lines().some((l) => /lamp rebooted; its schedule says on, which the daemon restores/.test(l)),
    "the lamp left to the schedule",
  );
});

Deno.test("clock skew report: one line a day at the set local time, a reading per socket", async () => {
  await using a = await automationRig({
    "home.yaml": `
timezone: Europe/London
sockets:
  fridge: { mac: "ac:cf:23:78:07:01" }
  lamp: { mac: "ac:cf:23:78:07:02" }
rules: []
automations:
  - script: ${EXAMPLES}clock_skew_report.ts
    options: { at: "12:00" }
`,
  }, { start: "2026-06-01T10:00:00Z" }); // 11:00 BST
  const reports = () => a.log.filter((e) => /clock skew: /.test(e.message));
  await a.until((e) => /reporting clock skew daily at 12:00/.test(e.message), "its start");
  await settle();
  await a.clock.advance(3600_000 - 1, settle);
  assert.equal(reports().length, 0);
  await a.clock.advance(1, settle);
  await until(() => reports().length === 1, "the first report");
  const first = reports()[0]!;
  assert.equal(first.at.toISOString(), "2026-06-01T11:00:00.000Z");
  assert.match(
    first.message,
    /^\[clock_skew_report\] clock skew: fridge [+-]\d+\.\d s, lamp [+-]\d+\.\d s$/,
  );
  // Hour by hour: the script asks for its next sleep by message, which may land after the first
  // step under load; a whole day at once would then carry it past the next report.
  for (let hour = 0; hour < 24; hour++) await a.clock.advance(3600_000, settle);
  await until(() => reports().length === 2, "the next day's report");
  assert.equal(reports()[1]!.at.toISOString(), "2026-06-02T11:00:00.000Z");
});
