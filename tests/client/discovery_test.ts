/**
 * Discovery and reply modes on loopback. Emulated sockets bind 127.0.40.x:10000 (this file's
 * block), so they need no broadcast: the client sweeps or names them. Broadcast discovery is
 * in discovery_netns_test.ts.
 */
import assert from "node:assert/strict";
import { discoverAll, S20Client } from "../../mod.ts";
import { type Emulator, startEmulator } from "../../lib/emulator/emulator.ts";

async function startThree(block: number, replyTo: "source" | "port10000"): Promise<Emulator[]> {
  const out: Emulator[] = [];
  for (let i = 2; i <= 4; i++) {
    out.push(
      await startEmulator({
        hostname: `127.0.${block}.${i}`,
        port: 10000,
        replyTo,
        mac: `ac:cf:23:00:${block.toString(16).padStart(2, "0")}:0${i}`,
        dropDuringDiscoveryBurst: false,
      }),
    );
  }
  return out;
}

Deno.test("discover() sweeps a CIDR block and finds each socket once", async () => {
  const emulators = await startThree(40, "source");
  try {
    const found = await discoverAll({ targets: ["127.0.40.0/29"], timeout: 400, port: 0 });
    assert.deepEqual(
      found.map((f) => [f.mac, f.ip, f.port, f.model, f.on]).sort(),
      emulators.map((e) => [e.mac, e.address.hostname, 10000, "SOC005", false]).sort(),
    );
    assert.ok(found.every((f) => f.clock instanceof Date && Math.abs(f.clockSkew!) < 2000));
  } finally {
    await Promise.all(emulators.map((e) => e.close()));
  }
});

Deno.test("discover() finds a locked socket only when given its MAC", async () => {
  const emulators = await startThree(41, "source");
  try {
    await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
    const locked = emulators[0]!;
    await client.socket({ mac: locked.mac, ip: locked.address.hostname }).lock();
    const sweep = await Array.fromAsync(
      client.discover({ targets: ["127.0.41.0/29"], timeout: 300 }),
    );
    assert.deepEqual(sweep.map((f) => f.mac).sort(), [emulators[1]!.mac, emulators[2]!.mac].sort());
    const named = await Array.fromAsync(
      client.discover({ targets: [`${locked.mac}@${locked.address.hostname}`], timeout: 300 }),
    );
    assert.deepEqual(named.map((f) => f.mac), [locked.mac]);
  } finally {
    await Promise.all(emulators.map((e) => e.close()));
  }
});

Deno.test("sockets that reply to port 10000 of the requester work with a client on :10000", async () => {
  const emulators = await startThree(42, "port10000");
  try {
    // Replies go to <requester IP>:10000, so the client owns 127.0.42.1:10000.
    await using client = new S20Client({ hostname: "127.0.42.1", port: 10000 });
    const found = await Array.fromAsync(
      client.discover({ targets: ["127.0.42.0/29"], timeout: 400 }),
    );
    assert.equal(found.length, 3);
    await Promise.all(found.map((f) => client.socket(f.mac).on()));
    assert.ok(emulators.every((e) => e.device.on));
  } finally {
    await Promise.all(emulators.map((e) => e.close()));
  }
});

Deno.test("a socket named by IP alone is identified by a unicast probe", async () => {
  const emulators = await startThree(43, "source");
  try {
    await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
    const socket = client.socket("127.0.43.3");
    assert.equal(socket.mac, null);
    assert.equal(await socket.on(), true);
    assert.equal(socket.mac, emulators[1]!.mac);
    assert.equal(client.socket(emulators[1]!.mac), socket, "same handle by MAC afterwards");
  } finally {
    await Promise.all(emulators.map((e) => e.close()));
  }
});

Deno.test("a socket named by MAC alone is located by discovery among the client's targets", async () => {
  const emulators = await startThree(44, "source");
  try {
    await using client = new S20Client({
      hostname: "127.0.0.1",
      port: 0,
      targets: ["127.0.44.0/29"],
    });
    assert.equal(await client.socket(emulators[2]!.mac).on(), true);
    assert.equal(emulators[2]!.device.on, true);
    const missing = client.socket("ac:cf:23:99:99:99");
    await assert.rejects(missing.on({ timeout: 400 }), /Cannot find socket "ac:cf:23:99:99:99"/);
  } finally {
    await Promise.all(emulators.map((e) => e.close()));
  }
});

Deno.test("discover() ends early when the caller stops iterating, and on abort", async () => {
  const emulators = await startThree(45, "source");
  try {
    await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
    const started = performance.now();
    for await (const _ of client.discover({ targets: ["127.0.45.0/29"], timeout: 5000 })) break;
    assert.ok(performance.now() - started < 1000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("enough")), 100);
    await assert.rejects(
      Array.fromAsync(
        client.discover({ targets: ["127.0.45.0/29"], timeout: 5000, signal: controller.signal }),
      ),
      /enough/,
    );
  } finally {
    await Promise.all(emulators.map((e) => e.close()));
  }
});

Deno.test("discover() rejects bad targets with a clear error", async () => {
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
  await assert.rejects(Array.fromAsync(client.discover({ targets: ["10.0.0.0/8"] })), /too many/);
  await assert.rejects(Array.fromAsync(client.discover({ targets: ["nonsense"] })), TypeError);
});
