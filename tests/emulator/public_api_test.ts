/** Pins the emulator's public surface (`@s20/s20/emulator`): a change here is deliberate. */
import assert from "node:assert/strict";

Deno.test("lib/emulator/mod.ts exports exactly the documented emulator API", async () => {
  const names = Object.keys(await import("../../lib/emulator/mod.ts")).sort();
  assert.deepEqual(names, [
    "AtListener",
    "CAPTURED_LATENCIES",
    "EmulatedDevice",
    "FaultInjector",
    "SmartlinkListener",
    "startAtListener",
    "startEmulator",
    "startFleet",
    "startSmartlinkListener",
  ]);
});
