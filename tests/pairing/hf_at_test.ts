/**
 * The HF-LPB100 AT codec (docs/protocol.md#ap-mode): every `AT` packet of
 * tests/fixtures/observed_packets.json decodes and encodes as its source shows, plus requests, replies, scans and redaction.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { fromHex, Mac, toHex } from "../../mod.ts";
import {
  apPairingRequests,
  AT_ERROR,
  atErrorMeaning,
  type AtReply,
  type AtRequest,
  decodeAtReply,
  decodeAtRequest,
  describeAtRequest,
  encodeAtReply,
  encodeAtRequest,
  expectsReply,
  formatScanValue,
  parseKeyValue,
  parseScanValue,
  validateWifiSettings,
  WifiKey,
} from "../../lib/pairing/mod.ts";
import { OBSERVED } from "../fixtures/observed_packets.ts";

const text = (s: string) => new TextEncoder().encode(s);
const ascii = (b: Uint8Array) => new TextDecoder().decode(b);
/**
 * Replies end in CR LF CR LF (docs/protocol.md#ap-mode); HankB's printed log (HankB:8, HankB:9)
 * drops them.
 */
const CRLF2 = "0d0a0d0a";

/** What each observed AT packet is, keyed by its bytes; `id` is the packet's id. */
const AT_EXPECTED: Record<string, { id: string; request?: AtRequest; reply?: AtReply }> = {
  "2b6f6b3d30382028323031352d30342d32382031363a35372031364229": {
    id: "HankB:8",
    reply: { kind: "ok", value: "08 (2015-04-28 16:57 16B)" },
  },
  "2b6f6b3d48462d4c5042313030": { id: "HankB:9", reply: { kind: "ok", value: "HF-LPB100" } },
  "48462d4131314153534953544852454144": {
    id: "node-orvibo:1",
    request: { kind: "assist", password: "HF-A11ASSISTHREAD" },
  },
  "3139322e3136382e392e31332c4143434632333336303930322c48462d4c5042313030": {
    id: "openhab:1",
    reply: {
      kind: "assist",
      ip: "192.168.9.13",
      mac: Mac.parse("ACCF23360902"),
      module: "HF-LPB100",
    },
  },
  "2b6f6b": { id: "node-orvibo:2", request: { kind: "enterAtMode" } },
  "41542b5753535349443d6d79576972656c6573730d": {
    id: "glenpp:1",
    request: { kind: "setSsid", ssid: "myWireless" },
  },
  "41542b57534b45593d5750413250534b2c4145532c70617373776f72640d": {
    id: "glenpp:2",
    request: { kind: "setKey", auth: "WPA2PSK", encryption: "AES", key: new WifiKey("password") },
  },
  "41542b574d4f44453d5354410d": { id: "glenpp:3", request: { kind: "setMode", mode: "STA" } },
  "41542b5a0d": { id: "glenpp:4", request: { kind: "reboot" } },
  "2b6f6b0d0a0d0a": { id: "PathogenDavid:1", reply: { kind: "ok", value: null } },
};

function plain(request: AtRequest | ReturnType<typeof decodeAtRequest>): unknown {
  return request.kind === "setKey" ? { ...request, key: request.key.reveal() } : request;
}

Deno.test({
  name: "every observed AT packet decodes and re-encodes as its source shows",
  fn() {
    const vectors = OBSERVED.filter((v) => v.command === "AT");
    assert.equal(vectors.length, 10);
    const used = new Set<string>();
    for (const v of vectors) {
      const expected = AT_EXPECTED[v.hex];
      assert.ok(expected, `${v.id} (${v.source}) has no expectation`);
      assert.equal(expected.id, v.id);
      used.add(v.hex);
      const bytes = fromHex(v.hex);
      const label = `${v.id}: ${v.note}`;
      if (v.direction.startsWith("client")) {
        assert.ok(expected.request, label);
        assert.deepEqual(plain(decodeAtRequest(bytes)), plain(expected.request), label);
        assert.equal(toHex(encodeAtRequest(expected.request)), v.hex, label);
      } else {
        assert.ok(expected.reply, label);
        assert.deepEqual(decodeAtReply(bytes), expected.reply, label);
        // The module ends every +ok/+ERR reply with CR LF CR LF; HankB's log did not show it.
        const unterminated = /ending is not shown/.test(v.note ?? "");
        assert.equal(
          toHex(encodeAtReply(expected.reply)),
          v.hex + (unterminated ? CRLF2 : ""),
          label,
        );
      }
    }
    assert.equal(used.size, Object.keys(AT_EXPECTED).length);
  },
});

Deno.test("encodeAtRequest() writes the six AP-mode steps (docs/protocol.md#ap-mode)", () => {
  const settings = validateWifiSettings({ ssid: "home", key: "correct horse" });
  const requests = apPairingRequests(settings);
  assert.deepEqual(requests.map((r) => ascii(encodeAtRequest(r))), [
    "HF-A11ASSISTHREAD",
    "+ok",
    "AT+WSSSID=home\r",
    "AT+WSKEY=WPA2PSK,AES,correct horse\r",
    "AT+WMODE=STA\r",
    "AT+Z\r",
  ]);
  assert.deepEqual(requests.map(expectsReply), [true, false, true, true, true, false]);
  assert.deepEqual(requests.map((r) => ascii(encodeAtRequest(r, { terminator: "\n" }))).slice(2), [
    "AT+WSSSID=home\n",
    "AT+WSKEY=WPA2PSK,AES,correct horse\n",
    "AT+WMODE=STA\n",
    "AT+Z\n",
  ]);
  const open = apPairingRequests(validateWifiSettings({ ssid: "cafe" }));
  assert.equal(ascii(encodeAtRequest(open[3]!)), "AT+WSKEY=OPEN,NONE\r");
});

Deno.test("encodeAtRequest() writes queries, the null command and other setters", () => {
  const cases: [AtRequest, string][] = [
    [{ kind: "query", command: "ver" }, "AT+VER\r"],
    [{ kind: "query", command: "" }, "AT+\r"],
    [{ kind: "query", command: "WSSSID" }, "AT+WSSSID\r"],
    [{ kind: "set", command: "WRMID", params: ["desk"] }, "AT+WRMID=desk\r"],
    [
      { kind: "set", command: "WANN", params: ["static", "192.0.2.9", "255.255.255.0"] },
      "AT+WANN=static,192.0.2.9,255.255.255.0\r",
    ],
  ];
  for (const [request, expected] of cases) assert.equal(ascii(encodeAtRequest(request)), expected);
});

Deno.test("encodeAtRequest() refuses parameters that would break the line, without quoting keys", () => {
  const bad: AtRequest[] = [
    { kind: "setSsid", ssid: "a\rb" },
    { kind: "setSsid", ssid: "a,b" },
    { kind: "setKey", auth: "WPA2PSK", encryption: "AES", key: new WifiKey("Zq9 line\nbreak") },
    { kind: "setKey", auth: "WPA2PSK", encryption: "AES", key: new WifiKey("Zq9,comma,key") },
    { kind: "setKey", auth: "WPA2 PSK", encryption: "AES", key: new WifiKey("Zq9password") },
    { kind: "query", command: "WS SID" },
    { kind: "set", command: "WRMID", params: ["a,b"] },
    { kind: "assist", password: "x\r" },
  ];
  for (const request of bad) {
    assert.throws(() => encodeAtRequest(request), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.ok(!error.message.includes("Zq9"), error.message);
      return true;
    }, describeAtRequest(request));
  }
});

Deno.test("decodeAtRequest() reads terminators, case and the WSKEY forms seen in the sources", () => {
  const cases: [string, unknown][] = [
    ["AT+WSSSID=home\n", { kind: "setSsid", ssid: "home" }],
    ["AT+WSSSID=home\r\n", { kind: "setSsid", ssid: "home" }],
    ["AT+WSSSID=home", { kind: "setSsid", ssid: "home" }],
    ["at+wmode=sta\r", { kind: "setMode", mode: "STA" }],
    ["AT+WSKEY=OPEN,NONE\r", { kind: "setKey", auth: "OPEN", encryption: "NONE", key: "" }],
    ["AT+WSKEY=OPEN,NONE,\r", { kind: "setKey", auth: "OPEN", encryption: "NONE", key: "" }],
    ["AT+WSKEY=wpapsk,tkip,12345678\r", {
      kind: "setKey",
      auth: "WPAPSK",
      encryption: "TKIP",
      key: "12345678",
    }],
    ["AT+Z\r", { kind: "reboot" }],
    ["AT+VER\r", { kind: "query", command: "VER" }],
    ["AT+\r", { kind: "query", command: "" }],
    ["AT+Z=1\r", { kind: "set", command: "Z", params: ["1"] }],
    ["+ok\r\n", { kind: "enterAtMode" }],
    ["HF-A11ASSISTHREAD", { kind: "assist", password: "HF-A11ASSISTHREAD" }],
  ];
  for (const [input, expected] of cases) {
    assert.deepEqual(plain(decodeAtRequest(text(input))), expected, JSON.stringify(input));
  }
  assert.deepEqual(decodeAtRequest(text("MY-ASSIST"), { assistPassword: "MY-ASSIST" }), {
    kind: "assist",
    password: "MY-ASSIST",
  });
});

Deno.test("decodeAtRequest() reports malformed requests with the HF error code, never the text", () => {
  const cases: [string, number][] = [
    ["ATWSSSID=home\r", AT_ERROR.INVALID_FORMAT],
    ["hello", AT_ERROR.INVALID_FORMAT],
    ["AT+W$=1\r", AT_ERROR.INVALID_FORMAT],
    ["AT+VER\rAT+MID\r", AT_ERROR.INVALID_FORMAT],
    ["AT+WSSSID=a,b\r", AT_ERROR.INVALID_PARAMETER],
    ["AT+WSKEY=WPA2PSK\r", AT_ERROR.INVALID_PARAMETER],
    ["AT+WSKEY=WPA2PSK,AES,Zq9pass,word\r", AT_ERROR.INVALID_PARAMETER],
  ];
  for (const [input, error] of cases) {
    const request = decodeAtRequest(text(input));
    assert.equal(request.kind, "malformed", input);
    if (request.kind !== "malformed") continue;
    assert.equal(request.error, error, input);
    assert.ok(!JSON.stringify(request).includes("Zq9"));
    assert.ok(!describeAtRequest(request).includes("Zq9"));
  }
});

Deno.test("decodeAtReply() tolerates every ending and recognises errors and assist replies", () => {
  const cases: [string, AtReply][] = [
    ["+ok\r\n\r\n", { kind: "ok", value: null }],
    ["+ok\n\n", { kind: "ok", value: null }],
    ["+ok", { kind: "ok", value: null }],
    ["+OK=STA\r\n\r\n", { kind: "ok", value: "STA" }],
    ["+ok=\r\n\r\n", { kind: "ok", value: "" }],
    ["+ERR=-4\r\n\r\n", { kind: "error", code: -4, meaning: "invalid parameter" }],
    ["+ERR=-9\r\n\r\n", { kind: "error", code: -9, meaning: null }],
    ["+ERR\r\n\r\n", { kind: "error", code: null, meaning: null }],
    ["+ERR=what\r\n\r\n", { kind: "error", code: null, meaning: null }],
    [
      "10.10.100.254,ACCF2335E6AA,HF-LPB100",
      { kind: "assist", ip: "10.10.100.254", mac: Mac.parse("accf2335e6aa"), module: "HF-LPB100" },
    ],
    [
      "10.10.100.254,ACCF2335E6AA",
      { kind: "assist", ip: "10.10.100.254", mac: Mac.parse("accf2335e6aa"), module: "" },
    ],
    ["999.1.1.1,ACCF2335E6AA,HF-LPB100", {
      kind: "unknown",
      text: "999.1.1.1,ACCF2335E6AA,HF-LPB100",
    }],
    ["smart_config ACCF2335E6AA", { kind: "unknown", text: "smart_config ACCF2335E6AA" }],
  ];
  for (const [input, expected] of cases) {
    assert.deepEqual(decodeAtReply(text(input)), expected, JSON.stringify(input));
  }
  assert.equal(atErrorMeaning(AT_ERROR.NOT_PERMITTED), "operation not permitted");
});

Deno.test("decodeAtReply() never throws on random bytes (property)", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      const reply = decodeAtReply(bytes);
      assert.ok(["ok", "error", "assist", "unknown"].includes(reply.kind));
    }),
    { numRuns: 20_000 },
  );
});

Deno.test("ok and error replies survive encode → decode (property)", () => {
  const value = fc.string({ unit: fc.constantFrom(..."abc XYZ019=,().-:/\r\n") })
    .filter((s) => !/^[\r\n]|[\r\n]$/.test(s));
  const reply = fc.oneof(
    fc.option(value, { nil: null }).map((v) => ({ kind: "ok" as const, value: v })),
    fc.integer({ min: -5, max: -1 }).map((code) => ({
      kind: "error" as const,
      code,
      meaning: atErrorMeaning(code),
    })),
  );
  fc.assert(fc.property(reply, (r) => assert.deepEqual(decodeAtReply(encodeAtReply(r)), r)));
});

Deno.test("AT requests survive encode → decode (property)", () => {
  const word = fc.stringMatching(/^[A-Za-z0-9]{1,10}$/);
  const param = fc.string({ unit: fc.constantFrom(..."abc XYZ019.-_é"), maxLength: 20 });
  const request: fc.Arbitrary<AtRequest> = fc.oneof(
    param.filter((s) => s.length > 0).map((ssid) => ({ kind: "setSsid" as const, ssid })),
    fc.constantFrom("STA", "AP", "APSTA").map((mode) => ({ kind: "setMode" as const, mode })),
    fc.constant({ kind: "reboot" as const }),
    word.filter((w) => w.toUpperCase() !== "Z").map((c) => ({
      kind: "query" as const,
      command: c.toUpperCase(),
    })),
    fc.tuple(word, fc.array(param, { minLength: 1, maxLength: 4 }))
      .filter(([c]) => !["Z", "WSSSID", "WSKEY", "WMODE"].includes(c.toUpperCase()))
      .map(([c, params]) => ({ kind: "set" as const, command: c.toUpperCase(), params })),
    fc.tuple(fc.constantFrom("WPAPSK", "WPA2PSK"), fc.constantFrom("TKIP", "AES"), param)
      .map(([auth, encryption, key]) => ({
        kind: "setKey" as const,
        auth,
        encryption,
        key: new WifiKey(key),
      })),
  );
  const terminator = fc.constantFrom("\r" as const, "\n" as const, "\r\n" as const);
  fc.assert(
    fc.property(request, terminator, (r, t) => {
      assert.deepEqual(plain(decodeAtRequest(encodeAtRequest(r, { terminator: t }))), plain(r));
    }),
  );
});

Deno.test("describeAtRequest() redacts the key and expectsReply() follows the AP steps", () => {
  const key = new WifiKey("correct horse");
  assert.equal(
    describeAtRequest({ kind: "setKey", auth: "WPA2PSK", encryption: "AES", key }),
    "AT+WSKEY=WPA2PSK,AES,[redacted]",
  );
  assert.equal(
    describeAtRequest({ kind: "setKey", auth: "OPEN", encryption: "NONE", key: new WifiKey("") }),
    "AT+WSKEY=OPEN,NONE",
  );
  const request = decodeAtRequest(text("AT+WSKEY=WPA2PSK,AES,correct horse\r"));
  assert.ok(!JSON.stringify(request).includes("correct"));
  assert.ok(!Deno.inspect(request).includes("correct"));
  assert.equal(expectsReply({ kind: "enterAtMode" }), false);
  assert.equal(expectsReply({ kind: "query", command: "VER" }), true);
});

Deno.test("parseKeyValue() and the scan helpers read query values", () => {
  const parsed = parseKeyValue("WPA2PSK,AES,has,commas");
  assert.equal(parsed?.auth, "WPA2PSK");
  assert.equal(parsed?.encryption, "AES");
  assert.equal(parsed?.key.reveal(), "has,commas");
  assert.equal(parseKeyValue("OPEN,NONE")?.key.isEmpty, true);
  assert.equal(parseKeyValue("no commas"), null);
  assert.equal(parseKeyValue("bad auth!,AES,x"), null);

  const entries = [
    {
      channel: 11,
      ssid: "hings-net",
      bssid: "14:75:90:79:20:87",
      security: "WPAPSKWPA2PSK/AES",
      indicator: 27,
    },
    {
      channel: 1,
      ssid: "comma,net",
      bssid: "02:00:5e:10:00:01",
      security: "OPEN/NONE",
      indicator: 100,
    },
  ];
  const value = formatScanValue(entries);
  assert.deepEqual(parseScanValue(value), entries);
  // The reply as the module sends it: `+ok=` then the table, then CR LF CR LF.
  const reply = decodeAtReply(text(`+ok=${value}\r\n\r\n`));
  assert.equal(reply.kind, "ok");
  assert.deepEqual(parseScanValue(reply.kind === "ok" ? reply.value! : ""), entries);
  assert.deepEqual(
    parseScanValue("\r\nCh,SSID,BSSID,Security,Indicator\r\ngarbage\r\nx,a,b,c,d"),
    [],
  );
});
