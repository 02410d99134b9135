import assert from "node:assert/strict";
import { DeviceTimeoutError } from "../../mod.ts";
import { lossy, startRig } from "../helpers/emulated.ts";

Deno.test("S20Socket switches on, off and toggles, confirmed by the socket", async () => {
  await using rig = await startRig();
  const [socket] = rig.sockets;
  const [emulator] = rig.emulators;
  assert.equal(await socket!.state(), false);
  assert.equal(await socket!.on(), true);
  assert.equal(emulator!.device.on, true);
  assert.equal(await socket!.off(), false);
  assert.equal(emulator!.device.on, false);
  assert.equal(await socket!.toggle(), true);
  assert.equal(emulator!.device.on, true);
  assert.equal(await socket!.state(), true);
  assert.deepEqual(emulator!.device.history.map((c) => [c.on, c.cause]), [
    [true, "dc"],
    [false, "dc"],
    [true, "dc"],
  ]);
});

Deno.test("power operations complete, once each, over 30% loss and duplicated replies", async () => {
  await using rig = await startRig({ emulator: () => lossy(11), timeout: 15_000 });
  const [socket] = rig.sockets;
  const [emulator] = rig.emulators;
  const wanted = [true, false, true, true, false, false, true];
  for (const on of wanted) {
    assert.equal(await socket!.setPower(on), on);
    assert.equal(emulator!.device.on, on);
  }
  assert.equal(await socket!.toggle(), false);
  assert.equal(await socket!.toggle(), true);
  assert.equal(emulator!.device.on, true);
  // Only real transitions appear in the relay history: no command took effect twice.
  const transitions = emulator!.device.history.map((c) => c.on);
  assert.deepEqual(transitions, [true, false, true, false, true, false, true]);
});

Deno.test("many sockets switch concurrently through one client", async () => {
  await using rig = await startRig({ count: 12 });
  await Promise.all(rig.sockets.map((s) => s.on()));
  assert.ok(rig.emulators.every((e) => e.device.on));
  await Promise.all(rig.sockets.map((s, i) => s.setPower(i % 2 === 0)));
  assert.deepEqual(rig.emulators.map((e) => e.device.on), rig.emulators.map((_, i) => i % 2 === 0));
});

Deno.test("a socket that never answers fails with DeviceTimeoutError naming MAC, command and attempts", async () => {
  await using rig = await startRig({
    emulator: () => ({ faults: { seed: 1, requestLoss: 1 } }),
    timeout: 400,
  });
  const [socket] = rig.sockets;
  const error = await socket!.on().then(() => null, (e) => e);
  assert.ok(error instanceof DeviceTimeoutError, String(error));
  assert.equal(error.mac, rig.emulators[0]!.mac);
  assert.equal(error.command, "cl");
  assert.ok(error.attempts >= 2, `attempts ${error.attempts}`);
  assert.match(error.message, /ac:cf:23:00:10:01 did not answer "cl" after \d+ attempts/);
});

Deno.test("AbortSignal cancels a pending call promptly and leaves nothing running", async () => {
  await using rig = await startRig({
    emulator: () => ({ faults: { seed: 1, requestLoss: 1 } }),
    timeout: 10_000,
  });
  const [socket] = rig.sockets;
  const controller = new AbortController();
  const started = performance.now();
  const pending = socket!.on({ signal: controller.signal });
  setTimeout(() => controller.abort(new Error("stop")), 50);
  await assert.rejects(pending, /stop/);
  assert.ok(performance.now() - started < 500, "aborted within 500 ms");
  // A queued call behind it is cancelled too, without ever running.
  const queued = socket!.off({ signal: AbortSignal.abort(new Error("never")) });
  await assert.rejects(queued, /never/);
});

Deno.test("closing the client ends pending calls at once", async () => {
  const rig = await startRig({
    emulator: () => ({ faults: { seed: 1, requestLoss: 1 } }),
    timeout: 10_000,
  });
  const pending = assert.rejects(rig.sockets[0]!.on(), /client was closed/);
  await new Promise((r) => setTimeout(r, 30));
  const started = performance.now();
  await rig.client.close();
  await pending;
  assert.ok(performance.now() - started < 200);
  await rig[Symbol.asyncDispose]();
});
