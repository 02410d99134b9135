import assert from "node:assert/strict";
import { zoneOffsetMinutes } from "../../mod.ts";
import { lossy, startRig } from "../helpers/emulated.ts";

for (const link of ["clean", "lossy"] as const) {
  const faults = link === "lossy" ? lossy(23) : {};
  const options = link === "lossy" ? { emulator: () => faults, timeout: 20_000 } : {};

  Deno.test(`S20Socket reads and writes table 4 settings (${link} link)`, async () => {
    await using rig = await startRig(options);
    const [socket] = rig.sockets;
    const device = rig.emulators[0]!.device;
    const before = await socket!.info();
    assert.equal(before.mac, rig.emulators[0]!.mac);

    assert.equal((await socket!.rename("Desk lamp")).name, "Desk lamp");
    assert.equal(device.socketData.name, "Desk lamp");
    assert.equal((await socket!.setIcon("fan")).icon, 1);
    const zone = await socket!.setTimeZone(330);
    assert.deepEqual([zone.timeZone, zone.halfHour, zone.dst], [5, true, false]);
    assert.equal(zoneOffsetMinutes(device.socketData), 330);
    const london = await socket!.setTimeZone("Europe/London", {
      at: new Date("2026-07-01T12:00:00Z"),
    });
    assert.deepEqual([london.timeZone, london.dst], [0, true]);
    assert.equal((await socket!.lock()).discoverable, false);
    assert.equal(device.socketData.discoverable, false);
    assert.equal((await socket!.unlock()).discoverable, true);
    assert.equal((await socket!.setAutoOff(900)).autoOffSeconds, 900);
    assert.equal(await socket!.autoOff(), 900);
    assert.equal((await socket!.setAutoOff(null)).autoOffEnabled, false);
    await socket!.setRemotePassword("s3cret");
    assert.equal(device.socketData.remotePassword, "s3cret");

    // Everything not deliberately changed is byte-for-byte what the socket had.
    const after = device.socketData.raw;
    const changed = [...after.keys()].filter((i) => after[i] !== before.raw[i]);
    const allowed = new Set([
      ...Array.from({ length: 12 }, (_, i) => 28 + i), // remote password
      ...Array.from({ length: 16 }, (_, i) => 40 + i), // name
      56,
      57, // icon
      130,
      133, // DST/half-hour byte, zone
      134,
      135,
      136,
      137, // auto-off
    ]);
    assert.deepEqual(changed.filter((i) => !allowed.has(i)), []);
  });

  Deno.test(`S20Socket adds, updates and removes timers without duplicates (${link} link)`, async () => {
    await using rig = await startRig(options);
    const [socket] = rig.sockets;
    const device = rig.emulators[0]!.device;
    assert.deepEqual(await socket!.timers(), []);
    const a = await socket!.addTimer({
      on: true,
      time: "07:30",
      days: ["mon", "tue", "wed", "thu", "fri"],
    });
    const b = await socket!.addTimer({ on: false, time: "23:15:30", date: "2026-12-31", id: 4242 });
    assert.equal(b.id, 4242);
    assert.deepEqual(device.timers.map((t) => t.id).sort(), [a.id, 4242].sort());
    const updated = await socket!.updateTimer(a.id, { on: false, time: "08:00", days: ["sat"] });
    assert.deepEqual([updated.on, updated.hour, updated.minute, updated.days], [
      false,
      8,
      0,
      0b0100000,
    ]);
    // A second identical put writes nothing and still holds exactly two records.
    await socket!.putTimer(updated);
    assert.equal(device.timers.length, 2);
    await socket!.removeTimer(4242);
    await socket!.removeTimer(4242); // already gone: not an error
    assert.deepEqual(device.timers.map((t) => t.id), [a.id]);
    assert.equal(await socket!.clearTimers(), 1);
    assert.deepEqual(device.timers, []);
  });

  Deno.test(`S20Socket sets the clock and runs countdowns (${link} link)`, async () => {
    await using rig = await startRig({
      ...options,
      emulator: () => ({ ...faults, time: "unset" }),
    });
    const [socket] = rig.sockets;
    const unset = await socket!.clock();
    assert.equal(unset.time, null);
    assert.equal(unset.skewMs, null);
    const synced = await socket!.syncClock();
    assert.ok(synced.time !== null && Math.abs(synced.skewMs!) < 2000, `skew ${synced.skewMs}`);
    assert.equal(await socket!.countdown(), null);
    assert.deepEqual(await socket!.setCountdown(600, { action: "on" }), {
      action: "on",
      seconds: 600,
    });
    const running = await socket!.countdown();
    assert.equal(running?.action, "on");
    assert.ok(running!.seconds <= 600 && running!.seconds > 590);
    await socket!.cancelCountdown();
    assert.equal(await socket!.countdown(), null);
  });
}

Deno.test("S20Socket refuses bad values before sending anything", async () => {
  await using rig = await startRig();
  const [socket] = rig.sockets;
  await assert.rejects(socket!.rename("seventeen bytes!!"), RangeError);
  await assert.rejects(socket!.rename("   "), RangeError);
  await assert.rejects(socket!.setTimeZone(345), /quarter-hour zones/);
  await assert.rejects(socket!.setTimeZone("Asia/Kathmandu"), /quarter-hour zones/);
  await assert.rejects(socket!.setTimeZone("Mars/Olympus"), /not a known IANA zone/);
  await assert.rejects(socket!.setIcon("toaster" as never), /one of bulb, fan/);
  await assert.rejects(socket!.setCountdown(0), RangeError);
  await assert.rejects(socket!.setAutoOff(70_000), RangeError);
  await assert.rejects(socket!.setRemotePassword("thirteen-char"), RangeError);
  await assert.rejects(socket!.addTimer({ on: true, time: "25:00", days: ["mon"] }), TypeError);
  await assert.rejects(
    socket!.addTimer({ on: true, time: "07:00", date: "2026-02-30" }),
    TypeError,
  );
  await assert.rejects(socket!.addTimer({ on: true, time: "07:00" }), /either 'days'/);
  assert.equal(rig.emulators[0]!.device.history.length, 0);
});

Deno.test("S20Socket reads table 4 once and then only table 1 while the version holds", async () => {
  await using rig = await startRig();
  const [socket] = rig.sockets;
  const reads: number[] = [];
  rig.emulators[0]!.onEvent((e) => {
    if (e.type === "received" && e.message?.kind === "readTable") reads.push(e.message.table);
  });
  await socket!.info();
  await socket!.info();
  await socket!.info();
  assert.deepEqual(reads, [1, 4, 1, 1]);
  await socket!.rename("Hall");
  reads.length = 0;
  await socket!.info();
  assert.deepEqual(reads, [1]);
});

Deno.test("syncClock() reads back the new clock, not a late copy of an earlier burst", async () => {
  await using rig = await startRig({
    emulator: () => ({ time: "unset", dropDuringDiscoveryBurst: false }),
  });
  const [socket] = rig.sockets;
  // Ten copies of this reply (the unset clock) are still on their way when the set happens.
  assert.equal((await socket!.clock()).time, null);
  for (let i = 0; i < 5; i++) {
    const reading = await socket!.syncClock();
    assert.ok(reading.time !== null && Math.abs(reading.skewMs!) < 2000, JSON.stringify(reading));
    await rig.emulators[0]!.device.powerCut(); // clock unset again
    await socket!.clock();
  }
});
