/**
 * Codec speed: decoding a 42-byte discovery reply (goal: over 1,000,000 per second on one core)
 * and a 220-byte table-4 reply. Run with `deno task bench`.
 */
import { decode, encode, fromHex } from "../mod.ts";

const DISCOVERY_REPLY = fromHex(
  "6864002a716700accf2335e6aa202020202020aae63523cfac202020202020534f43303035a48557da00",
);
const TABLE_FOUR_REPLY = fromHex(
  // capture 1 frame 167
  "686400dc7274accf2335e6aa20202020202001000000000400010000be0001004325accf2335e6aa20202020" +
    "2020aae63523cfac2020202020203838383838382020202020206f726269766f202020202020202020200400" +
    "200000001a000000050000001027341c19ff1027766963656e7465722e6f727669626f2e636f6d2020202020" +
    "20202020202020202020202020202020c0a801c8c0a80101ffffff000101000800ff00000000000000000000" +
    "0000000030303030303030303030303030303030303030303030303030303030303030303030303030303030",
);
const message = decode(TABLE_FOUR_REPLY);

Deno.bench("decode() a 42-byte discovery reply", { group: "decode", baseline: true }, () => {
  decode(DISCOVERY_REPLY);
});

Deno.bench("decode() a 220-byte table-4 reply", { group: "decode" }, () => {
  decode(TABLE_FOUR_REPLY);
});

Deno.bench("encode() a switch-on request", { group: "encode" }, () => {
  encode({
    kind: "setPower",
    mac: message.kind === "socketData" ? message.mac : "" as never,
    session: 0,
    on: true,
  });
});

Deno.bench("encode() a 217-byte table-4 write", { group: "encode" }, () => {
  if (message.kind !== "socketData") throw new Error("fixture is not table 4");
  encode({
    kind: "writeSocketData",
    mac: message.mac,
    session: 0,
    operation: "modify",
    data: { ...message.data, name: "Desk" },
  });
});
