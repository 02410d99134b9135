/**
 * Pins `@s20/s20` (the client, the codec, the errors and connect()):
 * a new or removed export is a deliberate change.
 */
import assert from "node:assert/strict";
import { exportedNames } from "./helpers/public_surface.ts";

Deno.test("mod.ts exports exactly the documented values and types", async () => {
  const { values, types } = await exportedNames("mod.ts");
  assert.deepEqual(values, [
    "COMMANDS",
    "DaemonInsecureError",
    "DaemonUnavailableError",
    "DecodeError",
    "DeviceNotFoundError",
    "DeviceTimeoutError",
    "ERROR_CODES",
    "ICONS",
    "Mac",
    "NTP_UNIX_OFFSET_SECONDS",
    "NetworkError",
    "PortInUseError",
    "S20Client",
    "S20Error",
    "S20_PORT",
    "UnsupportedRuntimeError",
    "WEEKDAY_BITS",
    "connect",
    "dateToDeviceTime",
    "decode",
    "defaultTargets",
    "deviceTimeToDate",
    "discover",
    "discoverAll",
    "encode",
    "factorySocketData",
    "findSocketByName",
    "formatOffset",
    "fromHex",
    "socketNames",
    "timerView",
    "toHex",
    "zoneFieldsFor",
    "zoneOffsetMinutes",
  ]);
  assert.deepEqual(types, [
    "CallOptions",
    "ClockReading",
    "Command",
    "ConnectOptions",
    "Controller",
    "Countdown",
    "CountdownAction",
    "DecodeOptions",
    "DiscoverOptions",
    "DiscoveredSocket",
    "DiscoveryTarget",
    "ErrorCode",
    "ErrorCodeInfo",
    "EventsOptions",
    "IconName",
    "Message",
    "MessageKind",
    "MessageOf",
    "S20ClientOptions",
    "S20Event",
    "S20Socket",
    "SocketController",
    "SocketData",
    "SocketTarget",
    "TableVersion",
    "TimerRecord",
    "TimerSpec",
    "TimerView",
    "WallTime",
    "Weekday",
    "ZoneFields",
    "ZoneInfo",
  ]);
  // S20Socket is a type here: its constructor takes the client's internal context.
  assert.ok(types.includes("S20Socket") && !values.includes("S20Socket"));
});
