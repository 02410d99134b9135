/**
 * Writing table 4 back keeps every byte it does not deliberately change. The strongest check:
 * apply the change the WiWo app made to a record it read, and compare with the record the app
 * wrote, byte for byte (captures 1 and 4).
 */
import assert from "node:assert/strict";
import { decode, encode, factorySocketData, type SocketData, toHex } from "../../mod.ts";
import { observedBytes as frame } from "../fixtures/observed_packets.ts";

function readData(id: string): SocketData {
  const m = decode(frame(id));
  if (m.kind !== "socketData") throw new Error(`${id} is not a table-4 reply`);
  return m.data;
}

/** Encodes a write of `data` the way the app does: session 0, operation modify. */
function writePacket(data: SocketData): Uint8Array {
  return encode({ kind: "writeSocketData", mac: data.mac, session: 0, operation: "modify", data });
}

const CASES: { name: string; read: string; wrote: string; change: Partial<SocketData> }[] = [
  {
    name: "rename orbivo → neworbivo12346",
    read: "c1#167",
    wrote: "c1#174",
    change: { name: "neworbivo12346" },
  },
  {
    name: "lock (discoverable off)",
    read: "c1#191",
    wrote: "c1#192",
    change: { discoverable: false },
  },
  {
    name: "time zone UTC+1 with DST",
    read: "c4#2252",
    wrote: "c4#2257",
    change: { dst: true, timeZone: 1 },
  },
];

for (const c of CASES) {
  Deno.test({
    name: `encode() reproduces the app's own table-4 write: ${c.name}`,
    fn() {
      const data = readData(c.read);
      assert.equal(toHex(writePacket({ ...data, ...c.change })), toHex(frame(c.wrote)));
    },
  });
}

Deno.test({
  name: "encode() keeps the factory domain's NUL padding where the app rewrote it with spaces",
  fn() {
    // Capture 2: the app renamed a factory-fresh socket and also re-padded the domain field.
    const ours = writePacket({
      ...readData("c2#784"),
      name: "orbivo",
    });
    const app = frame("c2#847");
    assert.equal(ours.length, app.length);
    const differing = [...ours.keys()].filter((i) => ours[i] !== app[i]);
    // Reply offset 108 + 19 characters = 127..147 in the reply, 3 bytes earlier in a write.
    assert.deepEqual(differing, Array.from({ length: 21 }, (_, i) => 124 + i));
    assert.ok(differing.every((i) => ours[i] === 0x00 && app[i] === 0x20));
  },
});

Deno.test({
  name: "factorySocketData() equals the table 4 a real socket had after a factory reset",
  fn() {
    const real = readData("c2#784");
    assert.equal(toHex(factorySocketData(real.mac).raw), toHex(real.raw));
  },
});

Deno.test("encode() refuses a name over 16 bytes and a zone outside int8, naming the field", () => {
  const data = factorySocketData("ac:cf:23:00:00:01");
  const write = (change: Partial<SocketData>) => () => writePacket({ ...data, ...change });
  assert.throws(write({ name: "seventeen chars!!" }), /'name' must be text of at most 16 bytes/);
  assert.throws(write({ timeZone: 200 }), /'timeZone' must be an integer from -128 to 127/);
  assert.throws(write({ serverIp: "300.1.1.1" }), /'serverIp' must be a dotted IPv4 address/);
  assert.throws(write({ zoneInfo: null }), /'zoneInfo' must be kept/);
});

Deno.test("encode() writes only the bytes of the fields that changed", () => {
  const data = factorySocketData("ac:cf:23:00:00:01");
  const before = writePacket(data);
  const after = writePacket({ ...data, name: "Hall", autoOffEnabled: true, autoOffSeconds: 300 });
  const changed = [...before.keys()].filter((i) => before[i] !== after[i]).map((i) => i + 3);
  // Reply offsets: name 70..85 ("Hall" replaces sixteen ff), auto-off enabled 164, its action
  // 165 (ff → 00), delay 166..167 (300 = 2c 01). Nothing else may move.
  assert.deepEqual(changed, [...Array.from({ length: 16 }, (_, i) => 70 + i), 164, 165, 166, 167]);
});
