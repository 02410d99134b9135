/**
 * The plan never depends on the host's zone: the same file gives the same plan under
 * TZ=UTC and TZ=Pacific/Kiritimati (UTC+14), and the same as in this process. Only a file
 * without `timezone:` follows the host, by design.
 */
import assert from "node:assert/strict";
import { formatPlanJson, parseSchedule, plan } from "../../lib/schedule/mod.ts";
import { childEnv } from "../helpers/child_env.ts";

const SCRIPT = new URL("./fixtures/print_plan.ts", import.meta.url);
const ROOT = new URL("../../", import.meta.url);

interface Output {
  readonly json: string;
  readonly text: string;
  readonly sunrise: string;
  readonly defaultZone: string;
}

async function runUnder(tz: string): Promise<Output> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-read", "--allow-env", SCRIPT.pathname],
    cwd: ROOT.pathname,
    env: childEnv({ TZ: tz }),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

Deno.test("plan() gives the same plan under TZ=UTC and TZ=Pacific/Kiritimati", async () => {
  const [utc, kiritimati] = await Promise.all([runUnder("UTC"), runUnder("Pacific/Kiritimati")]);
  // The hosts really differ, or the comparison below would prove nothing.
  assert.equal(utc.defaultZone, "UTC");
  assert.equal(kiritimati.defaultZone, "Pacific/Kiritimati");
  assert.equal(kiritimati.json, utc.json);
  assert.equal(kiritimati.text, utc.text);
  assert.equal(kiritimati.sunrise, utc.sunrise);
  // And the same as this process, whatever its zone.
  const text = await Deno.readTextFile(new URL("schedules.example.yaml", ROOT));
  const here = plan(parseSchedule(text, { file: "schedules.example.yaml" }), {
    from: "2026-10-22",
    days: 7,
  });
  assert.equal(formatPlanJson(here), utc.json);
  // The window holds London's fall-back, sun times, windows, random and cron rules.
  const data = JSON.parse(utc.json);
  assert.equal(data.dstChanges.length, 1);
  assert.equal(data.events.length, 64);
  assert.match(utc.sunrise, /^2026-01-01T06:3\d:\d\d\+14:00$/);
});
