import assert from "node:assert/strict";
import { automationRig, until } from "../helpers/automation_rig.ts";

const SCHEDULE = `
timezone: Europe/London
sockets: { desk: { mac: "ac:cf:23:78:02:01" } }
rules: []
automations:
  - script: ./throws.js
  - script: ./early.js
`;

Deno.test("a throwing automation is restarted with a doubling pause and parked after 5 failures in a row", async () => {
  await using a = await automationRig({
    "home.yaml": SCHEDULE,
    "throws.js": `export default async function () { throw new RangeError("boom"); }`,
    "early.js": `export default async function ({ signal }) {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
    }`,
  });
  const failures = () => a.log.filter((e) => e.automation === "throws" && e.level === "error");
  for (let n = 1; n <= 5; n++) {
    await until(() => failures().length === n, `failure ${n}`);
    // Nothing restarts before the pause is over, on the daemon's clock.
    await a.clock.advance(2 ** (n - 1) * 1000 - 1);
    assert.equal(a.daemon.automations()[0]?.restarts, n - 1);
    await a.clock.advance(1);
  }
  const messages = failures().map((e) => e.message);
  assert.deepEqual(messages.slice(0, 4).map((m) => /restarting in (\w+)/.exec(m)?.[1]), [
    "1s",
    "2s",
    "4s",
    "8s",
  ]);
  assert.match(messages[0]!, /^throws: RangeError: boom; restarting in 1s \(failure 1 of 5/);
  assert.match(
    messages[4]!,
    /^throws: parked after failing 5 times in a row; last: RangeError: boom\. Fix .*throws\.js and reload, or run 's20 automations restart throws'/,
  );
  assert.equal(failures()[4]!.kind, "automation-parked");
  await a.clock.advance(3600_000);
  const [throws, early] = a.daemon.automations();
  assert.equal(throws?.state, "parked");
  assert.equal(throws?.restarts, 4);
  assert.equal(throws?.lastError, "RangeError: boom");
  assert.equal(early?.state, "running", "the other automation is untouched");

  // A restart asked for tries again from a clean count.
  assert.equal(await a.daemon.restartAutomation("throws"), true);
  await until(() => failures().length === 6, "the failure after the restart");
  assert.match(failures()[5]!.message, /restarting in 1s \(failure 1 of 5/);
  assert.equal(await a.daemon.restartAutomation("nothing"), false);
});

Deno.test("an automation that returns before its signal aborts is restarted, and the log says why", async () => {
  await using a = await automationRig({
    "home.yaml": SCHEDULE.replace("./throws.js", "./returns.js"),
    "returns.js": `export default async function ({ log }) { log("done already"); }`,
    "early.js": `export default async function ({ signal }) {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
    }`,
  });
  const failed = await a.until((e) => e.kind === "automation-failed", "the early return");
  assert.match(failed.message, /^returns: it returned before it was stopped .*; restarting in 1s/);
  await a.clock.advance(1000);
  await until(() => a.daemon.automations()[0]?.restarts === 1, "the restart");
  await a.until((e) => e.kind === "automation-failed" && /restarting in 2s/.test(e.message), "2nd");
});

Deno.test("a script that does not load, or has no default function, fails with a clear reason", async () => {
  await using a = await automationRig({
    "home.yaml": SCHEDULE.replace("./throws.js", "./broken.js").replace(
      "./early.js",
      "./nodefault.js",
    ),
    "broken.js": `export default async function ( {`,
    "nodefault.js": `export const main = async () => {};`,
  });
  const broken = await a.until((e) => e.automation === "broken" && e.level === "error", "broken");
  assert.match(broken.message, /^broken: SyntaxError: .*broken\.js:1:34; restarting in 1s/s);
  const nodefault = await a.until((e) => e.automation === "nodefault" && e.level === "error", "nd");
  assert.match(
    nodefault.message,
    /^nodefault: TypeError: the script's default export is missing; export an async function/,
  );
});
