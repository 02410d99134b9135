/** The strict parse of `/set` payloads: anything not fully understood switches nothing. */
import assert from "node:assert/strict";
import { MAX_COMMAND_BYTES, parseSetPayload } from "../../lib/mqtt/mod.ts";

const text = (s: string) => parseSetPayload(new TextEncoder().encode(s));

Deno.test("payloads: the words and JSON objects a /set accepts", () => {
  assert.deepEqual(text("ON"), { ok: true, command: { state: "ON" } });
  assert.deepEqual(text("off\n"), { ok: true, command: { state: "OFF" } });
  assert.deepEqual(text("TOGGLE"), { ok: true, command: { state: "TOGGLE" } });
  assert.deepEqual(text('{"state":"on"}'), { ok: true, command: { state: "ON" } });
  assert.deepEqual(text('{"countdown":90}'), {
    ok: true,
    command: { countdown: { seconds: 90, action: "off" } },
  });
  assert.deepEqual(text('{"countdown":{"seconds":5,"action":"on"},"auto_off":0}'), {
    ok: true,
    command: { countdown: { seconds: 5, action: "on" }, autoOff: null },
  });
  assert.deepEqual(text('{"countdown":null,"auto_off":65535}'), {
    ok: true,
    command: { countdown: null, autoOff: 65535 },
  });
});

Deno.test("payloads: everything else is refused whole, with the reason", () => {
  const refused: [string | Uint8Array, RegExp][] = [
    ["", /expected ON, OFF, TOGGLE/],
    ["maybe", /expected ON, OFF, TOGGLE or a JSON object, got "maybe"/],
    ["{", /not valid JSON/],
    ["[1]", /expected ON, OFF, TOGGLE/],
    ["{}", /asks for nothing/],
    ['{"state":"HALF"}', /'state' must be ON, OFF or TOGGLE/],
    ['{"state":true}', /'state' must be/],
    ['{"state":"ON","brightness":3}', /unknown key "brightness"/],
    ['{"countdown":0}', /1–65535/],
    ['{"countdown":65536}', /1–65535/],
    ['{"countdown":1.5}', /whole number/],
    ['{"countdown":"60"}', /'countdown' must be seconds/],
    ['{"countdown":{"seconds":5,"action":"toggle"}}', /'countdown.action'/],
    ['{"countdown":{"seconds":5,"when":1}}', /unknown key "countdown.when"/],
    ['{"auto_off":-1}', /auto_off/],
    ['{"auto_off":"1h"}', /auto_off/],
    [new Uint8Array([0xc3, 0x28]), /not UTF-8/],
    ["ON" + " ".repeat(MAX_COMMAND_BYTES), /at most 1024/],
    ['{"state":"ON","state":"OFF"' + ",".repeat(2000) + "}", /at most 1024/],
  ];
  for (const [payload, reason] of refused) {
    const result = typeof payload === "string" ? text(payload) : parseSetPayload(payload);
    assert.equal(result.ok, false, String(payload).slice(0, 60));
    if (!result.ok) assert.match(result.problem, reason);
  }
  // A long value is quoted cut, never whole.
  const long = text("x".repeat(500));
  assert.ok(!long.ok && long.problem.length < 120);
});
