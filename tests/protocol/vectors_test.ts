/**
 * Every non-template S20 packet of tests/fixtures/observed_packets.json decodes to the command
 * it is labelled with, with the fields its capture or source shows. Keys are the packets' ids:
 * `cN#frame` for capture frames, otherwise the source's short name and the packet's position
 * among that source's packets (docs/protocol.md#observed-packets).
 */
import assert from "node:assert/strict";
import { decode, deviceTimeToDate, factorySocketData, fromHex, type Message } from "../../mod.ts";
import { OBSERVED } from "../fixtures/observed_packets.ts";

const REAL = "ac:cf:23:35:e6:aa";
const PASTEBIN = "ac:cf:23:24:19:c0";
/** Packets the S20 codec does not read: the pairing codecs' tests decode them. */
const PAIRING_COMMANDS = new Set(["AT", "smartlink", "smartlink-ack"]);

type Expectation = Record<string, unknown> & { kind: Message["kind"] };

const discovery = (
  mac: string,
  model: string,
  clock: number,
  on: boolean | null,
  unset = false,
) => ({
  kind: "discoverReply" as const,
  mac,
  model,
  clock,
  on,
  clockUnset: unset,
});

/** What each packet shows, as fields of the decoded message. */
const EXPECT: Record<string, Expectation> = {
  "c1#23": discovery(REAL, "SOC005", 0xbc17db01, false, true),
  "c1#121": { kind: "discover" },
  "c1#128": { kind: "discoverReply", command: "qa", mac: REAL, model: "SOC005", on: false },
  "c1#162": { kind: "subscribe", mac: REAL, session: undefined },
  "c1#163": { kind: "subscribeReply", mac: REAL, session: 0, on: false },
  "c1#164": { kind: "readTable", mac: REAL, session: 0x122ca92a, table: 1, version: 0 },
  "c1#165": { kind: "tableVersions", session: 1, versions: [{ id: 4, table: 4, version: 3 }] },
  "c1#166": { kind: "readTable", session: 0x122ca92a, table: 4 },
  "c1#167": {
    kind: "socketData",
    session: 1,
    "data.name": "orbivo",
    "data.remotePassword": "888888",
    "data.icon": 4,
    "data.hardwareVersion": 0x20,
    "data.firmwareVersion": 0x1a,
    "data.wifiFirmwareVersion": 5,
    "data.serverIp": "52.28.25.255",
    "data.serverPort": 10000,
    "data.domain": "vicenter.orvibo.com",
    "data.dst": false,
    "data.discoverable": true,
    "data.timeZone": 8,
    "data.autoOffEnabled": false,
    "data.zoneInfo.dstStart": "0".repeat(20),
  },
  "c1#174": {
    kind: "writeSocketData",
    session: 0,
    operation: "modify",
    "data.name": "neworbivo12346",
  },
  "c1#175": { kind: "writeTableReply", session: 1 },
  "c1#182": { kind: "changePassword", oldPassword: "888888", newPassword: "abcdef" },
  "c1#183": { kind: "changePassword", session: 1, newPassword: "abcdef" },
  "c1#184": { kind: "changePasswordCloudReply", session: 1, newPassword: "abcdef" },
  "c1#185": { kind: "changePasswordReply", session: 1 },
  "c1#191": { kind: "socketData", "data.remotePassword": "abcdef" },
  "c1#192": { kind: "writeSocketData", "data.discoverable": false },
  "c1#196": { kind: "writeSocketData", "data.discoverable": true },
  "c1#204": { kind: "discoverMac", mac: REAL },
  "c1#206": { kind: "discoverReply", command: "qg", mac: REAL, model: "SOC005", on: false },
  "c1#222": {
    kind: "setTimeZone",
    session: 0x122ca92a,
    zoneIndex: 0xb5,
    standardOffset: 3600,
    dstOffset: 3600,
  },
  "c1#223": { kind: "setTimeZoneReply", session: 1 },
  "c1#256": { kind: "dstRuleRequest", session: 100, zoneIndex: 0xb5 },
  "c1#257": {
    kind: "dstRuleReply",
    year: 2015,
    standardOffset: 3600,
    dstOffset: 7200,
    dstStart: "2015-03-29T01:00:00Z",
    dstEnd: "2015-10-25T01:00:00Z",
  },
  "c1#277": {
    kind: "socketData",
    "data.zoneInfo.zoneIndex": 0xb5,
    "data.zoneInfo.standardOffset": 3600,
    "data.zoneInfo.dstOffset": 3600,
  },
  "c1#288": { kind: "subscribe", session: 0x122fe6b7 },
  "c1#289": { kind: "subscribeReply", session: 0x122fe6b7, on: false },
  "c1#311": { kind: "tableVersions", versions: [{ id: 4, table: 4, version: 10 }] },
  "c1#318": {
    kind: "socketData",
    "data.zoneInfo.zoneIndex": 0xb5,
    "data.zoneInfo.dstRuleYear": 2015,
    "data.zoneInfo.standardOffset": 3600,
    "data.zoneInfo.dstOffset": 7200,
    "data.zoneInfo.dstStart": "2015-03-29T01:00:00Z",
    "data.zoneInfo.dstEnd": "2015-10-25T01:00:00Z",
  },
  "c1#337": { kind: "setPower", session: 0x4dcab136, on: true },
  "c1#338": { kind: "setPowerReply", session: 0x4dcab136 },
  "c1#339": { kind: "stateReport", on: true },
  "c1#340": { kind: "stateReport", on: true },
  "c1#346": { kind: "discoverReply", on: true },
  "c1#44": { kind: "cloudLogin", session: 100 },
  "c1#46": { kind: "cloudLoginReply", session: 100 },
  "c1#47": { kind: "readTable", session: 100, table: 4 },
  "c1#48": { kind: "heartbeat", session: 100 },
  "c1#51": { kind: "heartbeatReply", session: 100 },
  "c2#1098": { kind: "tableVersions", session: 0, versions: [{ id: 4, table: 4, version: 2 }] },
  "c2#602": discovery(REAL, "SOC005", 0, false, true),
  "c2#718": { kind: "discover" },
  "c2#723": discovery(REAL, "SOC005", 0, false, true),
  "c2#779": { kind: "subscribe", mac: REAL },
  "c2#780": { kind: "subscribeReply", session: 0, on: false },
  "c2#781": { kind: "readTable", session: 0x1203d592, table: 1 },
  "c2#782": { kind: "tableVersions", session: 0, versions: [{ id: 4, table: 4, version: 1 }] },
  "c2#783": { kind: "readTable", table: 4 },
  "c2#784": {
    kind: "socketData",
    "data.name": null,
    "data.remotePassword": "888888",
    "data.icon": 4,
    "data.serverIp": "42.121.111.208",
    "data.domain": "vicenter.orvibo.com",
    "data.staticIp": "192.168.1.200",
    "data.gateway": "192.168.1.1",
    "data.netmask": "255.255.255.0",
    "data.dst": false,
    "data.discoverable": true,
    "data.timeZone": 8,
    "data.autoOffEnabled": false,
    factory: true,
  },
  "c2#790": { kind: "setPower", session: 0x1203d592, on: true },
  "c2#791": { kind: "setPowerReply", session: 0 },
  "c2#792": { kind: "stateReport", on: true },
  "c2#793": { kind: "stateReport", on: true },
  "c2#797": { kind: "cloudLogin", session: 100 },
  "c2#801": { kind: "setPower", on: false },
  "c2#802": { kind: "setPowerReply", session: 0 },
  "c2#803": { kind: "stateReport", on: false },
  "c2#847": { kind: "writeSocketData", "data.name": "orbivo" },
  "c2#848": { kind: "writeTableReply", session: 0 },
  "c2#906": { kind: "logout", mac: REAL },
  "c3#23": discovery(REAL, "SOC005", 0xbc17c393, false, true),
  "c3#101": { kind: "subscribe", session: 0x122c8c67 },
  "c3#102": { kind: "subscribeReply", session: 0x122c8c67, on: false },
  "c3#103": { kind: "setPower", session: 0x4dc75667, on: true },
  "c3#104": { kind: "setPowerReply", session: 0x4dc75667 },
  "c3#105": { kind: "stateReport", on: true },
  "c3#116": { kind: "subscribeReply", on: true },
  "c3#123": { kind: "countdown", mode: "read", action: "none", seconds: 0 },
  "c3#124": { kind: "countdownReply", action: "none", seconds: 0 },
  "c4#23": discovery(REAL, "SOC005", 0, false, true),
  "c4#88": {
    kind: "discoverReply",
    command: "qg",
    on: false,
    clockIso: "2016-01-30T18:55:32.000Z",
  },
  "c4#101": { kind: "subscribe", mac: REAL },
  "c4#102": { kind: "subscribeReply", on: false },
  "c4#103": { kind: "setPower", session: 0x122fe736, on: true },
  "c4#104": { kind: "setPowerReply", session: 1 },
  "c4#105": { kind: "stateReport", on: true },
  "c4#106": { kind: "stateReport", on: true },
  "c4#135": { kind: "heartbeat", session: 0x122fe736 },
  "c4#136": { kind: "heartbeatReply", session: 0x122fe736 },
  "c4#361": { kind: "setPower", on: false },
  "c4#383": { kind: "subscribeReply", on: true },
  "c4#2249": { kind: "readTable", session: 0x1232fb73, table: 1 },
  "c4#2250": { kind: "tableVersions", session: 1, versions: [{ id: 4, table: 4, version: 10 }] },
  "c4#2252": { kind: "socketData", "data.zoneInfo.dstRuleYear": 2015 },
  "c4#2257": { kind: "writeSocketData", "data.dst": true, "data.timeZone": 1 },
  "c4#2258": { kind: "writeTableReply" },
  "c4#2259": { kind: "setClock", clockIso: "2016-01-30T19:43:24.000Z" },
  "c4#2260": { kind: "setClockReply", session: 0x1232fb73 },
  "c4#2687": { kind: "heartbeat", session: 0x1232fb73 },
  "c4#2784": { kind: "writeSocketData", "data.discoverable": false },
  "c4#2785": { kind: "writeTableReply" },
  "pastebin:1": { kind: "discover" },
  "pastebin:2": {
    ...discovery(PASTEBIN, "SOC002", 0xd76cca28, true),
    clockIso: "2014-07-13T09:04:40.000Z",
  },
  "pastebin:3": { kind: "discoverMac", mac: PASTEBIN },
  "pastebin:4": {
    ...discovery(PASTEBIN, "SOC001", 0xd76a3290, false),
    clockIso: "2014-07-11T09:53:20.000Z",
  },
  "pastebin:5": { kind: "subscribe", mac: PASTEBIN },
  "pastebin:6": { kind: "subscribeReply", on: false },
  "pastebin:7": { kind: "readTable", table: 1 },
  "pastebin:8": {
    kind: "tableVersions",
    session: 2,
    versions: [{ id: 4, table: 4, version: 0x17 }, { id: 3, table: 3, version: 2 }],
  },
  "pastebin:9": { kind: "readTable", table: 4, version: 0x17 },
  "pastebin:10": {
    kind: "socketData",
    "data.name": "Office",
    "data.icon": 5,
    "data.hardwareVersion": 16,
    "data.firmwareVersion": 10,
    "data.dst": false,
    "data.discoverable": true,
    "data.timeZone": 8,
    "data.autoOffEnabled": false,
    "data.autoOffSeconds": 12,
    "data.zoneInfo": null,
    "data.raw.length": 138,
  },
  "pastebin:11": { kind: "readTable", table: 3, version: 2 },
  "pastebin:12": {
    kind: "timerTable",
    "timers.length": 2,
    "timers.0.id": 1,
    "timers.0.on": true,
    "timers.0.hour": 16,
    "timers.0.minute": 0,
    "timers.0.weekly": true,
    "timers.0.days": 0x7f,
    "timers.0.year": 2014,
    "timers.0.month": 7,
    "timers.0.day": 13,
    "timers.1.id": 2,
    "timers.1.on": false,
    "timers.1.hour": 19,
    "timers.1.days": 0x7f,
  },
  "pastebin:13": { kind: "setPower", on: true },
  "pastebin:14": { kind: "stateReport", on: true },
  "pastebin:15": { kind: "setPower", on: false },
  "pastebin:16": { kind: "stateReport", on: false },
  "HankB:1": discovery("ac:cf:23:55:fe:22", "SOC005", 0xbc19a55e, true, true),
  "HankB:2": {
    ...discovery("ac:cf:23:36:02:0e", "SOC005", 0xdc9bff52, false),
    clockDate: "2017-04-15",
  },
  "HankB:3": { kind: "discoverReply", mac: "ac:cf:23:55:fe:22", on: false },
  "HankB:4": { kind: "subscribe", mac: "ac:cf:23:55:fe:22" },
  "HankB:5": { kind: "subscribeReply", on: false },
  "HankB:6": { kind: "setPower", on: true },
  "HankB:7": { kind: "stateReport", on: true },
  "homebridge:1": {
    ...discovery("ac:cf:23:35:f4:b0", "SOC005", 0xdc923789, false),
    clockIso: "2017-04-07T16:06:33.000Z",
  },
  "homebridge:2": { kind: "discoverReply", mac: "ac:cf:23:36:09:94", on: false },
  "homebridge:3": { kind: "discoverReply", mac: "ac:cf:23:35:f4:4c", on: true },
  "homebridge:4": { kind: "discoverReply", mac: "ac:cf:23:27:cb:44", on: true },
  "homebridge:5": { kind: "discoverReply", mac: "ac:cf:23:2a:fc:1a", model: "IRD012", on: null },
};

function field(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (v, key) => (v as Record<string, unknown> | undefined)?.[key],
    value,
  );
}

const keyed = OBSERVED.map((v) => ({ ...v, key: v.id }));

for (const v of keyed) {
  if (v.template || PAIRING_COMMANDS.has(v.command) || v.command === "rt-record") continue;
  const from = /^(client|cloud)->/.test(v.direction) ? "client" : "device";
  Deno.test(`decode() reads observed packet ${v.key} (${v.command} ${v.direction})`, () => {
    const message = decode(fromHex(v.hex), { from });
    const expected = EXPECT[v.key];
    assert.ok(expected, `no expectation written for observed packet ${v.key} (${v.source})`);
    const command = message.kind === "discoverReply"
      ? message.command
      : message.kind === "unknown"
      ? message.command
      : fromHex(v.hex).slice(4, 6).reduce((s, c) => s + String.fromCharCode(c), "");
    assert.equal(command, v.command);
    for (const [path, want] of Object.entries(expected)) {
      if (path === "clockUnset") {
        assert.equal(deviceTimeToDate(field(message, "clock") as number) === null, want, path);
      } else if (path === "clockIso") {
        assert.equal(deviceTimeToDate(field(message, "clock") as number)?.toISOString(), want);
      } else if (path === "clockDate") {
        const date = deviceTimeToDate(field(message, "clock") as number);
        assert.equal(date?.toISOString().slice(0, 10), want);
      } else if (path === "factory") {
        const data = field(message, "data") as { mac: string; raw: Uint8Array };
        assert.deepEqual(data.raw, factorySocketData(data.mac).raw, "factory defaults");
      } else {
        assert.deepEqual(field(message, path), want, `${v.key}: ${path}`);
      }
    }
  });
}

Deno.test({
  name: "every non-template S20 packet has an expectation, and every expectation a packet",
  fn() {
    const s20 = keyed.filter((v) =>
      !v.template && !PAIRING_COMMANDS.has(v.command) && v.command !== "rt-record"
    );
    assert.deepEqual(s20.filter((v) => !EXPECT[v.key]).map((v) => v.key), []);
    assert.deepEqual(Object.keys(EXPECT).filter((k) => !s20.some((v) => v.key === k)), []);
    assert.equal(s20.length, Object.keys(EXPECT).length);
  },
});

Deno.test({
  name: "decode() reads the orvfms table-3 record (rt-record) inside an rt reply",
  fn() {
    const record = keyed.find((v) => v.command === "rt-record")!;
    const header = "6864" + (28 + 30).toString(16).padStart(4, "0") + "7274" +
      "accf232419c0202020202020" + "00000000" + "00" + "03" + "00010000";
    const message = decode(fromHex(header + record.hex));
    assert.ok(message.kind === "timerTable");
    const [timer] = message.timers;
    assert.deepEqual({ ...timer, label: undefined }, {
      id: 0x70fe,
      label: undefined,
      on: true,
      year: 2015,
      month: 10,
      day: 26,
      hour: 18,
      minute: 34,
      second: 6,
      weekly: true,
      days: 0b101,
    });
    assert.deepEqual(timer!.label, new Uint8Array(16).fill(0x20));
  },
});

Deno.test({
  name: "decode() reads the template packets once their placeholders are filled in",
  fn() {
    const templates = keyed.filter((v) => v.template);
    assert.ok(templates.length >= 7);
    for (const v of templates) {
      const hex = v.hex.replace(/(MM){6}|(XX){6}/, "accf232419c0").replace(/XX|MM/g, "00")
        .replace(/AA/g, "01").replace(/BB/g, "3c");
      const from = v.direction.startsWith("client") ? "client" : "device";
      const message = decode(fromHex(hex), { from });
      assert.equal(
        fromHex(hex).slice(4, 6).reduce((s, c) => s + String.fromCharCode(c), ""),
        v.command,
      );
      assert.ok("mac" in message && message.mac === "ac:cf:23:24:19:c0", v.source);
    }
  },
});
