/**
 * Subscribed commands over real UDP with hand-written packets (docs/protocol.md#subscribe to
 * #reply-session-field, docs/protocol.md#tables, #emulator items 3–8). Addresses: 127.0.3.32–47.
 */
import assert from "node:assert/strict";
import {
  dateToDeviceTime,
  encode,
  fromHex,
  Mac,
  type Message,
  type TimerRecord,
  toHex,
} from "../../mod.ts";
import { startEmulator } from "../../lib/emulator/mod.ts";
import { kinds, Probe, type Received } from "../helpers/udp_probe.ts";

const MAC = Mac.parse("ac:cf:23:00:03:32");
const PAD = "20 20 20 20 20 20";
const HEAD = `ac cf 23 00 03 32 ${PAD}`;

function start(hostname: string) {
  return startEmulator({ hostname, port: 0, mac: MAC, replyTo: "source", timing: "instant" });
}

async function subscribe(probe: Probe, to: Deno.NetAddr | { hostname: string; port: number }) {
  await probe.send(
    fromHex(`68 64 00 1e 63 6c ${HEAD} 32 03 00 23 cf ac ${PAD}`),
    to,
  );
  const [reply] = await probe.take(1);
  assert.equal(reply?.message.kind, "subscribeReply");
  return reply!;
}

function only(received: Received[], kind: Message["kind"]): Received[] {
  return received.filter((r) => r.message.kind === kind);
}

const timer: TimerRecord = {
  id: 0x70fe,
  on: true,
  year: 2026,
  month: 3,
  day: 2,
  hour: 18,
  minute: 34,
  second: 6,
  weekly: true,
  days: 0b0000101,
  label: new Uint8Array(16).fill(0x20),
};

Deno.test("cl then dc: ack with last byte 00, then sf twice to every subscriber", async () => {
  await using emulator = await start("127.0.3.32");
  await using a = new Probe("127.0.3.33");
  await using b = new Probe("127.0.3.34");
  const reply = await subscribe(a, emulator.address);
  assert.equal(toHex(reply.data, " "), `68 64 00 18 63 6c ${HEAD} 00 00 00 00 00 00`);
  await subscribe(b, emulator.address);

  await a.send(fromHex(`68 64 00 17 64 63 ${HEAD} 2a a9 2c 12 01`), emulator.address);
  const toA = await a.take(3);
  const toB = await b.take(2);
  assert.deepEqual(kinds(toA), ["setPowerReply", "stateReport", "stateReport"]);
  assert.equal(toHex(toA[0]!.data, " "), `68 64 00 17 64 63 ${HEAD} 00 00 00 00 00`);
  const sf = `68 64 00 17 73 66 ${HEAD} 00 00 00 00 01`;
  for (const r of [...toA.slice(1), ...toB]) assert.equal(toHex(r.data, " "), sf);
  const gap = toB[1]!.at - toB[0]!.at;
  assert.ok(gap > 30 && gap < 400, `second sf ${gap} ms after the first`);
  assert.equal(emulator.device.on, true);

  // The second subscriber holds slot 1 (docs/protocol.md#reply-session-field).
  await b.send(fromHex(`68 64 00 17 64 63 ${HEAD} 00 00 00 00 00`), emulator.address);
  const toB2 = await b.take(3);
  assert.equal(toHex(toB2[0]!.data, " "), `68 64 00 17 64 63 ${HEAD} 01 00 00 00 00`);
  assert.equal(only(await a.take(2), "stateReport").length, 2);
  assert.equal(emulator.device.on, false);
});

Deno.test("dc to the state the relay is already in is still acked and pushed (Q10)", async () => {
  await using emulator = await start("127.0.3.35");
  await using a = new Probe("127.0.3.36");
  await subscribe(a, emulator.address);
  await a.send(encode({ kind: "setPower", mac: MAC, session: 0, on: false }), emulator.address);
  assert.deepEqual(kinds(await a.take(3)), ["setPowerReply", "stateReport", "stateReport"]);
  assert.deepEqual(emulator.device.history, []);
});

Deno.test("a host that is not subscribed is ignored: no reply, no change", async () => {
  await using emulator = await start("127.0.3.37");
  await using stranger = new Probe("127.0.3.38");
  const requests: Message[] = [
    { kind: "setPower", mac: MAC, session: 0, on: true },
    { kind: "heartbeat", mac: MAC, session: 7 },
    { kind: "readTable", mac: MAC, session: 0, table: 4, version: 0 },
    { kind: "writeTimer", mac: MAC, session: 0, operation: "add", timer },
    { kind: "setClock", mac: MAC, session: 0, clock: 0xda5790dc },
    { kind: "countdown", mac: MAC, session: 0, mode: "set", action: "on", seconds: 5 },
    { kind: "setTimeZone", mac: MAC, session: 0, zoneIndex: 181, standardOffset: 0, dstOffset: 0 },
  ];
  const reasons: string[] = [];
  emulator.onEvent((e) => e.type === "ignored" && reasons.push(e.reason));
  for (const r of requests) await stranger.send(encode(r), emulator.address);
  assert.deepEqual(await stranger.collect(120), []);
  assert.equal(reasons.length, requests.length);
  assert.equal(emulator.device.on, false);
  assert.deepEqual(emulator.device.timers, []);
  assert.equal(emulator.device.countdown, null);
});

Deno.test("rt reads tables 1, 3 and 4; tm adds, modifies and deletes timers with version bumps", async () => {
  await using emulator = await start("127.0.3.39");
  await using a = new Probe("127.0.3.40");
  await subscribe(a, emulator.address);
  const read = async (table: number) => {
    await a.send(
      fromHex(`68 64 00 1d 72 74 ${HEAD} 00 00 00 00 0${table} 00 00 00 00 00 00`),
      emulator.address,
    );
    const [reply] = await a.take(1);
    assert.ok(reply, `no reply to rt ${table}`);
    return reply;
  };
  const write = async (message: Message) => {
    await a.send(encode(message), emulator.address);
    const [ack] = await a.take(1);
    assert.equal(toHex(ack!.data, " "), `68 64 00 17 74 6d ${HEAD} 00 00 00 00 00`);
  };

  const versions = await read(1);
  assert.equal(
    toHex(versions.data, " "),
    `68 64 00 24 72 74 ${HEAD} 00 00 00 00 00 01 00 01 00 00 06 00 04 00 04 00 01 00`,
  );
  const empty = await read(3);
  assert.deepEqual(empty.message, { kind: "timerTable", mac: MAC, session: 0, timers: [] });
  const data = await read(4);
  assert.equal(data.data.length, 220);
  assert.ok(data.message.kind === "socketData" && data.message.data.name === null);

  await write({ kind: "writeTimer", mac: MAC, session: 0, operation: "add", timer });
  await write({
    kind: "writeTimer",
    mac: MAC,
    session: 0,
    operation: "add",
    timer: { ...timer, id: 2, weekly: false, days: 0 },
  });
  let listed = await read(1);
  assert.ok(listed.message.kind === "tableVersions");
  assert.deepEqual(listed.message.versions, [
    { id: 4, table: 4, version: 1 },
    { id: 3, table: 3, version: 2 },
  ]);
  await write({
    kind: "writeTimer",
    mac: MAC,
    session: 0,
    operation: "modify",
    timer: { ...timer, hour: 7 },
  });
  const timers = await read(3);
  assert.ok(timers.message.kind === "timerTable");
  assert.deepEqual(timers.message.timers.map((t) => [t.id, t.hour]), [[0x70fe, 7], [2, 18]]);
  // Delete, 27 bytes, by hand (docs/protocol.md#table-3).
  await a.send(fromHex(`68 64 00 1b 74 6d ${HEAD} 00 00 00 00 03 00 02 fe 70`), emulator.address);
  assert.deepEqual(kinds(await a.take(1)), ["writeTableReply"]);
  await write({ kind: "deleteRecord", mac: MAC, session: 0, table: 3, id: 2 });
  listed = await read(1);
  assert.ok(listed.message.kind === "tableVersions");
  assert.deepEqual(listed.message.versions, [{ id: 4, table: 4, version: 1 }]);
  assert.deepEqual(emulator.device.timers, []);
});

Deno.test("tm on table 4 renames the socket and bumps table 4's version", async () => {
  await using emulator = await start("127.0.3.41");
  await using a = new Probe("127.0.3.42");
  await subscribe(a, emulator.address);
  const renamed = { ...emulator.device.socketData, name: "Desk lamp" };
  await a.send(
    encode({ kind: "writeSocketData", mac: MAC, session: 0, operation: "modify", data: renamed }),
    emulator.address,
  );
  assert.deepEqual(kinds(await a.take(1)), ["writeTableReply"]);
  await a.send(
    encode({ kind: "readTable", mac: MAC, session: 0, table: 4, version: 0 }),
    emulator.address,
  );
  const [reply] = await a.take(1);
  assert.ok(reply?.message.kind === "socketData");
  assert.equal(reply.message.data.name, "Desk lamp");
  assert.deepEqual(emulator.device.tableVersions, [{ id: 4, table: 4, version: 2 }]);
});

Deno.test("cs sets the device clock; hb and cs echo the session, others carry the slot", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.43",
    port: 0,
    mac: MAC,
    replyTo: "source",
    time: "zero",
  });
  await using a = new Probe("127.0.3.44");
  await subscribe(a, emulator.address);
  assert.equal(emulator.device.clockReading, 0);
  await a.send(fromHex(`68 64 00 1a 63 73 ${HEAD} 73 fb 32 12 dc 90 57 da`), emulator.address);
  const [ack] = await a.take(1);
  assert.equal(toHex(ack!.data, " "), `68 64 00 17 63 73 ${HEAD} 73 fb 32 12 00`);
  const reading = emulator.device.clockReading;
  assert.ok(reading >= 0xda5790dc && reading <= 0xda5790dc + 1, `clock reads ${reading}`);
  assert.equal(emulator.device.deviceTime?.toISOString().slice(0, 16), "2016-01-30T19:43");

  await a.send(fromHex(`68 64 00 16 68 62 ${HEAD} 73 fb 32 12`), emulator.address);
  const [hb] = await a.take(1);
  assert.equal(toHex(hb!.data, " "), `68 64 00 17 68 62 ${HEAD} 73 fb 32 12 00`);

  // The discovery reply carries the clock (offset 37).
  await a.send(fromHex(`68 64 00 12 71 67 ${HEAD}`), emulator.address);
  const [found] = await a.take(10);
  assert.ok(found?.message.kind === "discoverReply");
  assert.ok(
    Math.abs(found.message.clock - dateToDeviceTime(new Date("2016-01-30T19:43:24Z"))) <= 1,
  );
});

Deno.test("ts copies the zone index and offsets into the table-4 tail and acks with the slot", async () => {
  await using emulator = await start("127.0.3.45");
  await using a = new Probe("127.0.3.46");
  await subscribe(a, emulator.address);
  await a.send(
    fromHex(`68 64 00 22 74 73 ${HEAD} 2a a9 2c 12 b5 00 00 00 10 0e 00 00 10 0e 00 00`),
    emulator.address,
  );
  const [ack] = await a.take(1);
  assert.equal(toHex(ack!.data, " "), `68 64 00 17 74 73 ${HEAD} 00 00 00 00 00`);
  const zone = emulator.device.socketData.zoneInfo;
  assert.equal(zone?.zoneIndex, 0xb5);
  assert.equal(zone?.standardOffset, 3600);
  assert.equal(zone?.dstOffset, 3600);
  assert.equal(
    toHex(emulator.device.socketData.raw.subarray(138, 150), " "),
    "b5 00 00 00 10 0e 00 00 10 0e 00 00",
  );
  assert.deepEqual(emulator.device.tableVersions, [{ id: 4, table: 4, version: 2 }]);

  // lt and mp (no cloud) are never answered (docs/protocol.md#remote-password, #cloud-messages).
  await a.send(fromHex(`68 64 00 12 6c 74 ${HEAD}`), emulator.address);
  await a.send(
    encode({
      kind: "changePassword",
      mac: MAC,
      session: 0,
      oldPassword: "888888",
      newPassword: "abc",
    }),
    emulator.address,
  );
  assert.deepEqual(await a.collect(100), []);
});
