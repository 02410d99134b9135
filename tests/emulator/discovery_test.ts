/**
 * Discovery over real UDP with hand-written packets (docs/protocol.md#discovery, #subscribe,
 * #emulator item 1). Addresses: 127.0.3.16–31.
 */
import assert from "node:assert/strict";
import { factorySocketData, fromHex, toHex } from "../../mod.ts";
import { startEmulator } from "../../lib/emulator/mod.ts";
import { kinds, Probe } from "../helpers/udp_probe.ts";

const MAC = "ac:cf:23:00:03:16";
const QA = fromHex("68 64 00 06 71 61");
const QG = fromHex("68 64 00 12 71 67 ac cf 23 00 03 16 20 20 20 20 20 20");
const QG_OTHER = fromHex("68 64 00 12 71 67 ac cf 23 99 99 99 20 20 20 20 20 20");
const QA_WITH_MAC = fromHex("68 64 00 12 71 61 ac cf 23 00 03 16 20 20 20 20 20 20");
const CL = fromHex(
  "68 64 00 1e 63 6c ac cf 23 00 03 16 20 20 20 20 20 20 16 03 00 23 cf ac 20 20 20 20 20 20",
);

Deno.test("emulator answers qa ten times about 15 ms apart, with the extra 00", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.16",
    port: 0,
    mac: MAC,
    replyTo: "source",
    on: true,
  });
  await using probe = new Probe("127.0.3.17");
  await probe.send(QA, emulator.address);
  const replies = await probe.take(10, 1000);
  assert.equal(replies.length, 10);
  const expected = "68 64 00 2a 71 61 00 ac cf 23 00 03 16 20 20 20 20 20 20 " +
    "16 03 00 23 cf ac 20 20 20 20 20 20 53 4f 43 30 30 35";
  for (const r of replies) {
    assert.equal(r.data.length, 42);
    assert.equal(toHex(r.data.subarray(0, 37), " "), expected);
    assert.equal(r.data[41], 1, "relay state byte");
  }
  const span = replies.at(-1)!.at - replies[0]!.at;
  assert.ok(span >= 9 * 15 - 20 && span < 9 * 15 + 400, `10 copies spread over ${span} ms`);
  assert.deepEqual(await probe.collect(60), [], "no 11th copy");
});

Deno.test("emulator answers qg and the 18-byte qa only for its own MAC", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.18",
    port: 0,
    mac: MAC,
    replyTo: "source",
  });
  await using probe = new Probe("127.0.3.19");
  await probe.send(QG, emulator.address);
  const replies = await probe.take(10);
  assert.equal(replies.length, 10);
  assert.ok(replies.every((r) => toHex(r.data.subarray(4, 7)) === "716700"));
  await probe.collect(50);
  await probe.send(QG_OTHER, emulator.address);
  await probe.send(
    fromHex("68 64 00 12 71 61 ac cf 23 99 99 99 20 20 20 20 20 20"),
    emulator.address,
  );
  assert.deepEqual(await probe.collect(100), []);
  await probe.send(QA_WITH_MAC, emulator.address);
  assert.equal((await probe.take(10)).length, 10);
});

Deno.test("a locked socket ignores qa but answers qg", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.20",
    port: 0,
    mac: MAC,
    replyTo: "source",
    socketData: { ...factorySocketData(MAC), discoverable: false },
  });
  await using probe = new Probe("127.0.3.21");
  const ignored: string[] = [];
  emulator.onEvent((e) => e.type === "ignored" && ignored.push(e.reason));
  await probe.send(QA, emulator.address);
  assert.deepEqual(await probe.collect(100), []);
  assert.match(ignored[0]!, /locked/);
  await probe.send(QG, emulator.address);
  const replies = await probe.take(10);
  assert.equal(replies.length, 10);
  assert.ok(replies.every((r) => r.message.kind === "discoverReply"));
});

Deno.test("a cl sent during a discovery burst is dropped; after the burst it is answered", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.22",
    port: 0,
    mac: MAC,
    replyTo: "source",
    discoverySpacingMs: 50, // a 450 ms burst leaves room for a slow test machine
  });
  await using probe = new Probe("127.0.3.23");
  await probe.send(QG, emulator.address);
  await probe.take(1);
  await probe.send(CL, emulator.address);
  const during = await probe.take(10, 1000);
  assert.deepEqual(new Set(kinds(during)), new Set(["discoverReply"]));
  assert.deepEqual(await probe.collect(100), []);
  await probe.send(CL, emulator.address);
  const after = await probe.take(1);
  assert.deepEqual(kinds(after), ["subscribeReply"]);
  assert.equal(
    toHex(after[0]!.data, " "),
    "68 64 00 18 63 6c ac cf 23 00 03 16 20 20 20 20 20 20 00 00 00 00 00 00",
  );
});

Deno.test("with dropDuringDiscoveryBurst off, a cl during the burst is answered", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.24",
    port: 0,
    mac: MAC,
    replyTo: "source",
    dropDuringDiscoveryBurst: false,
    discoveryCopies: 3,
    discoverySpacingMs: 40,
  });
  await using probe = new Probe("127.0.3.25");
  await probe.send(QA, emulator.address);
  const first = await probe.take(1);
  await probe.send(CL, emulator.address);
  const got = [...first, ...await probe.collect(300)];
  assert.deepEqual(kinds(got).filter((k) => k === "subscribeReply"), ["subscribeReply"]);
  assert.equal(kinds(got).filter((k) => k === "discoverReply").length, 3);
});
