/**
 * Issue 13 point 3: every forged discovery reply with a new MAC used to add a registry entry
 * that was never freed. The registry is bounded: by count, and by age for sockets without a
 * handle. (RSS under a 1,000,000-datagram flood: scripts/bench_spoof.ts macs.)
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import { encode, type Mac, S20Client } from "../../mod.ts";
import { Registry } from "../../lib/client/registry.ts";
import { listenUdp } from "../../lib/transport/udp.ts";

function randomMac(): Mac {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(":") as Mac;
}

Deno.test("Registry forgets the least recently seen beyond its limit, and the silent", () => {
  const forgotten: string[] = [];
  const registry = new Registry<string, number>({
    limit: 3,
    maxAgeMs: 1000,
    keep: (key) => key === "kept",
    onForget: (key) => forgotten.push(key),
  });
  registry.set(0, "kept", 0);
  registry.set(1, "a", 1);
  registry.set(2, "b", 2);
  registry.set(3, "a", 3); // seen again: now the most recent
  registry.set(4, "c", 4);
  assert.deepEqual(forgotten, ["b"]);
  assert.deepEqual([...registry.snapshot(4).keys()].sort(), ["a", "c", "kept"]);
  // Silence: everything but the kept entry ages out.
  assert.deepEqual([...registry.snapshot(1004).keys()], ["kept"]);
  assert.deepEqual(forgotten, ["b", "a", "c"]);
  assert.equal(registry.get("kept"), 0);
});

Deno.test("a flood of discovery replies with made-up MACs leaves the registry bounded", async () => {
  const clock = new VirtualClock({ start: "2026-06-01T12:00:00Z" });
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0, clock });
  const held = randomMac();
  client.socket(`${held}@127.0.57.2`); // a socket the user named: never forgotten
  const attacker = listenUdp({ hostname: "127.0.57.66", port: 0 });
  const reply = (mac: Mac) =>
    encode({ kind: "discoverReply", command: "qa", mac, model: "SOC005", clock: 0, on: true });
  try {
    await attacker.send(reply(held), client.local);
    for (let i = 0; i < 5000; i++) {
      await attacker.send(reply(randomMac()), client.local);
      if (i % 32 === 31) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const size = client.known.size;
    assert.ok(size <= 4096, `registry holds ${size}`);
    assert.ok(size > 1000, `the flood was received (${size})`);
    assert.ok(client.known.has(held));
    // Fifteen minutes of silence: only the socket with a handle is left.
    await clock.advance(16 * 60_000);
    assert.deepEqual([...client.known.keys()], [held]);
  } finally {
    attacker.close();
  }
});
