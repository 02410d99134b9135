/** Pins `@s20/s20/automation` (hosted scripts): a new or removed export is a deliberate change. */
import assert from "node:assert/strict";
import { exportedNames } from "../helpers/public_surface.ts";

Deno.test("lib/automation/mod.ts exports exactly the documented values and types", async () => {
  const { values, types } = await exportedNames("lib/automation/mod.ts");
  assert.deepEqual(values, ["runAlone"]);
  assert.deepEqual(types, [
    "Automation",
    "AutomationContext",
    "GlancedEvent",
    "RunAloneOptions",
    "ScheduleGlance",
    "ScheduledSocketGlance",
  ]);
});
