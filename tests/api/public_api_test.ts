/** Pins the API's public surface (`@s20/s20/api`): a change here is deliberate. */
import assert from "node:assert/strict";

Deno.test("lib/api/mod.ts exports exactly the documented API", async () => {
  const names = Object.keys(await import("../../lib/api/mod.ts")).sort();
  assert.deepEqual(names, [
    "DaemonClient",
    "DaemonInsecureError",
    "DaemonUnavailableError",
    "connect",
    "defaultDaemonPaths",
    "findDaemon",
    "startApiServer",
  ]);
  // The main module's `connect` is the same function, for scripts that import only `mod.ts`.
  assert.equal(
    (await import("../../mod.ts")).connect,
    (await import("../../lib/api/mod.ts")).connect,
  );
});
