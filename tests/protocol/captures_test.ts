/**
 * Every UDP datagram to or from port 10000 in the four captures decodes, or is a known non-S20
 * packet listed here with its reason; and every capture packet of
 * tests/fixtures/observed_packets.json is exactly its frame. The device in all four captures is
 * 10.0.0.243, MAC ac:cf:23:35:e6:aa (docs/protocol.md#captures). These tests replay whole
 * capture files, which live outside the repository (tests/helpers/shared.ts): they skip, saying
 * so, where the files are absent.
 */
import assert from "node:assert/strict";
import { decode, DecodeError, toHex } from "../../mod.ts";
import { readCapture } from "../helpers/pcap.ts";
import { OBSERVED } from "../fixtures/observed_packets.ts";
import { CAPTURE_FILES, readShared, sharedMissing } from "../helpers/shared.ts";

const DEVICE_IP = "10.0.0.243";
const DEVICE_MAC = "ac:cf:23:35:e6:aa";

/**
 * Known non-S20 traffic on port 10000: the socket's SNTP client sends from its UDP 10000 to
 * 17.171.4.36:123 and gets answers back on 10000 (docs/protocol.md#device-clock).
 */
function knownNonS20(d: { srcPort: number; dstPort: number }): string | null {
  return d.srcPort === 123 || d.dstPort === 123 ? "SNTP (the socket's clock source)" : null;
}

const skip = sharedMissing("the capture tests");

for (const file of CAPTURE_FILES) {
  Deno.test({
    name: `decode() reads every S20 datagram in ${file}`,
    ignore: skip,
    fn() {
      const { datagrams, fragments } = readCapture(readShared(`captures/${file}`));
      assert.deepEqual(fragments, [], "no IPv4 fragments expected");
      const onPort = datagrams.filter((d) => d.srcPort === 10000 || d.dstPort === 10000);
      assert.ok(onPort.length > 200, `only ${onPort.length} datagrams on port 10000`);
      let decoded = 0;
      for (const d of onPort) {
        const from = d.src === DEVICE_IP ? "device" : "client";
        const reason = knownNonS20(d);
        try {
          const message = decode(d.payload, { from });
          assert.equal(reason, null, `frame ${d.frame} decoded although listed as ${reason}`);
          assert.notEqual(message.kind, "unknown", `frame ${d.frame}: unknown command`);
          if ("mac" in message && message.mac !== undefined) {
            assert.equal(message.mac, DEVICE_MAC, `frame ${d.frame}`);
          }
          decoded++;
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error;
          assert.ok(reason, `frame ${d.frame} (${d.src} → ${d.dst}): ${error.message}`);
        }
      }
      assert.ok(decoded > 200);
    },
  });
}

Deno.test({
  name: "every capture packet in observed_packets.json is its frame: payload, time and addresses",
  ignore: skip,
  fn() {
    const byFile = new Map(
      CAPTURE_FILES.map((f) => [f as string, readCapture(readShared(`captures/${f}`)).datagrams]),
    );
    let checked = 0;
    for (const p of OBSERVED) {
      if (p.capture === undefined) continue;
      const datagram = byFile.get(p.capture)?.find((d) => d.frame === p.frame);
      assert.ok(datagram, `${p.id}: no UDP datagram at ${p.capture} frame ${p.frame}`);
      assert.equal(toHex(datagram.payload), p.hex, p.id);
      assert.equal(`${datagram.src}:${datagram.srcPort}`, p.from, `${p.id} sender`);
      assert.equal(`${datagram.dst}:${datagram.dstPort}`, p.to, `${p.id} receiver`);
      assert.ok(Math.abs(datagram.time - p.time!) < 0.0015, `${p.id}: at ${datagram.time} s`);
      checked++;
    }
    assert.equal(checked, 98);
  },
});
