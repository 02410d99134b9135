/**
 * Property tests: valid messages survive encode → decode; random and mutated datagrams give a
 * message or a DecodeError and nothing else (at least 100,000 cases each per run).
 */
import assert from "node:assert/strict";
import { COMMANDS, decode, DecodeError, encode, type Message } from "../../mod.ts";
import { GOLDEN } from "../fixtures/golden_packets.ts";
import { fc, message, senderOf } from "./arbitraries.ts";

const HOSTILE_RUNS = 100_000;
const KNOWN = Object.keys(COMMANDS);

function withoutRaw(m: Message): unknown {
  if (m.kind === "socketData" || m.kind === "writeSocketData") {
    const { raw: _, ...rest } = m.data;
    return { ...m, data: rest };
  }
  return m;
}

/** Decodes hostile bytes; anything thrown but a DecodeError fails the property. */
function decodeHostile(bytes: Uint8Array, from: "device" | "client"): Message | null {
  try {
    return decode(bytes, { from });
  } catch (error) {
    if (error instanceof DecodeError) return null;
    throw error;
  }
}

/** A decoded hostile packet re-encodes to something that decodes to the same message. */
function checkStable(m: Message, from: "device" | "client"): void {
  let bytes: Uint8Array;
  try {
    bytes = encode(m);
  } catch (error) {
    // Decoding is lenient where encoding checks ranges (a timer with month 0, a model that is
    // not printable ASCII); such values are refused with RangeError, never crash.
    if (error instanceof RangeError) return;
    throw error;
  }
  assert.deepEqual(decode(bytes, { from }), m);
}

Deno.test("decode(encode(m)) gives back every arbitrary valid message", () => {
  fc.assert(
    fc.property(message, (m) => {
      const back = decode(encode(m), { from: senderOf(m) });
      assert.deepEqual(withoutRaw(back), withoutRaw(m));
    }),
    { numRuns: 20_000 },
  );
});

Deno.test("encode() keeps every table-4 byte that no changed field covers", () => {
  const RECORD_OFFSET = 30;
  fc.assert(
    fc.property(message.filter((m) => m.kind === "socketData"), (m) => {
      if (m.kind !== "socketData") return;
      const record = encode(m).slice(RECORD_OFFSET);
      assert.equal(record.length, m.data.raw.length);
      // Bytes outside the modelled fields (padding, 162, 165's peers, the unmodelled tail
      // beyond 190) never change, whatever fields the caller changed.
      const untouched = [
        ...range(10, 16),
        ...range(22, 28),
        132,
        ...range(190, record.length),
      ];
      for (const i of untouched) assert.equal(record[i], m.data.raw[i], `byte ${i}`);
    }),
    { numRuns: 5_000 },
  );
});

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

Deno.test(`decode() gives a message or a DecodeError for ${HOSTILE_RUNS} random datagrams`, () => {
  const framed = fc.tuple(
    fc.constantFrom(...KNOWN, "zz"),
    fc.uint8Array({ maxLength: 300 }),
  ).map(([command, body]) => {
    const b = new Uint8Array(6 + body.length);
    b.set([
      0x68,
      0x64,
      b.length >> 8,
      b.length & 0xff,
      command.charCodeAt(0),
      command.charCodeAt(1),
    ]);
    b.set(body, 6);
    return b;
  });
  fc.assert(
    fc.property(
      fc.oneof(fc.uint8Array({ maxLength: 300 }), framed),
      fc.constantFrom("device" as const, "client" as const),
      (bytes, from) => {
        const m = decodeHostile(bytes, from);
        if (m) checkStable(m, from);
      },
    ),
    { numRuns: HOSTILE_RUNS },
  );
});

Deno.test(`decode() gives a message or a DecodeError for ${HOSTILE_RUNS} mutated real packets`, () => {
  const mutated = fc.tuple(
    fc.constantFrom(...GOLDEN),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
    fc.integer({ min: -3, max: 3 }),
    fc.boolean(),
  ).map(([golden, edits, resize, fixLength]) => {
    const length = Math.max(0, golden.bytes.length + resize);
    const b = new Uint8Array(length);
    b.set(golden.bytes.subarray(0, length));
    for (const [at, value] of edits) if (length > 0) b[at % length] = value;
    if (fixLength && length >= 4) b.set([length >> 8, length & 0xff], 2);
    return { bytes: b, from: golden.from };
  });
  fc.assert(
    fc.property(mutated, ({ bytes, from }) => {
      const m = decodeHostile(bytes, from);
      if (m) checkStable(m, from);
    }),
    { numRuns: HOSTILE_RUNS },
  );
});
