/** Malformed datagrams: each gives one DecodeError with the exact reason and offset. */
import assert from "node:assert/strict";
import { decode, DecodeError, fromHex } from "../../mod.ts";

const MAC = "accf232419c0202020202020";

const CASES: { name: string; hex: string; reason: string; offset: number; from?: "client" }[] = [
  {
    name: "empty datagram",
    hex: "",
    reason: "a 0-byte datagram is shorter than the 6-byte header",
    offset: 0,
  },
  {
    name: "short header",
    hex: "686400",
    reason: "a 3-byte datagram is shorter than the 6-byte header",
    offset: 3,
  },
  { name: "wrong magic", hex: "6865000671 61", reason: 'magic is not 68 64 ("hd")', offset: 0 },
  {
    name: "declared length longer than the datagram",
    hex: "6864002a7161",
    reason: "declared length 42 does not match the 6 bytes received",
    offset: 2,
  },
  {
    name: "qa of an unexpected size",
    hex: "68640008716100ff",
    reason: 'a "qa" packet must be 6, 18, 41 or 42 bytes long, got 8',
    offset: 6,
  },
  {
    name: "truncated dc",
    hex: "686400166463" + MAC + "00000000",
    reason: 'a "dc" packet must be 23 bytes long, got 22',
    offset: 6,
  },
  {
    name: "table record running past the end",
    hex: "6864001f7274" + MAC + "00000000" + "0003" + "00010000" + "1c00" + "01",
    reason: "a table record declares 28 bytes but only 1 remain",
    offset: 28,
  },
  {
    name: "table record length cut off",
    hex: "686400207274" + MAC + "01000000" + "0002" + "00010000" + "0100" + "aa" + "1c",
    reason: "a table record length is cut off",
    offset: 31,
  },
  {
    name: "timer record of the wrong size",
    hex: "686400207274" + MAC + "00000000" + "0003" + "00010000" + "0200" + "0100",
    reason: "a table 3 record must be 28 bytes, got 2",
    offset: 28,
  },
  {
    name: "table 4 record too short",
    hex: "686400207274" + MAC + "00000000" + "0004" + "00010000" + "0200" + "0100",
    reason: "a table 4 record must be at least 138 bytes, got 2",
    offset: 28,
  },
  {
    name: "table write with an unknown operation",
    hex: "6864001b746d" + MAC + "00000000" + "0300" + "07" + "0100",
    reason: "unknown table operation 0x07 (expected 00, 01 or 02)",
    offset: 24,
  },
  {
    name: "table write whose record length disagrees",
    hex: "6864001d746d" + MAC + "00000000" + "0300" + "00" + "0500" + "0102",
    reason: "a table write declares a 5-byte record but carries 2",
    offset: 25,
  },
  {
    name: "countdown with an unknown action",
    hex: "6864001a6364" + MAC + "00000000" + "00" + "07" + "0000",
    reason: "unknown countdown action 0x07 (expected 00, 01 or ff)",
    offset: 23,
  },
  {
    name: "countdown request with an unknown mode",
    hex: "6864001a6364" + MAC + "00000000" + "05" + "00" + "0000",
    reason: "unknown countdown mode 0x05 (expected 00 set or 01 read)",
    offset: 22,
    from: "client",
  },
];

for (const c of CASES) {
  Deno.test(`decode() rejects ${c.name} with an exact DecodeError`, () => {
    const bytes = fromHex(c.hex);
    assert.throws(
      () => decode(bytes, { from: c.from ?? "device" }),
      (error: unknown) => {
        assert.ok(error instanceof DecodeError, `got ${error}`);
        assert.ok(error instanceof SyntaxError);
        assert.equal(error.reason, c.reason);
        assert.equal(error.offset, c.offset);
        assert.equal(
          error.hex,
          fromHex(c.hex).reduce((s, b) => s + b.toString(16).padStart(2, "0"), ""),
        );
        assert.equal(
          error.message,
          `Cannot decode S20 packet: ${c.reason} at offset ${c.offset}: ${error.hex}`,
        );
        return true;
      },
    );
  });
}

Deno.test("decode() quotes at most 96 bytes of a long packet in the message, all of it in .hex", () => {
  const bytes = new Uint8Array(300).fill(0xaa);
  let error: unknown;
  try {
    decode(bytes);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof DecodeError);
  assert.equal(error.hex.length, 600);
  assert.ok(error.message.endsWith("… (300 bytes)"));
});

Deno.test("decode() returns unknown commands as data, not as an error", () => {
  assert.deepEqual(decode(fromHex("686400077a7aff")), {
    kind: "unknown",
    command: "zz",
    body: fromHex("ff"),
  });
});
