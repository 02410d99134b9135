/** Pins the public surface: a new or removed export must be a deliberate change here. */
import assert from "node:assert/strict";

Deno.test("mod.ts exports exactly the documented API", async () => {
  const names = Object.keys(await import("../mod.ts")).sort();
  assert.deepEqual(names, [
    "COMMANDS",
    "DecodeError",
    "DeviceNotFoundError",
    "DeviceTimeoutError",
    "ICONS",
    "Mac",
    "NTP_UNIX_OFFSET_SECONDS",
    "NetworkError",
    "PortInUseError",
    "S20Client",
    "S20Error",
    "S20Socket",
    "S20_PORT",
    "UnsupportedRuntimeError",
    "VirtualClock",
    "WEEKDAY_BITS",
    "dateToDeviceTime",
    "decode",
    "defaultTargets",
    "deviceTimeToDate",
    "discover",
    "discoverAll",
    "encode",
    "factorySocketData",
    "formatOffset",
    "fromHex",
    "ipv4Interfaces",
    "listenUdp",
    "sleep",
    "systemClock",
    "toHex",
    "zoneFieldsFor",
    "zoneOffsetAt",
    "zoneOffsetMinutes",
    "zoneTransitions",
  ]);
});
