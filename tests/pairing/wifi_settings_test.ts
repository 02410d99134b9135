/**
 * Wi-Fi settings validation (docs/protocol.md#pairing) and the key's redaction: every rule by
 * example, and a property that no error, JSON or inspection ever shows the key.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import {
  PairingError,
  validateSmartlinkPassword,
  validateWifiSettings,
  WifiKey,
  type WifiSettingsInput,
} from "../../lib/pairing/mod.ts";

const PSK = "0123456789abcdef".repeat(4);

Deno.test("validateWifiSettings() accepts open and WPA networks and normalises names", () => {
  const cases: [WifiSettingsInput, string, string, string][] = [
    [{ ssid: "home", key: "correct horse" }, "WPA2PSK", "AES", "correct horse"],
    [{ ssid: "home" }, "OPEN", "NONE", ""],
    [{ ssid: "home", key: "" }, "OPEN", "NONE", ""],
    [{ ssid: "home", auth: "open", encryption: "none" }, "OPEN", "NONE", ""],
    [
      { ssid: "home", key: "12345678", auth: "wpa-psk", encryption: "tkip" },
      "WPAPSK",
      "TKIP",
      "12345678",
    ],
    [
      { ssid: "home", key: "12345678", auth: "WPA2", encryption: "ccmp" },
      "WPA2PSK",
      "AES",
      "12345678",
    ],
    [{ ssid: "home", key: "x".repeat(63) }, "WPA2PSK", "AES", "x".repeat(63)],
    [{ ssid: "home", key: PSK }, "WPA2PSK", "AES", PSK],
    [{ ssid: "home", key: " spaces ~ok! " }, "WPA2PSK", "AES", " spaces ~ok! "],
    [{ ssid: "home", key: new WifiKey("from a WifiKey") }, "WPA2PSK", "AES", "from a WifiKey"],
  ];
  for (const [input, auth, encryption, key] of cases) {
    const settings = validateWifiSettings(input);
    assert.equal(settings.auth, auth);
    assert.equal(settings.encryption, encryption);
    assert.equal(settings.key.reveal(), key);
    assert.ok(Object.isFrozen(settings));
  }
});

Deno.test("validateWifiSettings() accepts SSIDs of 1 to 32 UTF-8 bytes", () => {
  for (
    const ssid of ["a", "x".repeat(32), "Café ☕ net", "é".repeat(16), " leading and trailing "]
  ) {
    assert.equal(validateWifiSettings({ ssid }).ssid, ssid);
  }
});

Deno.test("validateWifiSettings() refuses bad SSIDs with the reason", () => {
  const cases: [string, RegExp][] = [
    ["", /1–32 bytes of UTF-8, this one has 0/],
    ["x".repeat(33), /this one has 33/],
    ["é".repeat(17), /this one has 34/],
    ["line\rbreak", /control character/],
    ["line\nbreak", /control character/],
    ["tab\there", /control character/],
    ["a,b", /splits parameters at commas.*smartlink/],
    ["\ud800", /not valid Unicode/],
  ];
  for (const [ssid, message] of cases) {
    assert.throws(() => validateWifiSettings({ ssid }), (error: unknown) => {
      assert.ok(error instanceof PairingError);
      assert.equal(error.code, "INVALID_SSID");
      assert.equal(error.field, "ssid");
      assert.match(error.message, message);
      return true;
    }, JSON.stringify(ssid));
  }
});

Deno.test("validateWifiSettings() refuses bad keys and security modes", () => {
  const cases: [WifiSettingsInput, string, string, RegExp][] = [
    [{ ssid: "s", key: "1234567" }, "INVALID_KEY", "key", /8–63 .* this one has 7 characters/],
    [{ ssid: "s", key: "x".repeat(65) }, "INVALID_KEY", "key", /65 characters/],
    [{ ssid: "s", key: "g".repeat(64) }, "INVALID_KEY", "key", /raw PSK and must be hex/],
    [{ ssid: "s", key: "pässword1" }, "INVALID_KEY", "key", /outside printable ASCII/],
    [{ ssid: "s", key: "pass\tword1" }, "INVALID_KEY", "key", /outside printable ASCII/],
    [{ ssid: "s", key: "pass,word1" }, "INVALID_KEY", "key", /comma.*smartlink/],
    [{ ssid: "s", key: "12345678", auth: "OPEN" }, "INVALID_KEY", "key", /open network/],
    [{ ssid: "s", auth: "WPA2PSK" }, "INVALID_KEY", "key", /without a key/],
    [{ ssid: "s", key: "0123456789", auth: "SHARED" }, "UNSUPPORTED_SECURITY", "auth", /WEP/],
    [{ ssid: "s", key: "abcde", encryption: "WEP-A" }, "UNSUPPORTED_SECURITY", "encryption", /WEP/],
    [{ ssid: "s", key: "12345678", auth: "WPA3" }, "UNSUPPORTED_SECURITY", "auth", /WPA3/],
    [
      { ssid: "s", key: "12345678", encryption: "TKIPAES" },
      "UNSUPPORTED_SECURITY",
      "encryption",
      /use AES/,
    ],
    [{ ssid: "s", key: "12345678", auth: "EAP" }, "UNSUPPORTED_SECURITY", "auth", /OPEN, WPAPSK/],
    [
      { ssid: "s", key: "12345678", encryption: "NONE" },
      "UNSUPPORTED_SECURITY",
      "encryption",
      /TKIP or AES/,
    ],
    [{ ssid: "s", auth: "OPEN", encryption: "AES" }, "UNSUPPORTED_SECURITY", "encryption", /NONE/],
  ];
  for (const [input, code, field, message] of cases) {
    assert.throws(() => validateWifiSettings(input), (error: unknown) => {
      assert.ok(error instanceof PairingError);
      assert.equal(error.name, "PairingError");
      assert.equal(error.code, code);
      assert.equal(error.field, field);
      assert.match(error.message, message);
      return true;
    }, JSON.stringify({ ...input, key: String(input.key) }));
  }
});

Deno.test("validateSmartlinkPassword() allows commas and the empty key, not short keys", () => {
  assert.equal(validateSmartlinkPassword("comma,in,key").reveal(), "comma,in,key");
  assert.equal(validateSmartlinkPassword("").isEmpty, true);
  assert.equal(validateSmartlinkPassword(PSK).length, 64);
  const key = new WifiKey("same object");
  assert.equal(validateSmartlinkPassword(key), key);
  assert.throws(() => validateSmartlinkPassword("seven77"), { code: "INVALID_KEY" });
  assert.throws(() => validateSmartlinkPassword("ünïcödé-key"), { code: "INVALID_KEY" });
});

Deno.test("WifiKey never shows its value through strings, JSON or inspection", () => {
  const key = new WifiKey("s3cret-Zq9");
  const settings = validateWifiSettings({ ssid: "home", key });
  const views = [
    String(key),
    `${key}`,
    "" + key,
    JSON.stringify(key),
    JSON.stringify(settings),
    Deno.inspect(key),
    Deno.inspect(settings),
    Deno.inspect({ nested: [settings] }, { depth: 10, showHidden: true }),
    Object.keys(key).join(","),
  ];
  for (const view of views) assert.ok(!view.includes("s3cret"), view);
  assert.equal(Deno.inspect(key), "WifiKey([redacted])");
  assert.ok(key.equals("s3cret-Zq9"));
  assert.ok(key.equals(new WifiKey("s3cret-Zq9")));
  assert.ok(!key.equals("other"));
  assert.throws(() => new WifiKey(42 as unknown as string), TypeError);
});

Deno.test("validation errors never contain the key (property)", () => {
  // Keys carry a marker that no message template contains, so "contains the key" cannot be a
  // coincidence of short keys matching ordinary words.
  const key = fc.tuple(fc.string({ maxLength: 70, unit: "binary" }), fc.nat(70)).map(
    ([text, at]) => {
      const cut = Math.min(at, text.length);
      return text.slice(0, cut) + "Zq9" + text.slice(cut);
    },
  );
  const input = fc.record({
    ssid: fc.oneof(fc.constant("home"), fc.string({ maxLength: 40 })),
    key,
    auth: fc.option(fc.constantFrom("OPEN", "WPA2PSK", "WPAPSK", "SHARED", "WPA3", "bogus"), {
      nil: undefined,
    }),
    encryption: fc.option(fc.constantFrom("NONE", "AES", "TKIP", "WEP-H", "TKIPAES"), {
      nil: undefined,
    }),
  });
  fc.assert(
    fc.property(input, (raw) => {
      const attempt: WifiSettingsInput = {
        ssid: raw.ssid,
        key: raw.key,
        ...(raw.auth === undefined ? {} : { auth: raw.auth }),
        ...(raw.encryption === undefined ? {} : { encryption: raw.encryption }),
      };
      for (
        const validate of [
          () => validateWifiSettings(attempt),
          () => validateSmartlinkPassword(raw.key),
        ]
      ) {
        try {
          const result = validate();
          assert.ok(!JSON.stringify(result).includes(raw.key));
          assert.ok(!Deno.inspect(result, { depth: 5 }).includes(raw.key));
        } catch (error) {
          assert.ok(error instanceof PairingError, String(error));
          assert.ok(!error.message.includes(raw.key));
          assert.ok(!Deno.inspect(error).includes(raw.key));
          assert.ok(!JSON.stringify(error).includes(raw.key));
        }
      }
    }),
    { numRuns: 3000 },
  );
});
