/**
 * Seeded network faults: the same seed gives the same loss and duplication pattern, rates come
 * out roughly as configured, delays and reordering apply. Addresses: 127.0.3.80–95.
 */
import assert from "node:assert/strict";
import { encode, Mac } from "../../mod.ts";
import { FaultInjector, type FaultOptions, startEmulator } from "../../lib/emulator/mod.ts";
import { Probe } from "../helpers/udp_probe.ts";

const MAC = Mac.parse("ac:cf:23:00:03:80");

Deno.test("FaultInjector gives the same pattern for the same seed and another for another seed", () => {
  const pattern = (seed: number) => {
    const f = new FaultInjector({ seed, requestLoss: 0.3, replyLoss: 0.3, duplicate: 0.3 });
    return Array.from(
      { length: 200 },
      () => `${f.dropRequest() ? "x" : "."}${f.planReply().length}`,
    );
  };
  assert.deepEqual(pattern(5), pattern(5));
  assert.notDeepEqual(pattern(5), pattern(6));
});

Deno.test("FaultInjector rates come out roughly as configured over 5000 datagrams", () => {
  const f = new FaultInjector({ seed: 99, requestLoss: 0.3, replyLoss: 0.1, duplicate: 0.2 });
  const n = 5000;
  let dropped = 0;
  let lost = 0;
  let doubled = 0;
  for (let i = 0; i < n; i++) {
    if (f.dropRequest()) dropped++;
    const copies = f.planReply().length;
    if (copies === 0) lost++;
    if (copies === 2) doubled++;
  }
  const near = (value: number, rate: number, what: string) =>
    assert.ok(Math.abs(value / n - rate) < 0.03, `${what}: ${value / n} instead of ${rate}`);
  near(dropped, 0.3, "request loss");
  near(lost, 0.1, "reply loss");
  near(doubled, 0.2 * 0.9, "duplication");
});

Deno.test("FaultInjector rejects rates outside 0-1", () => {
  assert.throws(() => new FaultInjector({ replyLoss: 1.5 }), RangeError);
  assert.throws(() => new FaultInjector({ jitterMs: -1 }), RangeError);
});

/** Subscribes (retrying past losses), sends 40 hb with sessions 0–39 and counts the echoes. */
async function run(hostname: string, faults: FaultOptions): Promise<number[]> {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname,
    port: 0,
    mac: MAC,
    replyTo: "source",
    faults,
  });
  await using probe = new Probe(hostname.replace(/\d+$/, (n) => String(Number(n) + 1)));
  for (let attempt = 0; attempt < 20; attempt++) {
    await probe.send(encode({ kind: "subscribe", mac: MAC }), emulator.address);
    if ((await probe.take(1, 40)).length > 0) break;
  }
  await probe.collect(20);
  for (let session = 0; session < 40; session++) {
    await probe.send(encode({ kind: "heartbeat", mac: MAC, session }), emulator.address);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const replies = await probe.collect(300);
  const counts = new Array<number>(40).fill(0);
  for (const r of replies) {
    if (r.message.kind === "heartbeatReply") counts[r.message.session]!++;
  }
  return counts;
}

Deno.test("loss and duplication over UDP follow the seed: same seed, same pattern", async () => {
  const faults = { requestLoss: 0.25, replyLoss: 0.25, duplicate: 0.3 };
  const first = await run("127.0.3.80", { ...faults, seed: 1234 });
  const again = await run("127.0.3.82", { ...faults, seed: 1234 });
  const other = await run("127.0.3.84", { ...faults, seed: 4321 });
  assert.deepEqual(again, first);
  assert.notDeepEqual(other, first);
  const missing = first.filter((c) => c === 0).length;
  const doubled = first.filter((c) => c === 2).length;
  assert.ok(missing >= 5 && missing <= 35, `${missing} of 40 unanswered`);
  assert.ok(doubled >= 1, "some replies arrive twice");
});

Deno.test("delay and reordering hold replies back", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.86",
    port: 0,
    mac: MAC,
    replyTo: "source",
    faults: { seed: 3, delayMs: 30, reorder: 0.5, reorderMs: 80 },
  });
  await using probe = new Probe("127.0.3.87");
  const sent = performance.now();
  await probe.send(encode({ kind: "subscribe", mac: MAC }), emulator.address);
  const [first] = await probe.take(1, 500);
  assert.ok(first !== undefined && first.at - sent >= 30, "delayed by at least 30 ms");
  for (let session = 0; session < 20; session++) {
    await probe.send(encode({ kind: "heartbeat", mac: MAC, session }), emulator.address);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  const replies = await probe.take(20, 1000);
  const order = replies.map((r) => r.message.kind === "heartbeatReply" ? r.message.session : -1);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(order, [...order].sort((a, b) => a - b), "some replies were overtaken");
});

Deno.test("fault events report drops and duplicates", async () => {
  await using emulator = await startEmulator({
    timing: "instant",
    hostname: "127.0.3.88",
    port: 0,
    mac: MAC,
    replyTo: "source",
    faults: { seed: 8, duplicate: 1 },
  });
  await using probe = new Probe("127.0.3.89");
  const faults: string[] = [];
  emulator.onEvent((e) => e.type === "fault" && faults.push(`${e.direction} ${e.fault}`));
  await probe.send(encode({ kind: "subscribe", mac: MAC }), emulator.address);
  assert.equal((await probe.take(2)).length, 2);
  assert.deepEqual(faults, ["out duplicated"]);
});
