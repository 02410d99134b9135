/** The emulator's reply timing: the captured table, the seeded draw, and the device using it. */
import assert from "node:assert/strict";
import { encode } from "../../mod.ts";
import {
  CAPTURED_LATENCIES,
  EmulatedDevice,
  type EmulatedDeviceOptions,
  type LatencyKey,
  type OutgoingDatagram,
} from "../../lib/emulator/mod.ts";
import { LatencyDraw } from "../../lib/emulator/latency.ts";
import { measureCapturedLatencies } from "../helpers/capture_latency.ts";
import { sharedMissing } from "../helpers/shared.ts";
import { startRig } from "../helpers/emulated.ts";

const APP = { hostname: "192.0.2.10", port: 10000 };

Deno.test({
  name: "CAPTURED_LATENCIES holds exactly what the four captures measure, and cites its frames",
  ignore: sharedMissing("the captured latency table"),
  fn() {
    const measured = measureCapturedLatencies();
    assert.deepEqual(
      [...measured.keys()].sort(),
      Object.keys(CAPTURED_LATENCIES).sort(),
      "one row per kind of answer the captures time",
    );
    for (const [key, samples] of measured) {
      const row = CAPTURED_LATENCIES[key as LatencyKey];
      assert.deepEqual(row.samples, samples.map((s) => s.ms), `samples of ${key}`);
      if (key === "sf" || key === "sf2" || key === "hb") continue; // cited as a group
      for (const { source } of samples) {
        const [capture, frame] = source.split("#");
        assert.match(row.source, new RegExp(`${capture}#(\\d+ #)*${frame}\\b`), `${key} ${source}`);
      }
    }
  },
});

Deno.test("LatencyDraw: seeded, inside the measured range, rare tails stay rare", () => {
  const draws = (seed: number, key: LatencyKey, n: number) => {
    const draw = new LatencyDraw("captured", seed);
    return Array.from({ length: n }, () => draw.next(key));
  };
  assert.deepEqual(draws(7, "dc", 50), draws(7, "dc", 50));
  assert.notDeepEqual(draws(7, "dc", 50), draws(8, "dc", 50));
  for (const key of Object.keys(CAPTURED_LATENCIES) as LatencyKey[]) {
    const { samples } = CAPTURED_LATENCIES[key];
    for (const ms of draws(3, key, 200)) {
      assert.ok(ms >= samples[0]! && ms <= samples.at(-1)!, `${key}: ${ms} ms`);
    }
  }
  // hb: 47 of 48 replies came within 271 ms, one after 1166 ms.
  const hb = draws(11, "hb", 2000);
  const slow = hb.filter((ms) => ms > 271).length / hb.length;
  assert.ok(slow > 0.005 && slow < 0.05, `share of hb draws over 271 ms: ${slow}`);
  const sorted = [...hb].sort((a, b) => a - b);
  const median = sorted[1000]!;
  assert.ok(median >= 26 && median <= 88, `hb median ${median} ms (captured: 34)`);
});

Deno.test("LatencyDraw: instant timing draws nothing but the 50 ms between the two sf rounds", () => {
  const draw = new LatencyDraw("instant", 1);
  for (const key of Object.keys(CAPTURED_LATENCIES) as LatencyKey[]) {
    assert.equal(draw.next(key), key === "sf2" ? 50 : 0, key);
  }
});

function device(
  options: EmulatedDeviceOptions = {},
): { sent: OutgoingDatagram[]; d: EmulatedDevice } {
  const sent: OutgoingDatagram[] = [];
  const d = new EmulatedDevice({ ...options, output: (datagram) => sent.push(datagram) });
  return { sent, d };
}

/** Subscribes, switches on, reads table 4 and discovers; returns each answer's delay by kind. */
function exchange(options: EmulatedDeviceOptions = {}): Record<string, number[]> {
  const { sent, d } = device(options);
  try {
    const mac = d.mac;
    d.receive(encode({ kind: "subscribe", mac }), APP);
    d.receive(encode({ kind: "setPower", mac, session: 0, on: true }), APP);
    d.receive(encode({ kind: "readTable", mac, session: 0, table: 4, version: 0 }), APP);
    d.receive(encode({ kind: "discover" }), APP);
  } finally {
    d.close();
  }
  const out: Record<string, number[]> = {};
  for (const s of sent) (out[s.message.kind] ??= []).push(s.delayMs);
  return out;
}

Deno.test("an emulated socket answers with delays drawn from the captures by default", () => {
  const within = (key: LatencyKey, ms: number) => {
    const { samples } = CAPTURED_LATENCIES[key];
    assert.ok(ms >= samples[0]! && ms <= samples.at(-1)!, `${key}: ${ms} ms`);
  };
  const delays = exchange();
  within("cl", delays.subscribeReply![0]!);
  const ack = delays.setPowerReply![0]!;
  within("dc", ack);
  const [first, second] = delays.stateReport!;
  within("sf", first! - ack);
  within("sf2", second! - first!);
  within("rt4", delays.socketData![0]!);
  const copies = delays.discoverReply!;
  assert.equal(copies.length, 10);
  within("qa", copies[0]!);
  assert.deepEqual(copies.map((ms) => ms - copies[0]!), copies.map((_, i) => i * 15));
  // Seeded: the same socket gives the same delays; another MAC or seed others.
  assert.deepEqual(exchange(), delays);
  assert.notDeepEqual(exchange({ mac: "ac:cf:23:00:00:02" }), delays);
  assert.notDeepEqual(exchange({ timingSeed: 2 }), delays);
});

Deno.test("timing 'instant' answers at once; fixed delays override the drawn ones", () => {
  const instant = exchange({ timing: "instant" });
  assert.deepEqual(instant.subscribeReply, [0]);
  assert.deepEqual(instant.setPowerReply, [0]);
  assert.deepEqual(instant.stateReport, [0, 50]);
  assert.equal(instant.discoverReply![0], 0);
  const fixed = exchange({ replyDelayMs: 5, pushDelayMs: 5, pushRepeatMs: 50 });
  assert.deepEqual(fixed.setPowerReply, [5]);
  assert.deepEqual(fixed.stateReport, [10, 60]);
  assert.throws(
    () => new EmulatedDevice({ timing: "slow" as "instant" }),
    /'timing' must be "captured" or "instant"/,
  );
  assert.throws(() => new EmulatedDevice({ timingSeed: 1.5 }), /'timingSeed' must be an integer/);
});

Deno.test("the client works against the captured delays: switch, rename, clock", async () => {
  await using rig = await startRig({ emulator: () => ({ timing: "captured", timingSeed: 5 }) });
  const [socket] = rig.sockets;
  const emulator = rig.emulators[0]!;
  const delays: number[] = [];
  emulator.onEvent((event) => {
    if (event.type === "sent") delays.push(event.delayMs);
  });
  assert.equal(await socket!.on(), true);
  assert.equal((await socket!.rename("Porch")).name, "Porch");
  assert.equal(emulator.device.socketData.name, "Porch");
  const reading = await socket!.syncClock();
  assert.ok(reading.time !== null && Math.abs(reading.skewMs ?? Infinity) < 2000);
  assert.equal(await socket!.off(), false);
  assert.deepEqual(emulator.device.history.map((c) => [c.on, c.cause]), [[true, "dc"], [
    false,
    "dc",
  ]]);
  assert.ok(delays.every((ms) => ms > 0), "every answer waited a captured delay");
});
