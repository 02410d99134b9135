/**
 * Everything that runs on the socket's own time, driven by a VirtualClock over real UDP:
 * subscription lifetime, countdown, auto-off, weekly and one-shot timers across a DST change
 * (docs/protocol.md#countdown, #subscriptions, #table-3, #countdown-and-auto-off, #device-clock).
 * Addresses: 127.0.3.128–159.
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import {
  encode,
  factorySocketData,
  fromHex,
  Mac,
  type Message,
  type TimerRecord,
  toHex,
} from "../../mod.ts";
import { type EmulatorOptions, startEmulator } from "../../lib/emulator/mod.ts";
import { kinds, Probe } from "../helpers/udp_probe.ts";

const MAC = Mac.parse("ac:cf:23:00:03:80");
const HEAD = "ac cf 23 00 03 80 20 20 20 20 20 20";
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const BLANK = new Uint8Array(16).fill(0x20);

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function setup(hostname: string, start: string, options: EmulatorOptions = {}) {
  const clock = new VirtualClock({ start });
  const emulator = await startEmulator({
    timing: "instant",
    hostname,
    port: 0,
    mac: MAC,
    replyTo: "source",
    clock,
    ...options,
  });
  return {
    clock,
    emulator,
    async [Symbol.asyncDispose]() {
      await emulator.close();
      clock.dispose();
    },
  };
}

async function request(
  probe: Probe,
  to: { hostname: string; port: number },
  message: Message,
  replies = 1,
) {
  await probe.send(encode(message), to);
  const got = await probe.take(replies);
  assert.equal(got.length, replies, `${replies} replies expected to ${message.kind}`);
  return got;
}

Deno.test("a subscription lapses 300 s after its last cl or hb, and hb refreshes it", async () => {
  await using t = await setup("127.0.3.128", "2026-01-01T00:00:00Z");
  const { clock, emulator } = t;
  await using app = new Probe("127.0.3.129");
  await using other = new Probe("127.0.3.130");
  const dc = (on: boolean): Message => ({ kind: "setPower", mac: MAC, session: 0, on });
  const hb: Message = { kind: "heartbeat", mac: MAC, session: 9 };

  assert.deepEqual(kinds(await request(app, emulator.address, { kind: "subscribe", mac: MAC })), [
    "subscribeReply",
  ]);
  await clock.advance(299 * SECOND);
  assert.deepEqual(kinds(await request(app, emulator.address, dc(true), 3)), [
    "setPowerReply",
    "stateReport",
    "stateReport",
  ]);
  await clock.advance(1 * SECOND); // 300 s after the cl; the dc did not refresh it
  await app.send(encode(dc(false)), emulator.address);
  await app.send(encode(hb), emulator.address);
  assert.deepEqual(await app.collect(80), []);
  assert.equal(emulator.device.on, true);
  assert.deepEqual(emulator.device.subscribers, []);

  await request(app, emulator.address, { kind: "subscribe", mac: MAC });
  await request(other, emulator.address, { kind: "subscribe", mac: MAC });
  await clock.advance(200 * SECOND);
  assert.deepEqual(kinds(await request(app, emulator.address, hb)), ["heartbeatReply"]);
  await clock.advance(200 * SECOND); // app: 200 s after its hb; other: 400 s after its cl
  assert.deepEqual(kinds(await request(app, emulator.address, dc(false), 3)), [
    "setPowerReply",
    "stateReport",
    "stateReport",
  ]);
  assert.deepEqual(await other.collect(80), [], "no sf to a lapsed subscriber");
  await clock.advance(100 * SECOND);
  await app.send(encode(dc(true)), emulator.address);
  assert.deepEqual(await app.collect(80), []);
});

Deno.test("cd switches the relay when it runs out on the virtual clock; a read tells what is left", async () => {
  await using t = await setup("127.0.3.131", "2026-01-01T00:00:00Z");
  const { clock, emulator } = t;
  await using app = new Probe("127.0.3.132");
  await request(app, emulator.address, { kind: "subscribe", mac: MAC });
  await app.send(fromHex(`68 64 00 1a 63 64 ${HEAD} 00 00 00 00 00 01 78 00`), emulator.address);
  const [set] = await app.take(1);
  assert.equal(toHex(set!.data, " "), `68 64 00 1a 63 64 ${HEAD} 00 00 00 00 00 01 78 00`);
  await clock.advance(50 * SECOND);
  await app.send(fromHex(`68 64 00 1a 63 64 ${HEAD} 00 00 00 00 01 00 00 00`), emulator.address);
  const [read] = await app.take(1);
  assert.equal(toHex(read!.data, " "), `68 64 00 1a 63 64 ${HEAD} 00 00 00 00 00 01 46 00`);
  await clock.advance(70 * SECOND);
  assert.equal(emulator.device.on, true);
  assert.deepEqual(kinds(await app.take(2)), ["stateReport", "stateReport"]);
  assert.deepEqual(emulator.device.history.map((c) => [c.cause, iso(c.at)]), [
    ["countdown", "2026-01-01T00:02:00.000Z"],
  ]);
  const [none] = await request(app, emulator.address, {
    kind: "countdown",
    mac: MAC,
    session: 0,
    mode: "read",
    action: "none",
    seconds: 0,
  });
  assert.ok(none?.message.kind === "countdownReply");
  assert.equal(none.message.action, "none");
});

Deno.test("auto-off switches the relay off its delay after every switch-on", async () => {
  await using t = await setup("127.0.3.133", "2026-01-01T00:00:00Z");
  const { clock, emulator } = t;
  await using app = new Probe("127.0.3.134");
  await request(app, emulator.address, { kind: "subscribe", mac: MAC });
  const data = { ...emulator.device.socketData, autoOffEnabled: true, autoOffSeconds: 30 };
  await request(app, emulator.address, {
    kind: "writeSocketData",
    mac: MAC,
    session: 0,
    operation: "modify",
    data,
  });
  await request(app, emulator.address, { kind: "setPower", mac: MAC, session: 0, on: true }, 3);
  await clock.advance(29 * SECOND);
  assert.equal(emulator.device.on, true);
  await clock.advance(1 * SECOND);
  assert.equal(emulator.device.on, false);
  assert.deepEqual(kinds(await app.take(2)), ["stateReport", "stateReport"]);
  assert.deepEqual(emulator.device.history.map((c) => [c.on, c.cause, iso(c.at)]), [
    [true, "dc", "2026-01-01T00:00:00.000Z"],
    [false, "auto-off", "2026-01-01T00:00:30.000Z"],
  ]);
});

Deno.test("a weekly timer fires at the right instant across a DST change (Europe/London, 29 March 2026)", async () => {
  await using t = await setup("127.0.3.135", "2026-03-27T12:00:00Z");
  const { clock, emulator } = t;
  await using app = new Probe("127.0.3.136");
  await request(app, emulator.address, { kind: "subscribe", mac: MAC });
  // As a scheduler would: London in winter is UTC+0 with no DST (byte 163 = 0, byte 160 = 01).
  const winter = { ...emulator.device.socketData, timeZone: 0, halfHour: false, dst: false };
  await request(app, emulator.address, {
    kind: "writeSocketData",
    mac: MAC,
    session: 0,
    operation: "modify",
    data: winter,
  });
  const daily = 0b1111111;
  const base = {
    label: BLANK,
    year: 2026,
    month: 3,
    day: 27,
    minute: 0,
    second: 0,
    weekly: true,
    days: daily,
  };
  for (
    const timer of [{ ...base, id: 1, on: true, hour: 7 }, { ...base, id: 2, on: false, hour: 8 }]
  ) {
    await request(app, emulator.address, {
      kind: "writeTimer",
      mac: MAC,
      session: 0,
      operation: "add",
      timer,
    });
  }
  await clock.advance(Date.parse("2026-03-29T01:00:00Z") - clock.now());
  // The clocks go forward: the scheduler subscribes again and sets the DST bit (byte 160 = 00).
  await request(app, emulator.address, { kind: "subscribe", mac: MAC });
  const summer = { ...emulator.device.socketData, dst: true };
  await request(app, emulator.address, {
    kind: "writeSocketData",
    mac: MAC,
    session: 0,
    operation: "modify",
    data: summer,
  });
  await clock.advance(Date.parse("2026-03-31T00:00:00Z") - clock.now());
  assert.deepEqual(emulator.device.history.map((c) => [c.on, c.cause, iso(c.at)]), [
    [true, "timer", "2026-03-28T07:00:00.000Z"],
    [false, "timer", "2026-03-28T08:00:00.000Z"],
    [true, "timer", "2026-03-29T06:00:00.000Z"],
    [false, "timer", "2026-03-29T07:00:00.000Z"],
    [true, "timer", "2026-03-30T06:00:00.000Z"],
    [false, "timer", "2026-03-30T07:00:00.000Z"],
  ]);
  assert.equal(emulator.device.localTime?.toISOString(), "2026-03-31T01:00:00.000Z");
});

Deno.test("when a zone change moves the clock back over a timer's time, it fires again only with refireWhenClockGoesBack", async () => {
  for (const [refire, host, app] of [[false, 146, 147], [true, 148, 149]] as const) {
    const daily = 0b111_1111;
    const timer: TimerRecord = {
      id: 7,
      on: true,
      label: BLANK,
      year: 2026,
      month: 10,
      day: 24,
      hour: 1,
      minute: 30,
      second: 0,
      weekly: true,
      days: daily,
    };
    await using t = await setup(`127.0.3.${host}`, "2026-10-25T00:00:00Z", {
      socketData: { ...factorySocketData(MAC), timeZone: 1, dst: false }, // 01:00 local
      timers: [timer, { ...timer, id: 8, on: false, minute: 40 }],
      refireWhenClockGoesBack: refire,
    });
    await using probe = new Probe(`127.0.3.${app}`);
    await t.clock.advance(45 * MINUTE); // 01:45 at UTC+1: both fired
    await request(probe, t.emulator.address, { kind: "subscribe", mac: MAC });
    // Clocks go back an hour, as a scheduler sets the zone at a fall-back: 00:45 local.
    await request(probe, t.emulator.address, {
      kind: "writeSocketData",
      mac: MAC,
      session: 0,
      operation: "modify",
      data: { ...t.emulator.device.socketData, timeZone: 0 },
    });
    await t.clock.advance(HOUR); // to 01:45 local again
    const fired = t.emulator.device.history.map((c) => `${c.on ? "on" : "off"} ${iso(c.at)}`);
    assert.deepEqual(
      fired,
      [
        "on 2026-10-25T00:30:00.000Z",
        "off 2026-10-25T00:40:00.000Z",
        ...(refire ? ["on 2026-10-25T01:30:00.000Z", "off 2026-10-25T01:40:00.000Z"] : []),
      ],
      `refire ${refire}`,
    );
  }
});

Deno.test("a weekly timer fires only on its weekdays (Monday = bit 0)", async () => {
  const mon = 1 << 0;
  const sat = 1 << 5;
  const timer: TimerRecord = {
    id: 5,
    on: true,
    label: BLANK,
    year: 2026,
    month: 6,
    day: 1,
    hour: 12,
    minute: 30,
    second: 15,
    weekly: true,
    days: mon | sat,
  };
  const mac = MAC;
  await using t = await setup("127.0.3.137", "2026-06-01T00:00:00Z", {
    socketData: { ...factorySocketData(mac), timeZone: 2, dst: false },
    timers: [timer, { ...timer, id: 6, on: false, second: 16 }],
  });
  await t.clock.advance(14 * 24 * HOUR);
  // 2026-06-01 is a Monday; local 12:30:15 at UTC+2 is 10:30:15Z.
  assert.deepEqual(t.emulator.device.history.map((c) => `${c.on ? "on" : "off"} ${iso(c.at)}`), [
    "on 2026-06-01T10:30:15.000Z",
    "off 2026-06-01T10:30:16.000Z",
    "on 2026-06-06T10:30:15.000Z",
    "off 2026-06-06T10:30:16.000Z",
    "on 2026-06-08T10:30:15.000Z",
    "off 2026-06-08T10:30:16.000Z",
    "on 2026-06-13T10:30:15.000Z",
    "off 2026-06-13T10:30:16.000Z",
  ]);
});

Deno.test("a one-shot timer fires once on its date; kept by default, deleted when asked (Q5)", async () => {
  const once: TimerRecord = {
    id: 9,
    on: true,
    label: BLANK,
    year: 2026,
    month: 4,
    day: 2,
    hour: 12,
    minute: 0,
    second: 0,
    weekly: false,
    days: 0,
  };
  for (const deleteOneShotTimers of [false, true]) {
    // Factory zone: UTC+8, no DST; 12:00 local is 04:00Z.
    await using t = await setup(
      deleteOneShotTimers ? "127.0.3.138" : "127.0.3.139",
      "2026-04-02T03:58:00Z",
      { timers: [once], deleteOneShotTimers, timersVersion: 1 },
    );
    await using app = new Probe(deleteOneShotTimers ? "127.0.3.140" : "127.0.3.141");
    await request(app, t.emulator.address, { kind: "subscribe", mac: MAC });
    await t.clock.advance(2 * MINUTE);
    assert.deepEqual(kinds(await app.take(2)), ["stateReport", "stateReport"]);
    await t.clock.advance(10 * 24 * HOUR);
    assert.deepEqual(t.emulator.device.history.map((c) => iso(c.at)), ["2026-04-02T04:00:00.000Z"]);
    await request(app, t.emulator.address, { kind: "subscribe", mac: MAC });
    const [listed] = await request(app, t.emulator.address, {
      kind: "readTable",
      mac: MAC,
      session: 0,
      table: 1,
      version: 0,
    });
    assert.ok(listed?.message.kind === "tableVersions");
    assert.deepEqual(
      listed.message.versions,
      deleteOneShotTimers
        ? [{ id: 4, table: 4, version: 1 }]
        : [{ id: 4, table: 4, version: 1 }, { id: 3, table: 3, version: 1 }],
    );
  }
});

Deno.test("with pushOnTimer off, a timer switches the relay without sf", async () => {
  await using t = await setup("127.0.3.142", "2026-01-01T00:00:00Z", { pushOnTimer: false });
  await using app = new Probe("127.0.3.143");
  await request(app, t.emulator.address, { kind: "subscribe", mac: MAC });
  await request(app, t.emulator.address, {
    kind: "countdown",
    mac: MAC,
    session: 0,
    mode: "set",
    action: "on",
    seconds: 10,
  });
  await t.clock.advance(10 * SECOND);
  assert.equal(t.emulator.device.on, true);
  assert.deepEqual(await app.collect(80), []);
});

Deno.test("the device clock runs on the virtual clock after cs", async () => {
  await using t = await setup("127.0.3.144", "2026-01-01T00:00:00Z", { time: "unset" });
  await using app = new Probe("127.0.3.145");
  const device = t.emulator.device;
  const timeOf = () => device.deviceTime?.toISOString() ?? null;
  assert.equal(timeOf(), null, "2000-01-01 reads as unset");
  await request(app, t.emulator.address, { kind: "subscribe", mac: MAC });
  await request(app, t.emulator.address, {
    kind: "setClock",
    mac: MAC,
    session: 1,
    clock: 0xda5790dc,
  });
  await t.clock.advance(24 * HOUR);
  assert.equal(timeOf(), "2016-01-31T19:43:24.000Z");
  assert.equal(t.emulator.device.clockReading, 0xda5790dc + 86_400);
});
