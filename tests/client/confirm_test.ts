import assert from "node:assert/strict";
import { harshLink, powerTrial } from "../helpers/power_trial.ts";
import { startRig } from "../helpers/emulated.ts";

// Issue 13.2: a late second `sf` of an earlier switch to the same state must not confirm a call
// whose own `dc` was lost. Seeded: the calls and each socket's faults follow the seed.
Deno.test("power calls under loss, duplicates and reordering return the relay's state, toggling once", async () => {
  const result = await powerTrial({ seed: 3, calls: 300, sockets: 10 });
  assert.equal(result.failed, 0, "every call completed");
  assert.deepEqual(
    {
      wrong: result.wrong,
      doubleToggles: result.doubleToggles,
      missedToggles: result.missedToggles,
      extraSwitches: result.extraSwitches,
    },
    { wrong: 0, doubleToggles: 0, missedToggles: 0, extraSwitches: 0 },
    `wrong calls: ${result.examples.join("; ")}`,
  );
});

Deno.test("on, off, on back to back: each returns only once the relay is there", async () => {
  await using rig = await startRig({ count: 4, emulator: (i) => ({ faults: harshLink(40 + i) }) });
  await Promise.all(rig.sockets.map(async (socket, i) => {
    const emulator = rig.emulators[i]!;
    for (let round = 0; round < 8; round++) {
      for (const on of [true, false, true, false]) {
        assert.equal(await socket.setPower(on), on);
        assert.equal(emulator.device.on, on, `socket ${i} round ${round}: relay is ${!on}`);
      }
    }
  }));
});
