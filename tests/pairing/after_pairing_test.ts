/**
 * After pairing: the socket that took the settings shows up on the LAN as an emulated S20 with
 * the MAC the pairing listener announced (127.0.93.1–127.0.93.20); it is found, its clock and
 * zone are set and it is named. Also: a socket that never shows up, and bad names and zones.
 */
import assert from "node:assert/strict";
import { zoneOffsetAt } from "../../lib/time/zones.ts";
import { DeviceNotFoundError, S20Client } from "../../mod.ts";
import { startAtListener } from "../../lib/emulator/at_listener.ts";
import { startSmartlinkListener } from "../../lib/emulator/smartlink_listener.ts";
import { type Emulator, startEmulator } from "../../lib/emulator/emulator.ts";
import { zoneOffsetMinutes } from "../../lib/protocol/zone.ts";
import {
  pairApMode,
  pairSmartlink,
  type SetUpController,
  setUpPairedSocket,
  validateWifiSettings,
} from "../../lib/pairing/mod.ts";
import { QUICK_SMARTLINK, stepLog } from "../helpers/pairing_transport.ts";

const KEY = "correct horse Zq9";

/** An emulated S20 that comes up on the LAN once its pairing listener reports success. */
function lanSocket(hostname: string, mac: string) {
  let started: Promise<Emulator> | null = null;
  return {
    start(): void {
      started ??= startEmulator({
        hostname,
        port: 10000,
        replyTo: "source",
        mac,
        time: "unset",
        name: null,
        dropDuringDiscoveryBurst: false,
      });
    },
    get emulator(): Promise<Emulator> {
      assert.ok(started, "the socket never joined");
      return started;
    },
    async [Symbol.asyncDispose]() {
      await (await started)?.close();
    },
  };
}

Deno.test("after AP pairing, setUpPairedSocket() finds the same MAC and sets clock, zone, name", async () => {
  const mac = "ac:cf:23:93:00:01";
  await using lan = lanSocket("127.0.93.2", mac);
  await using module = startAtListener({
    mac,
    hostname: "127.0.93.1",
    port: 0,
    onJoin: () => lan.start(),
  });
  const paired = await pairApMode(validateWifiSettings({ ssid: "home", key: KEY }), {
    device: module.local,
    broadcast: null,
    settleMs: 0,
  });
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0, timeout: 2000 });
  const log = stepLog();
  const before = Date.now();
  const socket = await setUpPairedSocket(client, paired.mac, {
    targets: ["127.0.93.2"],
    timeZone: "Europe/Paris",
    name: "Desk lamp",
    wait: 5000,
    onStep: log.onStep,
  });
  const emulator = await lan.emulator;
  const expectedOffset = zoneOffsetAt("Europe/Paris", new Date()).offsetMinutes;
  assert.deepEqual(
    { ...socket, clock: null },
    {
      mac,
      ip: "127.0.93.2",
      port: 10000,
      name: "Desk lamp",
      offsetMinutes: expectedOffset,
      clock: null,
    },
  );
  assert.ok(Math.abs(socket.clock!.getTime() - before) < 5000);
  assert.equal(emulator.device.socketData.name, "Desk lamp");
  assert.equal(zoneOffsetMinutes(emulator.device.socketData), expectedOffset);
  const deviceTime = emulator.device.deviceTime;
  assert.ok(deviceTime !== null && Math.abs(deviceTime.getTime() - Date.now()) < 5000);
  assert.deepEqual(log.steps.map((s) => `${s.name}:${s.status}`), [
    "locate:start",
    "locate:done",
    "clock:start",
    "clock:done",
    "timezone:start",
    "timezone:done",
    "rename:start",
    "rename:done",
  ]);
  assert.equal(log.steps[1]!.detail, `found ${mac} at 127.0.93.2`);
});

Deno.test("after smartlink, setUpPairedSocket() asks the announced address for the announced MAC", async () => {
  const mac = "ac:cf:23:93:00:02";
  await using lan = lanSocket("127.0.93.4", mac);
  await using receiver = startSmartlinkListener({
    mac,
    ip: "127.0.93.4",
    hostname: "127.0.93.3",
    port: 0,
    announceFrom: { hostname: "127.0.93.4", port: 0 },
    announceTo: { hostname: "127.0.93.5", port: 49999 },
    announce: { bursts: 1 },
    onPassword: () => lan.start(),
  });
  const paired = await pairSmartlink(KEY, {
    to: [receiver.local],
    bind: { hostname: "127.0.93.5", port: 49999 },
    encode: QUICK_SMARTLINK,
    timeout: 10_000,
  });
  assert.equal(paired.ip, "127.0.93.4");
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0, timeout: 2000 });
  // No other targets: the only probe is the unicast qg to MAC@IP.
  const socket = await setUpPairedSocket(client, paired.mac, {
    ip: paired.ip,
    targets: [],
    timeZone: 330,
    wait: 5000,
  });
  assert.equal(socket.mac, mac);
  assert.equal(socket.offsetMinutes, 330);
  assert.equal(socket.name, null, "a socket that was never named keeps no name");
  assert.equal(zoneOffsetMinutes((await lan.emulator).device.socketData), 330);
});

Deno.test("setUpPairedSocket() gives up with DeviceNotFoundError after its wait, round by round", async () => {
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0, timeout: 500 });
  const log = stepLog();
  const started = performance.now();
  const error = await setUpPairedSocket(client, "ac:cf:23:93:00:03", {
    targets: ["127.0.93.6"],
    wait: 2100,
    onStep: log.onStep,
  }).catch((e) => e);
  assert.ok(error instanceof DeviceNotFoundError, String(error));
  assert.match(error.message, /did not answer discovery within 2 s of pairing/);
  assert.match(error.message, /LED is steady/);
  assert.ok(performance.now() - started < 4000);
  assert.deepEqual(log.steps.map((s) => `${s.name}:${s.status}`), ["locate:start", "locate:retry"]);
});

Deno.test("setUpPairedSocket() refuses names and zones an S20 cannot hold, before looking", async () => {
  const untouched: SetUpController = {
    discover: () => {
      throw new Error("must not look for the socket");
    },
    socket: () => {
      throw new Error("must not talk to the socket");
    },
  };
  const mac = "ac:cf:23:93:00:04";
  for (
    const options of [
      { name: "" },
      { name: "a name that is far too long" },
      { name: "tab\there" },
      { timeZone: "Asia/Kathmandu" },
      { timeZone: "Mars/Olympus_Mons" },
      { timeZone: 15 * 60 },
      { timeZone: 45 },
    ]
  ) {
    await assert.rejects(setUpPairedSocket(untouched, mac, options), RangeError);
  }
  await assert.rejects(setUpPairedSocket(untouched, "nope"), TypeError);
});
