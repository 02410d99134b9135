import assert from "node:assert/strict";
import { automationRig, EXAMPLES, until } from "../helpers/automation_rig.ts";

const SCHEDULE = `
timezone: Europe/London
sockets:
  desk: { mac: "ac:cf:23:78:00:01" }
  hall: { mac: "ac:cf:23:78:00:02" }
  porch: { mac: "ac:cf:23:78:00:03" }
rules: []
automations:
  - script: ${EXAMPLES}linked_switches.ts
    options: { from: desk, to: [hall, porch] }
`;

Deno.test("linked switches: a button press on the desk switches the hall and porch within 1 s", async () => {
  await using a = await automationRig({ "home.yaml": SCHEDULE });
  await a.until((e) => e.kind === "automation" && /linking desk/.test(e.message), "its first line");
  const { desk, hall, porch } = a.rig.emulators;
  // The script subscribes once it runs; give its keep-alive a moment to reach the socket.
  await until(() => a.daemon.automations()[0]?.state === "running", "running");
  await new Promise((r) => setTimeout(r, 100));
  for (const on of [true, false]) {
    const pressed = performance.now();
    desk!.device.pressButton();
    await until(
      () => hall!.device.on === on && porch!.device.on === on,
      "the linked sockets",
      1000,
    );
    const ms = performance.now() - pressed;
    assert.ok(ms < 1000, `linked within ${ms.toFixed(0)} ms`);
  }
  const [status] = a.daemon.automations();
  assert.equal(status?.name, "linked_switches");
  assert.equal(status?.state, "running");
  assert.equal(status?.restarts, 0);
  assert.deepEqual(status?.lastLines, ["linking desk to hall, porch"]);
});
