/** Pins `@s20/s20/time` (the clocks): a new or removed export is a deliberate change. */
import assert from "node:assert/strict";
import { exportedNames } from "../helpers/public_surface.ts";

Deno.test("lib/time/mod.ts exports exactly the documented values and types", async () => {
  const { values, types } = await exportedNames("lib/time/mod.ts");
  assert.deepEqual(values, ["VirtualClock", "sleep", "systemClock"]);
  assert.deepEqual(types, ["Clock", "ClockTimer", "VirtualClockOptions"]);
});
