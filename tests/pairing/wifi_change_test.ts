/**
 * Changing the Wi-Fi of a socket already on the LAN (docs/protocol.md#ap-mode): by unicast to one
 * emulated module in station mode on loopback (127.0.91.1–127.0.91.20); broadcast and shared
 * addresses are refused before anything is bound or sent.
 */
import assert from "node:assert/strict";
import { ipv4Interfaces } from "../../lib/transport/interfaces.ts";
import { type AtJoinEvent, startAtListener } from "../../lib/emulator/at_listener.ts";
import { changeWifi, PairingError, validateWifiSettings, WifiKey } from "../../lib/pairing/mod.ts";
import { checkUnicastAddress } from "../../lib/pairing/wifi_change.ts";
import { assertNoKey, stepLog } from "../helpers/pairing_transport.ts";

const MAC = "ac:cf:23:35:e6:ab";
const OLD_KEY = "old key Kx81";
const NEW_KEY = "new key Jw42 with spaces";
const FAST = { attempts: 2, replyTimeoutMs: 100, settleMs: 0 } as const;

function stationModule(hostname: string, onJoin?: (event: AtJoinEvent) => void) {
  return startAtListener({
    mac: MAC,
    hostname,
    port: 0,
    state: {
      mode: "STA",
      ssid: "home",
      auth: "WPA2PSK",
      encryption: "AES",
      key: new WifiKey(OLD_KEY),
    },
    ...(onJoin ? { onJoin } : {}),
  });
}

Deno.test("changeWifi() sends the AT sequence by unicast to one socket in station mode", async () => {
  const joins: AtJoinEvent[] = [];
  await using module = stationModule("127.0.91.1", (event) => joins.push(event));
  const log = stepLog();
  const settings = validateWifiSettings({
    ssid: "new-home",
    key: NEW_KEY,
    auth: "wpa-psk",
    encryption: "tkip",
  });
  const changed = await changeWifi("127.0.91.1", settings, {
    ...FAST,
    port: module.local.port,
    mac: MAC,
    bind: { hostname: "127.0.91.2", port: 0 },
    onStep: log.onStep,
  });
  assert.equal(changed.mac, MAC);
  assert.equal(changed.via, "unicast");
  for (let i = 0; i < 100 && joins.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(joins.length, 1);
  assert.equal(joins[0]!.ssid, "new-home");
  assert.equal(joins[0]!.auth, "WPAPSK");
  assert.equal(joins[0]!.encryption, "TKIP");
  assert.equal(joins[0]!.key.reveal(), NEW_KEY);
  assert.match(log.steps[0]!.detail, new RegExp(`^HF-A11ASSISTHREAD to 127\\.0\\.91\\.1:\\d+$`));
  assertNoKey(NEW_KEY, [JSON.stringify(log.steps), JSON.stringify(changed)]);
});

Deno.test("changeWifi() refuses broadcast, multicast and shared addresses before sending", async () => {
  const settings = validateWifiSettings({ ssid: "home", key: NEW_KEY });
  const refused = [
    "255.255.255.255",
    "192.168.1.255",
    "10.0.0.255",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "0.0.0.0",
    ...ipv4Interfaces().map((i) => i.broadcast),
  ];
  for (const ip of refused) {
    await assert.rejects(changeWifi(ip, settings), (error: unknown) => {
      assert.ok(error instanceof RangeError, `${ip}: ${error}`);
      assert.match(error.message, /never by broadcast/);
      return true;
    });
  }
  await assert.rejects(changeWifi("socket.local", settings), TypeError);
  await assert.rejects(changeWifi("192.168.1.30", settings, { port: 0 }), RangeError);
  assert.doesNotThrow(() => checkUnicastAddress("192.168.1.30"));
  assert.doesNotThrow(() => checkUnicastAddress("127.0.91.3"));
});

Deno.test("changeWifi() stops at a socket with another MAC, a +ERR, or silence", async () => {
  await using module = stationModule("127.0.91.4");
  const settings = validateWifiSettings({ ssid: "new-home", key: NEW_KEY });
  const options = { ...FAST, port: module.local.port, bind: { hostname: "127.0.91.5", port: 0 } };

  const wrongMac = await changeWifi("127.0.91.4", settings, {
    ...options,
    mac: "ac:cf:23:00:00:01",
  }).catch((e) => e);
  assert.ok(wrongMac instanceof PairingError);
  assert.equal(wrongMac.code, "NO_REPLY");
  assert.match(wrongMac.message, /s20 discover/);

  module.setFaults({ errors: { WSKEY: -4 } });
  const refused = await changeWifi("127.0.91.4", settings, options).catch((e) => e);
  assert.equal(refused.code, "AT_ERROR");
  assert.equal(refused.field, "key");
  assertNoKey(NEW_KEY, [refused.message]);
  assert.equal(module.state.key.reveal(), OLD_KEY, "the old key stays");

  module.setFaults({ silent: true });
  const silent = await changeWifi("127.0.91.4", settings, options).catch((e) => e);
  assert.equal(silent.code, "NO_REPLY");
  assert.match(silent.message, /Nothing answered|No S20 answered/);
  assert.match(silent.message, /127\.0\.91\.4:\d+ after 2 attempts/);
});
