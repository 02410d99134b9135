/** Pins `@s20/s20/emulator` (the emulator): a new or removed export is a deliberate change. */
import assert from "node:assert/strict";
import { exportedNames } from "../helpers/public_surface.ts";

Deno.test("lib/emulator/mod.ts exports exactly the documented values and types", async () => {
  const { values, types } = await exportedNames("lib/emulator/mod.ts");
  assert.deepEqual(values, [
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
  assert.deepEqual(types, [
    "AtFaults",
    "AtJoinEvent",
    "AtListenerOptions",
    "AtModuleState",
    "AtWifiMode",
    "CapturedLatency",
    "CountdownState",
    "DeviceTimeSetting",
    "EmulatedDeviceOptions",
    "Emulator",
    "EmulatorEvent",
    "EmulatorFleet",
    "EmulatorOptions",
    "EmulatorService",
    "FaultOptions",
    "FleetOptions",
    "LatencyKey",
    "OutgoingDatagram",
    "PowerCutOptions",
    "ReceiveOptions",
    "RelayCause",
    "RelayChange",
    "ReplyMode",
    "ReplyTiming",
    "SmartlinkAnnounceOptions",
    "SmartlinkListenerOptions",
    "SmartlinkPasswordEvent",
    "SubscriberInfo",
  ]);
});
