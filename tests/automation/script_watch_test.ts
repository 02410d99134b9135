/**
 * A save of an automation's script restarts that automation alone, as a reload would, without
 * the schedule being read again or the sockets synced: the daemon follows each script's folder
 * (scripts may live outside the schedule's), so saves by rename are seen too.
 */
import assert from "node:assert/strict";
import { automationRig, until } from "../helpers/automation_rig.ts";

const SCHEDULE = `
timezone: Europe/London
sockets: { desk: { mac: "ac:cf:23:78:04:01" } }
rules:
  - { sockets: desk, cron: "0 7 * * *", action: on }
automations:
  - script: ./steady.js
  - script: ./more/edited.js
`;

/** A script that logs a version and a run id, then waits for its signal. */
const script = (version: string) => `
export default async function ({ log, signal }) {
  log("${version} " + crypto.randomUUID());
  await new Promise((resolve) => signal.addEventListener("abort", resolve));
}
`;

Deno.test("saving one automation's script restarts it alone, by rename or in place, with no schedule reload", async () => {
  await using a = await automationRig({
    "home.yaml": SCHEDULE,
    "steady.js": script("steady"),
    "more/edited.js": script("v1"),
  }, { daemon: { watch: true } });
  const lines = (name: string) =>
    a.log.filter((e) => e.automation === name && e.kind === "automation").map((e) => e.message);
  const count = (kind: string, automation?: string) =>
    a.log.filter((e) =>
      e.kind === kind && (automation === undefined || e.automation === automation)
    )
      .length;
  await until(() => lines("steady").length === 1 && lines("edited").length === 1, "both running");
  await a.daemon.idle();
  const steadySince = a.daemon.automations()[0]!.since;
  const synced = count("synced");
  assert.equal(synced, 1, "the start synced the socket once");

  // An atomic save: a new file in the script's folder renamed over the script.
  await a.write("more/.edited.js.tmp", script("v2"));
  await Deno.rename(`${a.dir}/more/.edited.js.tmp`, `${a.dir}/more/edited.js`);
  await until(() => lines("edited").length === 2, "the new version after a rename");
  assert.match(lines("edited")[1]!, /^\[edited\] v2 /);
  assert.deepEqual(
    a.log.filter((e) => e.kind === "automation-stopped").map((e) => e.message),
    ["edited: stopped (changed)"],
  );

  // An in-place save works as well, and a save that changes nothing restarts nothing.
  await a.write("more/edited.js", script("v3"));
  await until(() => lines("edited").length === 3, "the new version after an in-place write");
  assert.match(lines("edited")[2]!, /^\[edited\] v3 /);
  const saves = count("script-saved");
  await a.write("steady.js", script("steady"));
  await until(() => count("script-saved") === saves + 1, "the unchanged save seen");
  await a.daemon.idle();

  assert.equal(lines("steady").length, 1, "the other script was never restarted");
  assert.equal(count("automation-started", "steady"), 1);
  assert.equal(a.daemon.automations()[0]!.since, steadySince);
  assert.equal(count("automation-started", "edited"), 3);
  assert.deepEqual(a.daemon.automations().map((s) => s.state), ["running", "running"]);
  // The schedule was neither read again nor re-synced to the socket.
  assert.equal(count("loaded"), 0);
  assert.equal(count("synced"), synced);
  assert.equal(count("script-saved"), 3);
});

Deno.test("a parked automation stays parked when another script is saved, and restarts when its own is", async () => {
  await using a = await automationRig({
    "home.yaml": SCHEDULE.replace("./steady.js", "./throws.js"),
    "throws.js": `export default async function () { throw new RangeError("boom"); }`,
    "more/edited.js": script("v1"),
  }, { daemon: { watch: true } });
  const failures = () => a.log.filter((e) => e.automation === "throws" && e.level === "error");
  for (let n = 1; n <= 5; n++) {
    await until(() => failures().length === n, `failure ${n}`);
    await a.clock.advance(2 ** (n - 1) * 1000);
  }
  assert.equal(a.daemon.automations()[0]?.state, "parked");

  const saved = () => a.log.filter((e) => e.kind === "script-saved").length;
  await a.write("more/edited.js", script("v2"));
  await until(() => saved() === 1, "the other script's save");
  await a.daemon.idle();
  assert.equal(a.daemon.automations()[0]?.state, "parked", "not retried by another's save");
  const started = (name: string) =>
    a.log.filter((e) => e.kind === "automation-started" && e.automation === name).length;
  assert.equal(started("throws"), 5, "its five runs, none after it was parked");
  assert.equal(started("edited"), 2);

  await a.write("throws.js", script("fixed"));
  await until(() => a.daemon.automations()[0]?.state === "running", "the fixed script running");
  await a.until((e) => e.message.startsWith("[throws] fixed "), "its first line");
});
