/** Pins `@s20/s20/scheduler` (the scheduler): a new or removed export is a deliberate change. */
import assert from "node:assert/strict";
import { exportedNames } from "../helpers/public_surface.ts";

Deno.test("lib/scheduler/mod.ts exports exactly the documented values and types", async () => {
  const { values, types } = await exportedNames("lib/scheduler/mod.ts");
  assert.deepEqual(values, [
    "MAX_SKEW_MS",
    "SchedulerDaemon",
    "StateStore",
    "formatLogJson",
    "formatLogText",
    "ownerLabel",
    "ownerOf",
    "ownerRule",
    "resolveSockets",
    "syncSchedule",
  ]);
  assert.deepEqual(types, [
    "AutomationState",
    "AutomationStatus",
    "DaemonOptions",
    "DaemonStatus",
    "LogEntry",
    "LogKind",
    "LogTextOptions",
    "ResolveSocketsOptions",
    "ScheduledSocket",
    "SocketSyncReport",
    "SyncOptions",
    "SyncReport",
    "UnreadableState",
  ]);
});
