/**
 * Events a test can cause: button press, power cut and reboot with the announcement burst, factory
 * reset (docs/protocol.md#state-reports, #announcements, #boot-and-factory-defaults). Addresses:
 * 127.0.3.48–63.
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import { encode, factorySocketData, Mac, type Message, toHex } from "../../mod.ts";
import { startEmulator } from "../../lib/emulator/mod.ts";
import { kinds, Probe } from "../helpers/udp_probe.ts";

const MAC = Mac.parse("ac:cf:23:00:03:48");
const Y2000 = 3_155_673_600; // 2000-01-01T00:00:00Z in seconds since 1900

async function ask(
  probe: Probe,
  to: { hostname: string; port: number },
  message: Message,
  count = 1,
) {
  await probe.send(encode(message), to);
  return await probe.take(count);
}

Deno.test("a button press flips the relay and pushes sf to every subscriber", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.48",
    port: 0,
    mac: MAC,
    replyTo: "source",
  });
  await using app = new Probe("127.0.3.49");
  await ask(app, emulator.address, { kind: "subscribe", mac: MAC });
  emulator.device.pressButton();
  const pushed = await app.take(2);
  assert.deepEqual(pushed.map((r) => toHex(r.data.subarray(18))), ["0000000001", "0000000001"]);
  emulator.device.pressButton();
  assert.deepEqual(kinds(await app.take(2)), ["stateReport", "stateReport"]);
  assert.deepEqual(emulator.device.history.map((c) => [c.on, c.cause]), [
    [true, "button"],
    [false, "button"],
  ]);
});

Deno.test("power cut and reboot: relay off, subscriptions gone, clock unset, 21 announcements 3.17 s apart", async () => {
  const clock = new VirtualClock({ start: "2026-01-01T00:00:00Z" });
  await using listener = new Probe("127.0.3.50");
  await using app = new Probe("127.0.3.51");
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.52",
    port: 0,
    mac: MAC,
    replyTo: "source",
    clock,
    announceTo: listener.address,
  });
  try {
    await ask(app, emulator.address, { kind: "subscribe", mac: MAC });
    await ask(app, emulator.address, { kind: "setPower", mac: MAC, session: 0, on: true }, 3);
    assert.ok(emulator.device.deviceTime !== null);

    emulator.device.powerCut({ offMs: 5000 });
    assert.equal(emulator.device.powered, false);
    assert.equal(emulator.device.on, false);
    assert.deepEqual(emulator.device.subscribers, []);
    await app.send(encode({ kind: "discoverMac", mac: MAC }), emulator.address);
    assert.deepEqual(await app.collect(60), [], "a socket without power is silent");

    await clock.advance(5000);
    assert.equal(emulator.device.powered, true);
    const first = await listener.take(1);
    assert.ok(first[0]?.message.kind === "discoverReply");
    assert.equal(first[0].message.command, "qa");
    assert.equal(first[0].message.on, false);
    assert.equal(first[0].message.clock, Y2000, "the clock restarts from 2000-01-01");
    await clock.advance(20 * 3170, 1);
    const rest = await listener.take(20);
    assert.equal(rest.length, 20);
    assert.ok(rest.every((r) => r.message.kind === "discoverReply"));
    const clocks = [first[0], ...rest].map((r) =>
      r.message.kind === "discoverReply" ? r.message.clock : -1
    );
    assert.deepEqual(clocks.slice(0, 3), [Y2000, Y2000 + 3, Y2000 + 6]);
    await clock.advance(600_000);
    assert.deepEqual(await listener.collect(60), [], "21 and no more");
    assert.equal(emulator.device.deviceTime, null, "a reading before 2001 is unset");

    // The app's subscription did not survive.
    await app.send(encode({ kind: "setPower", mac: MAC, session: 0, on: true }), emulator.address);
    assert.deepEqual(await app.collect(60), []);
    assert.deepEqual(emulator.device.history.map((c) => [c.on, c.cause]), [
      [true, "dc"],
      [false, "reboot"],
    ]);

    emulator.device.reboot();
    assert.equal((await listener.take(1)).length, 1, "reboot announces at once");
  } finally {
    await emulator.close();
    clock.dispose();
  }
});

Deno.test("periodic announcement bursts repeat when configured", async () => {
  const clock = new VirtualClock({ start: "2026-01-01T00:00:00Z" });
  await using listener = new Probe("127.0.3.53");
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.54",
    port: 0,
    mac: MAC,
    clock,
    announceTo: listener.address,
    announceOnStart: true,
    announceCount: 2,
    announceIntervalMs: 1000,
    announceEveryMs: 600_000,
  });
  try {
    assert.equal((await listener.take(1)).length, 1);
    await clock.advance(1000);
    assert.equal((await listener.take(1)).length, 1);
    await clock.advance(598_999);
    assert.deepEqual(await listener.collect(40), []);
    await clock.advance(1);
    assert.equal((await listener.take(1)).length, 1, "the next burst 600 s after the first began");
  } finally {
    await emulator.close();
    clock.dispose();
  }
});

Deno.test("factory reset: factory table 4, no timers, versions back to 1, clock stopped at 0", async () => {
  const clock = new VirtualClock({ start: "2026-01-01T00:00:00Z" });
  await using listener = new Probe("127.0.3.55");
  await using app = new Probe("127.0.3.56");
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.57",
    port: 0,
    mac: MAC,
    replyTo: "source",
    clock,
    name: "Kettle",
    socketDataVersion: 7,
    announceTo: listener.address,
  });
  try {
    await ask(app, emulator.address, { kind: "subscribe", mac: MAC });
    await ask(app, emulator.address, {
      kind: "writeTimer",
      mac: MAC,
      session: 0,
      operation: "add",
      timer: {
        id: 1,
        on: true,
        label: new Uint8Array(16),
        year: 2026,
        month: 1,
        day: 1,
        hour: 8,
        minute: 0,
        second: 0,
        weekly: true,
        days: 0x7f,
      },
    });
    assert.equal(emulator.device.timers.length, 1);
    emulator.device.factoryReset();
    assert.equal(toHex(emulator.device.socketData.raw), toHex(factorySocketData(MAC).raw));
    assert.deepEqual(emulator.device.timers, []);
    assert.deepEqual(emulator.device.tableVersions, [{ id: 4, table: 4, version: 1 }]);
    assert.deepEqual(emulator.device.subscribers, []);
    const [announcement] = await listener.take(1);
    assert.ok(announcement?.message.kind === "discoverReply");
    assert.equal(announcement.message.clock, 0);
    await clock.advance(3600_000);
    assert.equal(emulator.device.clockReading, 0, "the clock stays at 0 until cs (capture 2)");
    assert.deepEqual(emulator.device.history, [], "no timer fired");
  } finally {
    await emulator.close();
    clock.dispose();
  }
});
