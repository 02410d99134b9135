import assert from "node:assert/strict";
import { automationRig, EXAMPLES, until } from "../helpers/automation_rig.ts";

const PRYING = `
export default async function ({ log }) {
  try {
    await Deno.readTextFile(new URL("./secret.txt", import.meta.url));
    log("read the secret");
  } catch (error) {
    log(\`read: \${error.name}: \${error.message}\`, "error");
  }
  await fetch("http://192.0.2.1/");
}
`;

const GRANTED = `
export default async function ({ log, signal }) {
  log("read: " + await Deno.readTextFile(new URL("./data/note.txt", import.meta.url)));
  await new Promise((resolve) => signal.addEventListener("abort", resolve));
}
`;

const SCHEDULE = `
timezone: Europe/London
sockets:
  desk: { mac: "ac:cf:23:78:01:01" }
  hall: { mac: "ac:cf:23:78:01:02" }
rules: []
automations:
  - script: ./prying.js
  - script: ./granted.js
    allow: { read: [./data] }
  - script: ${EXAMPLES}linked_switches.ts
    options: { from: desk, to: hall }
`;

Deno.test("an automation without read or net permission gets Deno's errors, logged with its name; the rest keeps working", async () => {
  await using a = await automationRig({
    "home.yaml": SCHEDULE,
    "prying.js": PRYING,
    "granted.js": GRANTED,
    "secret.txt": "not for scripts",
    "data/note.txt": "for the granted one",
  });
  const read = await a.until(
    (e) => e.automation === "prying" && e.kind === "automation",
    "the read attempt",
  );
  assert.match(
    read.message,
    /^\[prying\] read: NotCapable: Requires read access to ".*secret\.txt"/,
  );
  assert.equal(read.level, "error");
  const failed = await a.until((e) => e.kind === "automation-failed", "the failed fetch");
  assert.equal(failed.automation, "prying");
  assert.match(failed.message, /^prying: NotCapable: Requires net access to "192\.0\.2\.1:80"/);
  assert.match(failed.message, /restarting in 1s/);

  // The one granted ./data reads it; the linked switch still switches.
  const granted = await a.until(
    (e) => e.automation === "granted" && e.kind === "automation",
    "read",
  );
  assert.equal(granted.message, "[granted] read: for the granted one");
  await a.until((e) => e.automation === "linked_switches" && e.kind === "automation", "linking");
  await new Promise((r) => setTimeout(r, 100));
  a.rig.emulators.desk!.device.pressButton();
  await until(() => a.rig.emulators.hall!.device.on, "the hall to follow the desk", 2000);
  const states = Object.fromEntries(a.daemon.automations().map((s) => [s.name, s.state]));
  assert.deepEqual(states, {
    prying: "restarting",
    granted: "running",
    linked_switches: "running",
  });
});
