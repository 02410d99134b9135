/**
 * Smartlink (docs/protocol.md#smartlink): the encoder against the WiWo app's traffic in capture c2,
 * the observed smartlink packets, the decoder's tolerance of loss and duplicates (property tests) and the
 * success announcements.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { fromHex, Mac, toHex } from "../../mod.ts";
import {
  decodeSmartlinkAnnouncement,
  encodeModuleInfoAnnouncement,
  encodeSmartConfigAnnouncement,
  encodeSmartlink,
  moduleInfoMacFor,
  PairingError,
  SMARTLINK,
  SmartlinkDecoder,
  type SmartlinkPacket,
  smartlinkPayload,
  WifiKey,
} from "../../lib/pairing/mod.ts";
import { type CapturedDatagram, readCapture } from "../helpers/pcap.ts";
import { OBSERVED } from "../fixtures/observed_packets.ts";
import { readShared, sharedMissing } from "../helpers/shared.ts";

const C2 = "captures/orvibo_s20_capture_2_no_internet_access_on_wifi_network.pcapng";
const APP = "10.0.0.11";
const DEVICE = "10.0.0.243";
const DEVICE_MAC = Mac.parse("ac:cf:23:35:e6:aa");
const skip = sharedMissing("the smartlink capture tests");

/** Run-length encoding: [[length, count], …]. */
function runs(lengths: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const length of lengths) {
    const last = out.at(-1);
    if (last && last[0] === length) last[1]++;
    else out.push([length, 1]);
  }
  return out;
}

/** Feeds lengths until the decoder yields; returns the password text or null. */
function decodeAll(lengths: Iterable<number>, decoder = new SmartlinkDecoder()): string | null {
  for (const length of lengths) {
    const password = decoder.push(length);
    if (password !== null) return password.reveal();
  }
  return null;
}

let c2Cache: CapturedDatagram[] | null = null;
function c2(): CapturedDatagram[] {
  c2Cache ??= readCapture(readShared(C2)).datagrams;
  return c2Cache;
}

/**
 * The app's smartlink datagrams in c2, as captured (every one appears twice,
 * docs/protocol.md#loss-and-duplicates).
 */
function appSmartlink(): CapturedDatagram[] {
  return c2().filter((d) => d.src === APP && d.srcPort === 49999 && d.dstPort === 49999);
}

/**
 * c2 was captured on the access point, so every broadcast shows up twice ~0.1 ms apart
 * (docs/protocol.md#loss-and-duplicates). Drop a datagram that repeats the previous one within 1
 * ms.
 */
function withoutCaptureCopies(datagrams: readonly CapturedDatagram[]): CapturedDatagram[] {
  const out: CapturedDatagram[] = [];
  for (const d of datagrams) {
    const last = out.at(-1);
    if (last && last.payload.length === d.payload.length && d.time - last.time < 0.001) continue;
    out.push(d);
  }
  return out;
}

Deno.test({
  name:
    "capture c2: the app's smartlink sequence is the documented one, every datagram captured twice",
  ignore: skip,
  fn() {
    const captured = appSmartlink();
    assert.equal(captured.length, 570);
    assert.ok(captured.every((d) => d.dst === "10.0.0.255"));
    assert.ok(captured.every((d) => d.payload.every((b) => b === SMARTLINK.fillByte)));
    const halved = runs(captured.map((d) => d.payload.length)).map(([length, count]) => {
      assert.equal(count % 2, 0, `run of ${length} has odd count ${count}`);
      return [length, count / 2];
    });
    // Recovered from the lengths alone: each character is 76 + its code.
    const password = "abcdefgh";
    assert.deepEqual(halved, runs(encodeSmartlink(password).lengths()));
  },
});

Deno.test({
  name:
    "capture c2: the decoder locks on 76 and yields an 8-character password matching checksum 340",
  ignore: skip,
  fn() {
    for (const datagrams of [appSmartlink(), withoutCaptureCopies(appSmartlink())]) {
      const decoder = new SmartlinkDecoder();
      const text = decodeAll(datagrams.map((d) => d.payload.length), decoder);
      assert.equal(decoder.base, 76);
      assert.equal(decoder.status, "done");
      assert.ok(text !== null);
      assert.equal(text.length, 8);
      const checksums = datagrams.filter((d) => d.payload.length >= 332).map((d) =>
        d.payload.length
      );
      assert.ok(checksums.every((length) => length === 332 + text.length));
      // Re-encoding gives exactly the captured lengths of one cycle.
      const lengths = datagrams.map((d) => d.payload.length);
      const firstCycle = withoutCaptureCopies(appSmartlink()).map((d) => d.payload.length);
      const start = firstCycle.indexOf(89);
      const oneCycle = encodeSmartlink(text, { preambleCount: 0, cycles: 1 }).lengths();
      assert.deepEqual(firstCycle.slice(start, start + oneCycle.length), oneCycle);
      assert.ok(lengths.includes(76 + text.charCodeAt(0)));
      assert.equal(text, "abcdefgh");
    }
  },
});

Deno.test({
  name: "capture c2: the default pacing is close to the app's",
  ignore: skip,
  fn() {
    const deduped = withoutCaptureCopies(appSmartlink());
    const cycleStarts = deduped.filter((d, i) =>
      d.payload.length === 89 && deduped[i - 1]?.payload.length !== 89
    ).map((d) => d.time);
    assert.equal(cycleStarts.length, 5);
    const period = (cycleStarts.at(-1)! - cycleStarts[0]!) / 4 * 1000;
    const packets = [...encodeSmartlink("abcdefgh")];
    let t = 0;
    const starts: number[] = [];
    packets.forEach((p, i) => {
      t += p.delayMs;
      if (p.part === "start" && packets[i - 1]?.part !== "start") starts.push(t);
    });
    const encoded = (starts.at(-1)! - starts[0]!) / 4;
    assert.ok(Math.abs(encoded - period) / period < 0.1, `cycle ${encoded} ms vs c2 ${period} ms`);
  },
});

Deno.test({
  name: "capture c2: the announcements are 8 bursts of 3 alternating pairs, ~0.46 s apart",
  ignore: skip,
  fn() {
    const acks = withoutCaptureCopies(c2().filter((d) => d.srcPort === 48899));
    assert.ok(acks.every((d) => d.src === DEVICE && d.dst === "10.0.0.255" && d.dstPort === 49999));
    const kinds = acks.map((d) => decodeSmartlinkAnnouncement(d.payload)?.kind);
    assert.deepEqual(
      kinds,
      Array.from({ length: 48 }, (_, i) => i % 2 ? "moduleInfo" : "smartConfig"),
    );
    const bursts: number[] = [];
    acks.forEach((d, i) => {
      if (i === 0 || d.time - acks[i - 1]!.time > 0.2) bursts.push(d.time);
    });
    assert.equal(bursts.length, 8);
    const interval = (bursts.at(-1)! - bursts[0]!) / 7;
    assert.ok(interval > 0.44 && interval < 0.48, `interval ${interval}`);
  },
});

Deno.test({
  name: "every observed smartlink packet is a 0x05 payload whose length means what its note says",
  fn() {
    const vectors = OBSERVED.filter((v) => v.command === "smartlink");
    assert.equal(vectors.length, 5);
    const meaning = (length: number): string => {
      const offset = length - SMARTLINK.base;
      if (offset === 0) return "preamble";
      if (offset === SMARTLINK.startOffset) return "start marker";
      if (offset === SMARTLINK.endOffset) return "end marker";
      if (offset >= SMARTLINK.checksumOffset) {
        return `checksum (length ${length} = base + 256 + ${offset - SMARTLINK.checksumOffset}`;
      }
      return `character '${String.fromCharCode(offset)}' (length ${length} = base + 0x${
        offset.toString(16)
      })`;
    };
    for (const v of vectors) {
      const bytes = fromHex(v.hex);
      assert.deepEqual(bytes, smartlinkPayload(bytes.length), v.id);
      assert.ok(
        v.note?.toLowerCase().includes(meaning(bytes.length).toLowerCase()),
        `${v.id}: ${meaning(bytes.length)} / ${v.note}`,
      );
    }
  },
});

Deno.test({
  name: "both observed smartlink-ack packets decode and re-encode",
  fn() {
    const vectors = OBSERVED.filter((v) => v.command === "smartlink-ack");
    assert.equal(vectors.length, 2);
    for (const v of vectors) {
      const announcement = decodeSmartlinkAnnouncement(fromHex(v.hex));
      assert.ok(announcement, v.id);
      const encoded = announcement.kind === "smartConfig"
        ? encodeSmartConfigAnnouncement(announcement.mac!)
        : encodeModuleInfoAnnouncement({
          mid: announcement.mid,
          mac: announcement.mac,
          ip: announcement.ip,
        });
      assert.equal(toHex(encoded), v.hex, v.id);
      if (announcement.kind === "smartConfig") assert.equal(announcement.mac, DEVICE_MAC);
      else {
        assert.deepEqual(announcement, {
          kind: "moduleInfo",
          mid: "LPB100",
          mac: "04010000ACCF",
          ip: DEVICE,
        });
        assert.equal(moduleInfoMacFor(DEVICE_MAC), announcement.mac);
      }
    }
  },
});

Deno.test("decodeSmartlinkAnnouncement() accepts what the SDK accepts and ignores the rest", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  assert.deepEqual(decodeSmartlinkAnnouncement(text("xx smart_config accf2335e6aa\r\n")), {
    kind: "smartConfig",
    mac: DEVICE_MAC,
  });
  assert.deepEqual(decodeSmartlinkAnnouncement(text("smart_config garbage")), {
    kind: "smartConfig",
    mac: null,
  });
  assert.deepEqual(decodeSmartlinkAnnouncement(text('{"ip":"192.0.2.9"}')), {
    kind: "moduleInfo",
    mid: "",
    mac: "",
    ip: "192.0.2.9",
  });
  for (const other of ['{"mid":"LPB100"}', "{not json", "[1]", "null", "", "HF-A11ASSISTHREAD"]) {
    assert.equal(decodeSmartlinkAnnouncement(text(other)), null, other);
  }
  assert.equal(decodeSmartlinkAnnouncement(smartlinkPayload(89)), null);
});

Deno.test("encodeSmartlink() builds the sequence with the pause before each datagram", () => {
  const sequence = encodeSmartlink("password");
  assert.equal(sequence.count, 200 + 5 * (3 + 8 + 3 + 3));
  const packets = [...sequence];
  assert.deepEqual(packets[0], { part: "preamble", length: 76, delayMs: 0 });
  assert.deepEqual(packets[1], { part: "preamble", length: 76, delayMs: 10 });
  assert.deepEqual(packets.slice(200, 204), [
    { part: "start", length: 89, delayMs: 10 },
    { part: "start", length: 89, delayMs: 50 },
    { part: "start", length: 89, delayMs: 50 },
    { part: "char", length: 76 + 0x70, delayMs: 100 },
  ]);
  assert.deepEqual(packets.slice(211, 218).map((p) => [p.part, p.length, p.delayMs]), [
    ["end", 86, 100],
    ["end", 86, 50],
    ["end", 86, 50],
    ["checksum", 340, 200],
    ["checksum", 340, 50],
    ["checksum", 340, 50],
    ["start", 89, 500],
  ]);
  assert.equal(sequence.durationMs, packets.reduce((sum, p) => sum + p.delayMs, 0));
  assert.deepEqual(encodeSmartlink("", { preambleCount: 0, cycles: 1 }).lengths(), [
    89,
    89,
    89,
    86,
    86,
    86,
    332,
    332,
    332,
  ]);
  assert.equal(
    encodeSmartlink("f".repeat(64), { preambleCount: 0, cycles: 1 }).lengths().at(-1),
    396,
  );
});

Deno.test("encodeSmartlink() refuses bad passwords and options, and does not print lengths", () => {
  assert.throws(() => encodeSmartlink("short"), PairingError);
  assert.throws(() => encodeSmartlink("tab\tin key"), PairingError);
  assert.throws(() => encodeSmartlink("password", { cycles: 0 }), RangeError);
  assert.throws(() => encodeSmartlink("password", { preambleCount: -1 }), RangeError);
  assert.throws(() => encodeSmartlink("password", { charSpacingMs: -5 }), RangeError);
  assert.throws(() => smartlinkPayload(0), RangeError);
  assert.throws(() => smartlinkPayload(1.5), RangeError);
  const sequence = encodeSmartlink(new WifiKey("secretZq9"));
  for (const view of [JSON.stringify(sequence), Deno.inspect(sequence), String(sequence)]) {
    assert.ok(!view.includes("191"), view); // 76 + "s"
  }
  assert.deepEqual(JSON.parse(JSON.stringify(sequence)), {
    count: 285 + 5,
    durationMs: sequence.durationMs,
  });
});

Deno.test("SmartlinkDecoder learns the base, ignores noise and decodes from any base", () => {
  const lengths = encodeSmartlink("correct horse", { preambleCount: 15, cycles: 1 }).lengths();
  assert.equal(decodeAll(lengths), "correct horse");
  // On the air every frame carries the same overhead; only the differences matter.
  assert.equal(decodeAll(lengths.map((l) => l + 42)), "correct horse");
  const decoder = new SmartlinkDecoder({ lockAfter: 20 });
  assert.equal(decodeAll(lengths, decoder), null);
  assert.equal(decoder.status, "searching");
  const preset = new SmartlinkDecoder({ base: 76 });
  assert.equal(preset.status, "idle");
  // Lengths below the base, offsets that are neither markers nor printable characters, and
  // offsets beyond the largest checksum (256 + 64) are noise. (Offsets 256–320 are checksums.)
  const noisy = lengths.flatMap((l) => [l, 12, 75, 76 + 400, 76 + 0x1f, 76 + 0x7f, 9999]);
  assert.equal(decodeAll(noisy.slice(15 * 7), preset), "correct horse");
  assert.throws(() => new SmartlinkDecoder({ lockAfter: 1 }), RangeError);
  assert.throws(() => new SmartlinkDecoder({ base: 0 }), RangeError);
});

Deno.test("SmartlinkDecoder drops broken cycles and takes the next good one", () => {
  const decoder = new SmartlinkDecoder({ base: 76 });
  const cycle = encodeSmartlink("password", { preambleCount: 0, cycles: 1 }).lengths();
  const lostChar = cycle.filter((_, i) => i !== 5);
  assert.equal(decodeAll(lostChar, decoder), null);
  assert.equal(decoder.cyclesRejected, 1);
  // A preamble in the middle of a cycle ends it.
  assert.equal(decodeAll([89, 76 + 0x70, 76], decoder), null);
  assert.equal(decoder.cyclesRejected, 2);
  // No end marker at all: the checksum still closes the cycle.
  const withoutEnd = cycle.filter((l) => l !== 86);
  const password = decoder.push(0) ?? decodeAll(withoutEnd, decoder);
  assert.equal(password, "password");
  assert.equal(decoder.status, "done");
  assert.equal(decoder.password?.reveal(), "password");
  assert.equal(decoder.push(89), null);
  assert.equal(decodeAll(cycle, decoder), null, "nothing more after done");
  assert.ok(!JSON.stringify(decoder).includes("password"));
  assert.ok(!Deno.inspect(decoder).includes("password"));
  decoder.reset();
  assert.equal(decoder.password, null);
  assert.equal(decoder.status, "idle");
  assert.equal(decodeAll(cycle, decoder), "password");
});

Deno.test("SmartlinkDecoder repairs duplicated characters, using later cycles when ambiguous", () => {
  const at = (text: string) => [...text].map((c) => 76 + c.charCodeAt(0));
  const cycle = (chars: string, length: number) => [89, ...at(chars), 86, 332 + length];
  // One extra "c": only one way to merge it.
  let decoder = new SmartlinkDecoder({ base: 76 });
  assert.equal(decodeAll(cycle("abccdefgh", 8), decoder), "abcdefgh");
  // One extra "a" in "password" could also be the extra "s": the next clean cycle decides.
  decoder = new SmartlinkDecoder({ base: 76 });
  assert.equal(decodeAll(cycle("paassword", 8), decoder), null);
  assert.equal(decodeAll(cycle("password", 8), decoder), "password");
  // "aaaabbbb" with one extra "a" reads as aaaabbbb or aaaaabbb; with one extra "b" as aaaabbbb
  // or aaabbbbb; together only aaaabbbb remains.
  decoder = new SmartlinkDecoder({ base: 76 });
  assert.equal(decodeAll(cycle("aaaaabbbb", 8), decoder), null);
  assert.equal(decodeAll(cycle("aaaabbbbb", 8), decoder), "aaaabbbb");
  // Too many extra characters to be duplicates: dropped.
  decoder = new SmartlinkDecoder({ base: 76 });
  assert.equal(decodeAll(cycle("passwordXY", 8), decoder), null);
  assert.equal(decoder.cyclesRejected, 1);
});

/** Printable ASCII passwords (with repeated runs to stress the repair), 64-hex PSKs, or "". */
const password = fc.oneof(
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: 8,
    maxLength: 63,
  }),
  fc.array(
    fc.tuple(fc.constantFrom(..."aAb1 ~,"), fc.integer({ min: 1, max: 4 })).map(([c, n]) =>
      c.repeat(n)
    ),
    { minLength: 4, maxLength: 20 },
  ).map((parts) => parts.join("")).filter((p) => p.length >= 8 && p.length <= 63),
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.constant(""),
);

/** The packets of a full sequence, each with the cycle it belongs to (-1 for the preamble). */
function withCycles(text: string): (SmartlinkPacket & { cycle: number })[] {
  let cycle = -1;
  const packets = [...encodeSmartlink(text)];
  return packets.map((p, i) => {
    if (p.part === "start" && packets[i - 1]?.part !== "start") cycle++;
    return { ...p, cycle };
  });
}

Deno.test("encode → decode survives lost preamble packets and duplicated markers (property)", () => {
  fc.assert(
    fc.property(
      password,
      fc.integer({ min: 10, max: 200 }),
      fc.double({ min: 0, max: 0.5, noNaN: true }),
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (text, keptPreamble, dupRate, shift, seed) => {
        const random = mulberry32(seed);
        const lengths: number[] = [];
        let preamble = 0;
        for (const p of withCycles(text)) {
          if (p.part === "preamble" && preamble++ >= keptPreamble) continue;
          lengths.push(p.length + shift);
          if (p.part !== "char" && random() < dupRate) lengths.push(p.length + shift);
        }
        assert.equal(decodeAll(lengths), text);
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("duplicates anywhere never give a wrong password, and one clean cycle is enough (property)", () => {
  fc.assert(
    fc.property(
      password,
      fc.double({ min: 0, max: 0.3, noNaN: true }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (text, dupRate, seed) => {
        const random = mulberry32(seed);
        const lengths: number[] = [];
        const dirty = new Set<number>();
        for (const p of withCycles(text)) {
          lengths.push(p.length);
          if (random() < dupRate) {
            lengths.push(p.length);
            if (p.part === "char") dirty.add(p.cycle);
          }
        }
        const result = decodeAll(lengths);
        assert.ok(result === null || result === text, "decoded a wrong password");
        if (dirty.size < SMARTLINK.cycles) assert.equal(result, text);
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("lost characters never give a wrong password, and one whole cycle is enough (property)", () => {
  fc.assert(
    fc.property(
      password,
      fc.double({ min: 0, max: 0.3, noNaN: true }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (text, lossRate, seed) => {
        const random = mulberry32(seed);
        const lengths: number[] = [];
        const broken = new Set<number>();
        let copy = 0;
        const packets = withCycles(text);
        for (const [i, p] of packets.entries()) {
          // Markers and checksums lose at most two of their three copies.
          copy = p.part !== "char" && p.part === packets[i - 1]?.part ? copy + 1 : 0;
          const mayLose = p.part === "char" || (p.part !== "preamble" && copy < 2);
          if (mayLose && random() < lossRate) {
            if (p.part === "char") broken.add(p.cycle);
            continue;
          }
          lengths.push(p.length);
        }
        const result = decodeAll(lengths);
        assert.ok(result === null || result === text, "decoded a wrong password");
        if (broken.size < SMARTLINK.cycles) assert.equal(result, text);
      },
    ),
    { numRuns: 300 },
  );
});

/** A small seeded PRNG, so fast-check can replay a failing case from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
