import assert from "node:assert/strict";
import { dateToDeviceTime, deviceTimeToDate, fromHex, Mac, toHex } from "../../mod.ts";

Deno.test("Mac.parse() accepts colon, bare and dash spellings in any case", () => {
  for (const text of ["ac:cf:23:24:19:c0", "accf232419c0", "AC-CF-23-24-19-C0", " ACCF232419C0 "]) {
    assert.equal(Mac.parse(text), "ac:cf:23:24:19:c0");
  }
});

Deno.test("Mac.parse() rejects malformed addresses with a TypeError naming the input", () => {
  for (
    const text of ["", "ac:cf:23:24:19", "ac:cf:23:24:19:c0:00", "zz:cf:23:24:19:c0", "accf2324190"]
  ) {
    assert.throws(
      () => Mac.parse(text),
      (e: unknown) => e instanceof TypeError && e.message.includes(`"${text}"`),
    );
  }
  assert.equal(Mac.tryParse("nope"), null);
});

Deno.test("Mac reverses, formats and converts to bytes", () => {
  const mac = Mac.parse("accf232419c0");
  assert.equal(Mac.reversed(mac), "c0:19:24:23:cf:ac");
  assert.equal(Mac.format(mac, "bare"), "accf232419c0");
  assert.equal(Mac.format(mac, "upper-bare"), "ACCF232419C0");
  assert.equal(Mac.format(mac, "dash"), "AC-CF-23-24-19-C0");
  assert.equal(toHex(Mac.toBytes(mac)), "accf232419c0");
  assert.equal(Mac.fromBytes(fromHex("00accf232419c0"), 1), mac);
  assert.throws(() => Mac.fromBytes(new Uint8Array(5)), RangeError);
});

Deno.test("deviceTimeToDate() reads 1900-based seconds and treats pre-2001 clocks as unset", () => {
  assert.equal(deviceTimeToDate(0xda5790dc)?.toISOString(), "2016-01-30T19:43:24.000Z");
  assert.equal(deviceTimeToDate(0xd76cca28)?.toISOString(), "2014-07-13T09:04:40.000Z");
  assert.equal(deviceTimeToDate(0), null); // factory reset, capture 2
  assert.equal(deviceTimeToDate(0xbc17c393), null); // 2000-01-01 after a reboot, capture 3
  assert.equal(deviceTimeToDate(0xbc19a55e), null); // 2000-01-02, HankB
  const firstSet = Date.UTC(2001, 0, 1) / 1000 + 2_208_988_800;
  assert.equal(deviceTimeToDate(firstSet)?.toISOString(), "2001-01-01T00:00:00.000Z");
  assert.equal(deviceTimeToDate(firstSet - 1), null);
});

Deno.test("deviceTimeToDate() handles the 2036 wrap when told the current time", () => {
  const wrap = new Date("2036-02-07T06:28:16Z");
  const later = new Date("2037-01-01T00:00:00Z");
  const raw = dateToDeviceTime(later);
  assert.ok(raw < 0x10000000, "the count wrapped");
  assert.equal(
    deviceTimeToDate(raw, new Date("2037-01-02T00:00:00Z"))?.toISOString(),
    later.toISOString(),
  );
  // Before the wrap, the same small value is an unset clock.
  assert.equal(deviceTimeToDate(raw, new Date("2030-01-01T00:00:00Z")), null);
  assert.equal(deviceTimeToDate(raw), null);
  // The last second of era 0 and the first of era 1.
  assert.equal(dateToDeviceTime(new Date(wrap.getTime() - 1000)), 0xffffffff);
  assert.equal(dateToDeviceTime(wrap), 0);
  assert.equal(deviceTimeToDate(0xffffffff)?.toISOString(), "2036-02-07T06:28:15.000Z");
  // A reading far ahead of "now" in era 1 is not trusted.
  assert.equal(deviceTimeToDate(0x7fffffff, new Date("2037-01-01T00:00:00Z")), null);
});

Deno.test("dateToDeviceTime() round-trips through deviceTimeToDate() across both eras", () => {
  for (
    const iso of [
      "2001-01-01T00:00:00Z",
      "2026-11-29T08:00:00Z",
      "2036-02-07T06:28:15Z",
      "2040-06-01T12:00:00Z",
    ]
  ) {
    const date = new Date(iso);
    assert.equal(deviceTimeToDate(dateToDeviceTime(date), date)?.getTime(), date.getTime(), iso);
  }
  assert.throws(() => dateToDeviceTime(new Date("1899-12-31T23:59:59Z")), RangeError);
  assert.throws(() => dateToDeviceTime(new Date(Number.NaN)), RangeError);
  assert.throws(() => deviceTimeToDate(2 ** 32), RangeError);
});

Deno.test("fromHex() and toHex() are inverse; fromHex() rejects odd or non-hex input", () => {
  assert.equal(toHex(fromHex("68 64:00-06")), "68640006");
  assert.throws(() => fromHex("686"), TypeError);
  assert.throws(() => fromHex("68zz"), TypeError);
});
