/**
 * The device core in-process (no UDP): slots and the emulated cloud link
 * (docs/protocol.md#remote-password, #reply-session-field), ignored requests, table limits, zones
 * and options.
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import {
  decode,
  encode,
  factorySocketData,
  fromHex,
  Mac,
  type Message,
  type SocketData,
  type TimerRecord,
} from "../../mod.ts";
import {
  EmulatedDevice,
  type EmulatedDeviceOptions,
  type OutgoingDatagram,
} from "../../lib/emulator/mod.ts";
import type { NetAddress } from "../../lib/transport/mod.ts";
import { nextFiring } from "../../lib/emulator/timer_plan.ts";

const MAC = Mac.parse("ac:cf:23:00:00:42");
const APP: NetAddress = { hostname: "192.0.2.10", port: 10000 };
const APP2: NetAddress = { hostname: "192.0.2.11", port: 10000 };
const CLOUD: NetAddress = { hostname: "198.51.100.7", port: 10000 };
const BLANK = new Uint8Array(16).fill(0x20);

function device(options: EmulatedDeviceOptions = {}) {
  const sent: OutgoingDatagram[] = [];
  const ignored: string[] = [];
  const d = new EmulatedDevice({ mac: MAC, output: (o) => sent.push(o), ...options });
  d.onEvent((e) => e.type === "ignored" && ignored.push(e.reason));
  const send = (message: Message, from: NetAddress) => {
    sent.length = 0;
    d.receive(encode(message), from);
    return sent.map((o) => ({ to: `${o.to.hostname}:${o.to.port}`, message: o.message }));
  };
  return { device: d, sent, ignored, send };
}

function session(message: Message): number {
  return "session" in message && message.session !== undefined ? message.session : -1;
}

Deno.test("slots: LAN subscribers get the lowest free index, 0 without a cloud", () => {
  const t = device();
  using _ = t.device;
  t.send({ kind: "subscribe", mac: MAC }, APP);
  t.send({ kind: "subscribe", mac: MAC }, APP2);
  assert.deepEqual(t.device.subscribers.map((s) => [s.key, s.slot, s.cloud]), [
    ["192.0.2.10", 0, false],
    ["192.0.2.11", 1, false],
  ]);
});

Deno.test("an emulated cloud holds slot 0, is answered without cl with its session echoed, and gets sf first", () => {
  const t = device({ cloud: CLOUD });
  using _ = t.device;
  // The cloud reads table 4 right after its login, with its own session (c3#49).
  const read = t.send({ kind: "readTable", mac: MAC, session: 100, table: 4, version: 0 }, CLOUD);
  assert.deepEqual(read.map((r) => [r.to, r.message.kind, session(r.message)]), [
    ["198.51.100.7:10000", "socketData", 100],
  ]);
  t.send({ kind: "subscribe", mac: MAC }, APP);
  const dc = t.send({ kind: "setPower", mac: MAC, session: 0x12345678, on: true }, APP);
  assert.deepEqual(dc.map((r) => [r.to, r.message.kind, session(r.message)]), [
    ["192.0.2.10:10000", "setPowerReply", 1],
    ["198.51.100.7:10000", "stateReport", 0],
    ["192.0.2.10:10000", "stateReport", 0],
    ["198.51.100.7:10000", "stateReport", 0],
    ["192.0.2.10:10000", "stateReport", 0],
  ]);
  // A cloud dc carries a session of its own, echoed (c1#337/338).
  const cloudDc = t.send({ kind: "setPower", mac: MAC, session: 1305129270, on: false }, CLOUD);
  assert.equal(session(cloudDc[0]!.message), 1305129270);
});

Deno.test("a 34-byte cloud-form cl makes every reply echo the request's session", () => {
  const t = device();
  using _ = t.device;
  const cl = t.send({ kind: "subscribe", mac: MAC, session: 305129270 }, APP);
  assert.equal(session(cl[0]!.message), 305129270);
  const rt = t.send({ kind: "readTable", mac: MAC, session: 77, table: 1, version: 0 }, APP);
  assert.equal(session(rt[0]!.message), 77);
});

Deno.test("mp is relayed to the emulated cloud with the slot, and acked when the cloud answers", () => {
  const t = device({ cloud: CLOUD });
  using _ = t.device;
  t.send({ kind: "subscribe", mac: MAC }, APP);
  const relay = t.send(
    {
      kind: "changePassword",
      mac: MAC,
      session: 304916778,
      oldPassword: "888888",
      newPassword: "abcdef",
    },
    APP,
  );
  assert.deepEqual(relay.map((r) => [r.to, r.message.kind, session(r.message)]), [
    ["198.51.100.7:10000", "changePassword", 1],
  ]);
  const stranger = t.send({
    kind: "changePasswordCloudReply",
    mac: MAC,
    session: 1,
    newPassword: "x",
  }, APP2);
  assert.deepEqual(stranger, []);
  const ack = t.send({
    kind: "changePasswordCloudReply",
    mac: MAC,
    session: 1,
    newPassword: "abcdef",
  }, CLOUD);
  assert.deepEqual(ack.map((r) => [r.to, r.message.kind, session(r.message)]), [
    ["192.0.2.10:10000", "changePasswordReply", 1],
  ]);
  assert.equal(t.device.socketData.remotePassword, "abcdef");
  assert.deepEqual(t.device.tableVersions, [{ id: 4, table: 4, version: 2 }]);
});

Deno.test("requests for another MAC, undecodable datagrams, unknown tables and replies are ignored", () => {
  const t = device();
  using _ = t.device;
  t.send({ kind: "subscribe", mac: MAC }, APP);
  const other = Mac.parse("ac:cf:23:99:99:99");
  assert.deepEqual(t.send({ kind: "setPower", mac: other, session: 0, on: true }, APP), []);
  t.device.receive(fromHex("68 64 00 05 71"), APP);
  t.device.receive(new Uint8Array([1, 2, 3]), APP);
  assert.deepEqual(
    t.send({ kind: "readTable", mac: MAC, session: 0, table: 2, version: 0 }, APP),
    [],
  );
  assert.deepEqual(
    t.send({
      kind: "writeRawRecord",
      mac: MAC,
      session: 0,
      table: 5,
      operation: "add",
      record: new Uint8Array(4),
    }, APP),
    [],
  );
  assert.deepEqual(
    t.send({ kind: "deleteRecord", mac: MAC, session: 0, table: 4, id: 1 }, APP),
    [],
  );
  assert.deepEqual(t.send({ kind: "stateReport", mac: MAC, session: 0, on: true }, APP), []);
  assert.equal(t.ignored.length, 7);
  assert.match(t.ignored[0]!, /addressed to ac:cf:23:99:99:99/);
  assert.match(t.ignored[1]!, /does not decode/);
});

Deno.test("a full table 3 gets no ack for an add (maxTimers)", () => {
  const t = device({ maxTimers: 1 });
  using _ = t.device;
  const timer: TimerRecord = {
    id: 1,
    on: true,
    label: BLANK,
    year: 2026,
    month: 1,
    day: 1,
    hour: 1,
    minute: 0,
    second: 0,
    weekly: true,
    days: 1,
  };
  t.send({ kind: "subscribe", mac: MAC }, APP);
  assert.equal(
    t.send({ kind: "writeTimer", mac: MAC, session: 0, operation: "add", timer }, APP).length,
    1,
  );
  assert.deepEqual(
    t.send({
      kind: "writeTimer",
      mac: MAC,
      session: 0,
      operation: "add",
      timer: { ...timer, id: 2 },
    }, APP),
    [],
  );
  assert.match(t.ignored.at(-1)!, /full/);
});

Deno.test("ts is ignored by a socket with the 138-byte table 4", () => {
  const long = factorySocketData(MAC);
  const shortBytes = encode({ kind: "socketData", mac: MAC, session: 0, data: long }).slice(
    0,
    28 + 2 + 138,
  );
  shortBytes[2] = 0;
  shortBytes[3] = shortBytes.length;
  shortBytes[28] = 138;
  const short = decode(shortBytes);
  assert.ok(short.kind === "socketData" && short.data.zoneInfo === null);
  const t = device({ socketData: short.data as SocketData });
  using _ = t.device;
  t.send({ kind: "subscribe", mac: MAC }, APP);
  assert.deepEqual(
    t.send({
      kind: "setTimeZone",
      mac: MAC,
      session: 0,
      zoneIndex: 1,
      standardOffset: 0,
      dstOffset: 0,
    }, APP),
    [],
  );
});

Deno.test("local time follows table 4's zone: half-hour zones go away from UTC", async () => {
  const clock = new VirtualClock({ start: "2026-01-10T12:00:00Z" });
  const caracas = { ...factorySocketData(MAC), timeZone: -4, halfHour: true, dst: false };
  using d = new EmulatedDevice({ mac: MAC, clock, socketData: caracas });
  assert.equal(d.localTime?.toISOString(), "2026-01-10T07:30:00.000Z");
  using kabul = new EmulatedDevice({
    mac: MAC,
    clock,
    socketData: { ...factorySocketData(MAC), timeZone: 4, halfHour: true, dst: false },
  });
  assert.equal(kabul.localTime?.toISOString(), "2026-01-10T16:30:00.000Z");
  await clock.advance(0);
  clock.dispose();
});

Deno.test("nextFiring: weekly timers need day bits; one-shot timers fire once, after now only", () => {
  const base: TimerRecord = {
    id: 1,
    on: true,
    label: BLANK,
    year: 2026,
    month: 3,
    day: 29,
    hour: 7,
    minute: 0,
    second: 0,
    weekly: true,
    days: 0,
  };
  const at = (iso: string) => Date.parse(iso);
  assert.equal(nextFiring(base, at("2026-03-28T00:00:00Z")), null, "0x80 with no day bits");
  // 2026-03-29 is a Sunday (bit 6).
  assert.equal(
    nextFiring({ ...base, days: 1 << 6 }, at("2026-03-28T00:00:00Z")),
    at("2026-03-29T07:00:00Z"),
  );
  assert.equal(
    nextFiring({ ...base, days: 1 << 6 }, at("2026-03-29T07:00:00Z")),
    at("2026-04-05T07:00:00Z"),
  );
  const once = { ...base, weekly: false };
  assert.equal(nextFiring(once, at("2026-03-29T06:59:59Z")), at("2026-03-29T07:00:00Z"));
  assert.equal(nextFiring(once, at("2026-03-29T07:00:00Z")), null);
});

Deno.test("power cut while off, powerOn and close", async () => {
  const clock = new VirtualClock({ start: "2026-01-01T00:00:00Z" });
  const t = device({ clock, on: true, announceCount: 0 });
  t.device.powerCut({ offMs: Infinity });
  assert.deepEqual(t.device.history.map((c) => c.cause), ["reboot"]);
  t.device.powerCut({ offMs: 1000 });
  await clock.advance(999);
  assert.equal(t.device.powered, false);
  await clock.advance(1);
  assert.equal(t.device.powered, true);
  t.device.powerOn();
  t.device.close();
  t.send({ kind: "discover" }, APP);
  assert.deepEqual(t.sent, [], "a closed device ignores everything");
  assert.equal(clock.pending, 0);
  clock.dispose();
});

Deno.test("EmulatedDevice rejects bad options", () => {
  assert.throws(() => new EmulatedDevice({ mac: "nope" }), TypeError);
  assert.throws(() => new EmulatedDevice({ discoveryCopies: 0 }), RangeError);
  assert.throws(() => new EmulatedDevice({ replyDelayMs: -1 }), RangeError);
  assert.throws(() => new EmulatedDevice({ model: "SOC" }), RangeError);
  assert.throws(() => new EmulatedDevice({ name: "a name longer than sixteen bytes" }), RangeError);
});

/** `ts` as the app sent it in c1#222: Orvibo zone 0xb5, UTC+1, no DST offset yet. */
const SET_ZONE: Message = {
  kind: "setTimeZone",
  mac: MAC,
  session: 0,
  zoneIndex: 0xb5,
  standardOffset: 3600,
  dstOffset: 3600,
};

Deno.test("after ts the socket asks the emulated cloud for the DST rule (gt) and keeps a new one", () => {
  const t = device({ cloud: CLOUD });
  using _ = t.device;
  const version = () => {
    const [reply] = t.send(
      { kind: "readTable", mac: MAC, session: 5, table: 1, version: 0 },
      CLOUD,
    );
    assert.equal(reply!.message.kind, "tableVersions");
    return reply!.message.kind === "tableVersions" ? reply!.message.versions[0]!.version : -1;
  };
  t.send({ kind: "subscribe", mac: MAC }, APP);
  const ts = t.send(SET_ZONE, APP);
  // The ack to the app, then gt to the cloud with the zone index (c1#222, c1#256).
  assert.deepEqual(ts.map((r) => [r.to, r.message.kind]), [
    ["192.0.2.10:10000", "setTimeZoneReply"],
    ["198.51.100.7:10000", "dstRuleRequest"],
  ]);
  assert.equal(ts[1]!.message.kind === "dstRuleRequest" && ts[1]!.message.zoneIndex, 0xb5);
  const before = version();
  const rule = {
    kind: "dstRuleReply",
    mac: MAC,
    session: 0,
    year: 2015,
    standardOffset: 3600,
    dstOffset: 7200,
    dstStart: "2015-03-29T01:00:00Z",
    dstEnd: "2015-10-25T01:00:00Z",
  } as const;
  // Only the cloud's answer counts.
  assert.deepEqual(t.send(rule, APP2), []);
  assert.equal(t.device.socketData.zoneInfo!.dstRuleYear, 0);
  assert.equal(t.send(rule, CLOUD).length, 0, "the answer gets no reply");
  assert.deepEqual(
    [t.device.socketData.zoneInfo!.dstRuleYear, t.device.socketData.zoneInfo!.dstOffset],
    [2015, 7200],
  );
  assert.equal(t.device.socketData.zoneInfo!.dstEnd, "2015-10-25T01:00:00Z");
  assert.equal(version(), before + 1, "a new rule is a change of table 4");
  // The same rule again, as every ~12 s with a live cloud link (c4), changes nothing.
  t.send(rule, CLOUD);
  assert.equal(version(), before + 1);
  assert.match(t.ignored.join("\n"), /DST rule from a host that is not the cloud/);
});

Deno.test("without a cloud, ts is acked and no gt is sent", () => {
  const t = device();
  using _ = t.device;
  t.send({ kind: "subscribe", mac: MAC }, APP);
  const ts = t.send(SET_ZONE, APP);
  assert.deepEqual(ts.map((r) => r.message.kind), ["setTimeZoneReply"]);
});
