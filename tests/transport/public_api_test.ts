/**
 * Pins `@s20/s20/transport` (the datagram transport):
 * a new or removed export is a deliberate change.
 */
import assert from "node:assert/strict";
import { exportedNames } from "../helpers/public_surface.ts";

Deno.test("lib/transport/mod.ts exports exactly the documented values and types", async () => {
  const { values, types } = await exportedNames("lib/transport/mod.ts");
  assert.deepEqual(values, ["listenUdp"]);
  assert.deepEqual(types, ["Datagram", "DatagramTransport", "NetAddress", "UdpOptions"]);
});
