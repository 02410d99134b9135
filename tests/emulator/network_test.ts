/**
 * Reply destinations (Q1) and several sockets at once on distinct loopback addresses.
 * Addresses: 127.0.3.64–79. Port 10000 is bound only on 127.0.3.65, which no other test uses.
 */
import assert from "node:assert/strict";
import { encode, fromHex, Mac } from "../../mod.ts";
import { startEmulator, startFleet } from "../../lib/emulator/mod.ts";
import { kinds, Probe } from "../helpers/udp_probe.ts";

const MAC = Mac.parse("ac:cf:23:00:03:64");

Deno.test("port10000 mode replies and pushes to the requester's IP at port 10000", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.64",
    port: 0,
    mac: MAC,
    replyTo: "port10000",
  });
  await using home = new Probe("127.0.3.65", 10000);
  await using sender = new Probe("127.0.3.65");
  await sender.send(encode({ kind: "subscribe", mac: MAC }), emulator.address);
  assert.deepEqual(kinds(await home.take(1)), ["subscribeReply"]);
  await sender.send(encode({ kind: "setPower", mac: MAC, session: 0, on: true }), emulator.address);
  assert.deepEqual(kinds(await home.take(3)), ["setPowerReply", "stateReport", "stateReport"]);
  await sender.send(fromHex("68 64 00 06 71 61"), emulator.address);
  assert.equal((await home.take(10)).length, 10);
  assert.deepEqual(await sender.collect(30), [], "nothing goes to the source port");
  // In this mode subscribers are hosts: another port of the same host is the same subscriber.
  await using sameHost = new Probe("127.0.3.65");
  await sameHost.send(encode({ kind: "heartbeat", mac: MAC, session: 1 }), emulator.address);
  assert.deepEqual(kinds(await home.take(1)), ["heartbeatReply"]);
});

Deno.test("source mode replies to the request's source address and port", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.66",
    port: 0,
    mac: MAC,
    replyTo: "source",
  });
  await using a = new Probe("127.0.3.67");
  await using b = new Probe("127.0.3.67");
  await a.send(encode({ kind: "subscribe", mac: MAC }), emulator.address);
  assert.deepEqual(kinds(await a.take(1)), ["subscribeReply"]);
  // Subscribers are host:port: b, on the same host, is not subscribed.
  await b.send(encode({ kind: "heartbeat", mac: MAC, session: 1 }), emulator.address);
  assert.deepEqual(await b.collect(60), []);
  await a.send(encode({ kind: "heartbeat", mac: MAC, session: 1 }), emulator.address);
  assert.deepEqual(kinds(await a.take(1)), ["heartbeatReply"]);
});

Deno.test("several sockets run at once, each on its own loopback address", async () => {
  await using fleet = await startFleet({
    timing: "instant",
    count: 3,
    address: "127.0.3.70",
    port: 0,
    replyTo: "source",
    firstMac: "ac:cf:23:00:03:70",
  });
  await using probe = new Probe("127.0.3.69");
  assert.deepEqual(fleet.emulators.map((e) => e.address.hostname), [
    "127.0.3.70",
    "127.0.3.71",
    "127.0.3.72",
  ]);
  for (const emulator of fleet.emulators) {
    await probe.send(fromHex("68 64 00 06 71 61"), emulator.address);
  }
  const replies = await probe.take(30);
  const macs = new Set(replies.map((r) => r.message.kind === "discoverReply" ? r.message.mac : ""));
  assert.deepEqual([...macs].sort(), [
    "ac:cf:23:00:03:70",
    "ac:cf:23:00:03:71",
    "ac:cf:23:00:03:72",
  ]);
  assert.deepEqual(
    fleet.emulators.map((e) => e.device.socketData.name),
    ["Desk lamp", "Hall light", "Kettle"],
  );
  // Switching one leaves the others alone.
  const [, middle] = fleet.emulators;
  await probe.send(encode({ kind: "subscribe", mac: middle!.mac }), middle!.address);
  await probe.send(
    encode({ kind: "setPower", mac: middle!.mac, session: 0, on: true }),
    middle!.address,
  );
  await probe.take(4);
  assert.deepEqual(fleet.emulators.map((e) => e.device.on), [false, true, false]);
});

Deno.test("a fleet can step ports on one address instead", async () => {
  await using fleet = await startFleet({
    timing: "instant",
    count: 2,
    address: "127.0.3.73",
    port: 0,
    step: "port",
  });
  assert.deepEqual(fleet.emulators.map((e) => e.address.hostname), ["127.0.3.73", "127.0.3.73"]);
  assert.notEqual(fleet.emulators[0]!.address.port, fleet.emulators[1]!.address.port);
});

Deno.test("a fleet that cannot bind every socket closes those it started", async () => {
  await using taken = new Probe("127.0.3.76", 10000);
  await assert.rejects(
    startFleet({ timing: "instant", count: 3, address: "127.0.3.74", port: 10000 }),
    (error: Error) => error.name === "PortInUseError",
  );
  // 127.0.3.74 and .75 were released: they can be bound again.
  await using again = await startFleet({
    timing: "instant",
    count: 2,
    address: "127.0.3.74",
    port: 10000,
  });
  assert.equal(again.emulators.length, 2);
  assert.equal(taken.address.port, 10000);
});
