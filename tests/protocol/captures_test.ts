/**
 * Every UDP datagram to or from port 10000 in ../shared/captures decodes, or is a known
 * non-S20 packet listed here with its reason. The device in all four captures is
 * 10.0.0.243, MAC ac:cf:23:35:e6:aa (captures/README.md).
 */
import assert from "node:assert/strict";
import { decode, DecodeError, toHex } from "../../mod.ts";
import { readCapture } from "../helpers/pcap.ts";
import { loadVectors, readShared, sharedMissing } from "../helpers/shared.ts";

const DEVICE_IP = "10.0.0.243";
const DEVICE_MAC = "ac:cf:23:35:e6:aa";
const CAPTURES = [
  "orvibo_s20_capture_1.pcapng",
  "orvibo_s20_capture_2_no_internet_access_on_wifi_network.pcapng",
  "orvibo_s20_capture_3_control_by_gateway_outside_of_local_lan.pcapng",
  "orvibo_s20_capture_4.pcapng.pcap",
];

/**
 * Known non-S20 traffic on port 10000: the socket's SNTP client sends from its UDP 10000 to
 * 17.171.4.36:123 and gets answers back on 10000 (docs/protocol.md#device-clock).
 */
function knownNonS20(d: { srcPort: number; dstPort: number }): string | null {
  return d.srcPort === 123 || d.dstPort === 123 ? "SNTP (the socket's clock source)" : null;
}

const skip = sharedMissing("the capture tests");

for (const file of CAPTURES) {
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
  name: "capture vectors in s20-vectors.json equal the payload of their frame",
  ignore: skip,
  fn() {
    const byFile = new Map(
      CAPTURES.map((f) => [f, readCapture(readShared(`captures/${f}`)).datagrams]),
    );
    let checked = 0;
    for (const v of loadVectors()) {
      const match = /pcaps\/(\S+) frame (\d+)/.exec(v.source);
      if (!match) continue;
      const datagram = byFile.get(match[1]!)?.find((d) => d.frame === Number(match[2]));
      assert.ok(datagram, `no UDP datagram at ${match[1]} frame ${match[2]}`);
      assert.equal(toHex(datagram.payload), v.hex, v.source);
      checked++;
    }
    assert.ok(checked >= 90, `only ${checked} capture vectors`);
  },
});
