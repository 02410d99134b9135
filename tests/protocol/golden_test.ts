import assert from "node:assert/strict";
import { decode, encode, toHex } from "../../mod.ts";
import { GOLDEN } from "../fixtures/golden_packets.ts";
import { observedBytes } from "../fixtures/observed_packets.ts";

for (const golden of GOLDEN) {
  Deno.test(`decode() reads the golden packet "${golden.name}" (${golden.source})`, () => {
    assert.deepEqual(decode(golden.bytes, { from: golden.from }), golden.message);
  });
  Deno.test(`encode() writes the golden packet "${golden.name}" byte for byte`, () => {
    assert.equal(toHex(encode(golden.message), " "), toHex(golden.bytes, " "));
  });
  Deno.test(`decode(encode()) gives back "${golden.name}"`, () => {
    assert.deepEqual(decode(encode(golden.message), { from: golden.from }), golden.message);
  });
}

Deno.test("golden fixtures cover every message kind", () => {
  const kinds = new Set(GOLDEN.map((g) => g.message.kind));
  const all = [
    "discover",
    "discoverMac",
    "discoverReply",
    "subscribe",
    "subscribeReply",
    "setPower",
    "setPowerReply",
    "stateReport",
    "heartbeat",
    "heartbeatReply",
    "readTable",
    "tableVersions",
    "timerTable",
    "socketData",
    "rawTable",
    "writeTimer",
    "writeSocketData",
    "writeRawRecord",
    "deleteRecord",
    "writeTableReply",
    "setClock",
    "setClockReply",
    "countdown",
    "countdownReply",
    "setTimeZone",
    "setTimeZoneReply",
    "changePassword",
    "changePasswordCloudReply",
    "changePasswordReply",
    "logout",
    "cloudLogin",
    "cloudLoginReply",
    "dstRuleRequest",
    "dstRuleReply",
    "unknown",
  ];
  assert.deepEqual(all.filter((k) => !kinds.has(k as never)), []);
});

Deno.test("golden packets that cite an observed packet have exactly its bytes", () => {
  const cited = GOLDEN.flatMap((g) => {
    const id = /^observed packet (\S+)$/.exec(g.source)?.[1];
    return id === undefined ? [] : [{ g, id }];
  });
  assert.ok(cited.length >= 30, `only ${cited.length} golden packets cite an observed one`);
  for (const { g, id } of cited) assert.equal(toHex(g.bytes), toHex(observedBytes(id)), g.name);
});
