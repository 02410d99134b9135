import assert from "node:assert/strict";
import { automationRig, until } from "../helpers/automation_rig.ts";

const SCHEDULE = `
timezone: Europe/London
sockets: { desk: { mac: "ac:cf:23:78:03:01" } }
rules: []
automations:
  - script: ./steady.js
  - script: ./edited.js
`;

/** A script that logs a version and a run id, then waits for its signal (or ignores it). */
const script = (version: string, obeys = true) => `
export default async function ({ log, signal }) {
  log("${version} " + crypto.randomUUID());
  await new Promise((resolve) => ${obeys ? `signal.addEventListener("abort", resolve)` : "{}"});
}
`;

Deno.test("a reload replaces a changed automation and leaves an unchanged one running", async () => {
  await using a = await automationRig({
    "home.yaml": SCHEDULE,
    "steady.js": script("steady"),
    // The first version ignores its signal: the reload must terminate it after the grace.
    "edited.js": script("v1", false),
  });
  const lines = (name: string) =>
    a.log.filter((e) => e.automation === name && e.kind === "automation").map((e) => e.message);
  await until(() => lines("steady").length === 1 && lines("edited").length === 1, "both running");
  const steadySince = a.daemon.automations()[0]!.since;

  await a.write("edited.js", script("v2"));
  assert.equal(await a.daemon.reload(), true);
  await until(() => lines("edited").length === 2, "the new version");
  assert.match(lines("edited")[1]!, /^\[edited\] v2 /);
  const stopped = a.log.filter((e) => e.kind === "automation-stopped");
  assert.equal(stopped.length, 1);
  assert.equal(stopped[0]!.automation, "edited");
  assert.match(
    stopped[0]!.message,
    /^edited: stopped \(changed\); it did not end within 1s, so it was terminated$/,
  );
  assert.equal(lines("steady").length, 1, "the unchanged script was not restarted");
  assert.equal(a.daemon.automations()[0]!.since, steadySince);
  assert.equal(
    a.log.filter((e) => e.kind === "automation-started" && e.automation === "steady").length,
    1,
  );

  // Removing an entry stops it through its signal, in time this time.
  await Deno.writeTextFile(a.file, SCHEDULE.replace("  - script: ./edited.js\n", ""));
  assert.equal(await a.daemon.reload(), true);
  const removed = a.log.filter((e) => e.kind === "automation-stopped").at(-1)!;
  assert.equal(removed.message, "edited: stopped (removed from the schedule)");
  assert.deepEqual(a.daemon.automations().map((s) => s.name), ["steady"]);
});
