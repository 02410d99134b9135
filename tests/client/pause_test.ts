/**
 * The pause after a subscription (docs/protocol.md#pacing: a command sent less than ~6 ms after a
 * `cl` is lost): seen from a hand-made socket on raw UDP, which records when each datagram arrives
 * and answers `cl` and `dc` at once.
 */
import assert from "node:assert/strict";
import { decode, encode, Mac, type Message, S20Client } from "../../mod.ts";
import { listenUdp } from "../../lib/transport/udp.ts";

const MAC = Mac.parse("ac:cf:23:00:88:02");

/** A socket that answers instantly and logs `[kind, arrival ms, reply ms]`. */
function fakeSocket() {
  const udp = listenUdp({ hostname: "127.0.88.2", port: 0 });
  const log: { kind: string; at: number; repliedAt: number }[] = [];
  let on = false;
  const loop = (async () => {
    for await (const { data, from } of udp) {
      const at = performance.now();
      const message = decode(data, { from: "client" });
      const replies: Message[] = [];
      if (message.kind === "subscribe") {
        replies.push({ kind: "subscribeReply", mac: MAC, session: 0, on });
      }
      if (message.kind === "setPower") {
        on = message.on;
        replies.push({ kind: "setPowerReply", mac: MAC, session: 0 });
        replies.push({ kind: "stateReport", mac: MAC, session: 0, on });
      }
      for (const reply of replies) await udp.send(encode(reply), from);
      log.push({ kind: message.kind, at, repliedAt: performance.now() });
    }
  })();
  return {
    port: udp.local.port,
    log,
    async [Symbol.asyncDispose]() {
      udp.close();
      await loop;
    },
  };
}

Deno.test("a command goes at least 10 ms after the last subscription's reply", async () => {
  await using fake = fakeSocket();
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
  const lamp = client.socket({ mac: MAC, ip: "127.0.88.2", port: fake.port });
  assert.equal(await lamp.state(), false);
  assert.equal(await lamp.on(), true);
  assert.equal(await lamp.state(), true);
  assert.equal(await lamp.off(), false);

  const kinds = fake.log.map((e) => e.kind);
  // The last `sf` "off" comes within 150 ms of the first `cl`, whose reply said "off" too and
  // could still arrive late: off() confirms with a read once that cannot be (issue 13.2).
  assert.deepEqual(kinds, ["subscribe", "setPower", "subscribe", "setPower", "subscribe"]);
  for (let i = 1; i < fake.log.length; i++) {
    if (fake.log[i]!.kind !== "setPower") continue;
    const gap = fake.log[i]!.at - fake.log[i - 1]!.repliedAt;
    assert.ok(gap >= 10, `dc ${gap.toFixed(2)} ms after the cl reply`);
  }
});
