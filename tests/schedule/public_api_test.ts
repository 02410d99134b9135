/** Pins the public surface of the ./schedule subpath: a new export must be a deliberate change. */
import assert from "node:assert/strict";

Deno.test("lib/schedule/mod.ts exports exactly the documented API", async () => {
  const names = Object.keys(await import("../../lib/schedule/mod.ts")).sort();
  assert.deepEqual(names, [
    "S20Error",
    "ScheduleError",
    "checkSchedule",
    "compileWeeklyTimers",
    "desiredState",
    "formatIssues",
    "formatPlanJson",
    "formatPlanText",
    "parseSchedule",
    "plan",
    "planSunLines",
    "planSvg",
    "sunTime",
  ]);
});
