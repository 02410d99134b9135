/** Pins `@s20/s20/api` (the daemon's API): a new or removed export is a deliberate change. */
import assert from "node:assert/strict";
import { exportedNames } from "../helpers/public_surface.ts";

Deno.test("lib/api/mod.ts exports exactly the documented values and types", async () => {
  const { values, types } = await exportedNames("lib/api/mod.ts");
  assert.deepEqual(values, ["DaemonClient", "defaultDaemonPaths", "findDaemon", "startApiServer"]);
  assert.deepEqual(types, [
    "ApiServer",
    "ApiServerOptions",
    "ConnectionLimits",
    "DaemonClientOptions",
    "DaemonEndpoint",
    "DaemonHealth",
    "DaemonPaths",
    "DaemonScheduleStatus",
    "EnvReader",
    "FindDaemonOptions",
    "KnownSocket",
    "ScheduleSource",
    "WebOptions",
    "WebSocketEntry",
  ]);
});
