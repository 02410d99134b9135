/**
 * `s20 pair` and `s20 wifi` in-process against the emulated AT and smartlink listeners and an
 * emulated S20 on loopback (127.0.94.1–127.0.95.40): whole pairings with a known key that must
 * appear nowhere in stdout, stderr, JSON or the emulator's logs; usage errors (exit 2) before
 * anything is sent; device failures (exit 1) and a socket that never shows up (exit 3).
 */
import assert from "node:assert/strict";
import { main } from "../../lib/cli/main.ts";
import { BufferIo } from "../../lib/cli/io.ts";
import { VirtualClock } from "../../lib/time/mod.ts";
import { type AtListener, startAtListener } from "../../lib/emulator/at_listener.ts";
import { startSmartlinkListener } from "../../lib/emulator/smartlink_listener.ts";
import { type Emulator, startEmulator } from "../../lib/emulator/emulator.ts";
import { describeAtRequest, WifiKey } from "../../lib/pairing/mod.ts";
import type { Clock } from "../../lib/time/clock.ts";

const KEY = "correct horse Zq9 battery";

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function s20(
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; secret?: string; clock?: Clock } = {},
): Promise<Run> {
  const io = new BufferIo({
    env: { HOME: "/nonexistent", ...options.env },
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.secret !== undefined ? { secret: options.secret } : {}),
  });
  const code = await main(args, io, options.clock ? { clock: options.clock } : {});
  return { code, out: io.out, err: io.err };
}

/** Fails if the key, or a telling part of it, is anywhere in the texts. */
function assertNoKey(texts: readonly string[]): void {
  for (const text of texts) {
    for (const part of [KEY, "Zq9", "battery"]) {
      assert.ok(!text.includes(part), `"${part}" leaked into: ${text}`);
    }
  }
}

/** An AT listener that logs everything it hears (as a log would) and brings up an emulated S20. */
function apRig(block: string, mac: string) {
  const log: string[] = [];
  const keys: WifiKey[] = [];
  let lan: Promise<Emulator> | null = null;
  const listener = startAtListener({
    mac,
    hostname: `${block}.1`,
    port: 0,
    onRequest: (request, from) =>
      log.push(
        describeAtRequest(request),
        JSON.stringify(request),
        Deno.inspect({ request, from }),
      ),
    onJoin: (event) => {
      keys.push(event.key);
      log.push(JSON.stringify(event), Deno.inspect(event));
      lan ??= startEmulator({
        hostname: `${block}.2`,
        port: 10000,
        replyTo: "source",
        mac,
        time: "unset",
        dropDuringDiscoveryBurst: false,
      });
    },
  });
  const args = (...extra: string[]) => [
    "pair",
    "--ap",
    "--ssid",
    "home",
    "--device",
    `${block}.1:${listener.local.port}`,
    "--broadcast",
    "none",
    "--target",
    `${block}.2`,
    "--port",
    "0",
    "--timeout",
    "1000",
    "--wait",
    "5000",
    ...extra,
  ];
  return {
    listener,
    log,
    keys,
    args,
    get lan(): Promise<Emulator> {
      assert.ok(lan, "the socket never joined");
      return lan;
    },
    async [Symbol.asyncDispose]() {
      await listener.close();
      await (await lan)?.close();
    },
  };
}

Deno.test("s20 pair --ap pairs, finds, sets up and names the socket; the key leaks nowhere", async () => {
  const mac = "ac:cf:23:94:00:01";
  await using rig = apRig("127.0.94", mac);
  const human = await s20(
    rig.args("--password-stdin", "--name", "Desk lamp", "--timezone", "Europe/Paris"),
    { stdin: `${KEY}\n` },
  );
  assert.equal(human.code, 0, human.err);
  assert.equal(rig.keys.at(-1)!.reveal(), KEY, "the socket got the key without the newline");
  const lan = await rig.lan;
  assert.equal(lan.device.socketData.name, "Desk lamp");
  assert.notEqual(lan.device.deviceTime, null);
  assert.match(human.out, new RegExp(`^Paired: ${mac} at 127\\.0\\.94\\.2\\n`));
  assert.match(human.out, /name {7}Desk lamp/);
  assert.match(human.out, /time zone {2}UTC\+0[12]:00/);
  // The warning comes before anything is sent; then each step is named as it happens.
  const warning = human.err.indexOf("send the Wi-Fi key unencrypted over the air");
  assert.ok(warning >= 0 && warning < human.err.indexOf("→ Find the socket"), human.err);
  for (
    const step of [
      "✓ Find the socket: HF-A11ASSISTHREAD: found ACCF23940001",
      "✓ Network name: AT+WSSSID=home: +ok",
      "✓ Security and key: AT+WSKEY=WPA2PSK,AES,[redacted]: +ok",
      "✓ Station mode: AT+WMODE=STA",
      "✓ Restart: AT+Z",
      `✓ Find it on the network: found ${mac} at 127.0.94.2`,
      "✓ Clock: clock set to",
      "✓ Time zone: time zone UTC+0",
      '✓ Name: named "Desk lamp"',
    ]
  ) {
    assert.ok(human.err.includes(step), `missing "${step}" in:\n${human.err}`);
  }

  // Again (the module still answers after its restart), key from the environment, as JSON.
  const json = await s20(rig.args("--json", "--timezone", "+05:30"), {
    env: { S20_WIFI_PASSWORD: KEY },
  });
  assert.equal(json.code, 0, json.err);
  const result = JSON.parse(json.out);
  assert.deepEqual({ ...result, clock: typeof result.clock }, {
    paired: true,
    mode: "ap",
    mac,
    ip: "127.0.94.2",
    name: "Desk lamp",
    offsetMinutes: 330,
    clock: "string",
  });
  assert.match(json.err, /unencrypted over the air/, "the warning is given in JSON mode too");
  assert.doesNotMatch(json.err, /→|✓/, "no progress lines in JSON mode");

  // And from the no-echo prompt, stopping once the socket has the settings.
  const prompted = await s20(rig.args("--skip-setup"), { secret: KEY });
  assert.equal(prompted.code, 0, prompted.err);
  assert.match(prompted.out, /Paired: ac:cf:23:94:00:01 is restarting to join "home"/);
  // The module handles AT+Z after the CLI sent it and returned.
  for (let i = 0; i < 100 && rig.keys.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(rig.keys.length, 3);
  assert.ok(rig.keys.every((k) => k.reveal() === KEY));

  assertNoKey([human.out, human.err, json.out, json.err, prompted.out, prompted.err, ...rig.log]);
});

Deno.test("s20 pair --smartlink pairs on a virtual clock; the key leaks nowhere", async () => {
  const mac = "ac:cf:23:94:00:02";
  const joined: { lan: Promise<Emulator> | null } = { lan: null };
  await using receiver = startSmartlinkListener({
    mac,
    ip: "127.0.94.6",
    hostname: "127.0.94.4",
    port: 0,
    announceFrom: { hostname: "127.0.94.6", port: 0 },
    announceTo: { hostname: "127.0.94.5", port: 49999 },
    announce: { bursts: 2, burstIntervalMs: 100 },
    onPassword: () => {
      joined.lan ??= startEmulator({
        hostname: "127.0.94.6",
        port: 10000,
        replyTo: "source",
        mac,
        time: "unset",
        dropDuringDiscoveryBurst: false,
      });
    },
  });
  // Fifty times real time: the ~4 s of preamble and first cycle take a fraction of a second.
  const clock = new VirtualClock({ speed: 50 });
  try {
    const run = await s20([
      "pair",
      "--smartlink",
      "--password-stdin",
      "--name",
      "Hall",
      "--timezone",
      "UTC",
      "--broadcast",
      `127.0.94.4:${receiver.local.port}`,
      "--listen",
      "127.0.94.5:49999",
      "--target",
      "127.0.94.6",
      "--port",
      "0",
      "--timeout",
      "1000",
      "--json",
    ], { stdin: KEY, clock });
    assert.equal(run.code, 0, run.err);
    assert.equal(receiver.password?.reveal(), KEY);
    const result = JSON.parse(run.out);
    assert.deepEqual([result.mode, result.mac, result.ip, result.name], [
      "smartlink",
      mac,
      "127.0.94.6",
      "Hall",
    ]);
    assert.equal(result.offsetMinutes, 0);
    assert.equal((await joined.lan!).device.socketData.name, "Hall");
    assertNoKey([run.out, run.err]);
  } finally {
    clock.dispose();
    await (await joined.lan)?.close();
  }
});

Deno.test("s20 pair refuses bad input with exit 2 before sending anything, never echoing a key", async () => {
  const heard: string[] = [];
  await using listener = startAtListener({
    mac: "ac:cf:23:94:00:03",
    hostname: "127.0.94.10",
    port: 0,
    onRequest: (request) => heard.push(describeAtRequest(request)),
  });
  const ap = [
    "pair",
    "--ap",
    "--device",
    `127.0.94.10:${listener.local.port}`,
    "--broadcast",
    "none",
    "--port",
    "0",
  ];
  const cases: {
    args: string[];
    stdin?: string;
    secret?: string;
    error: RegExp;
    secretText?: string;
  }[] = [
    { args: ["pair", "--ssid", "home"], error: /choose one mode/ },
    { args: ["pair", "--ap", "--smartlink", "--ssid", "home"], error: /choose one mode/ },
    { args: ["pair", "--ap"], error: /--ap needs --ssid/ },
    {
      args: [...ap, "--ssid", "a,b", "--password-stdin"],
      stdin: KEY,
      error: /splits parameters at commas/,
    },
    {
      args: [...ap, "--ssid", "x".repeat(33), "--password-stdin"],
      stdin: KEY,
      error: /1–32 bytes/,
    },
    {
      args: [...ap, "--ssid", "home", "--password-stdin"],
      stdin: "short7!",
      error: /8–63 printable ASCII characters or 64 hex digits, this one has 7/,
      secretText: "short7!",
    },
    {
      args: [...ap, "--ssid", "home", "--password-stdin"],
      stdin: "g".repeat(64),
      error: /must be hex digits only/,
      secretText: "g".repeat(64),
    },
    {
      args: [...ap, "--ssid", "home", "--password-stdin"],
      stdin: "comma,in,the,key",
      error: /contains a comma/,
      secretText: "comma,in,the,key",
    },
    {
      args: [...ap, "--ssid", "home", "--security", "wep", "--password-stdin"],
      stdin: "0123456789",
      error: /Cannot use WEP: it is broken/,
    },
    {
      args: [...ap, "--ssid", "home", "--cipher", "tkipaes", "--password-stdin"],
      stdin: KEY,
      error: /TKIPAES/,
    },
    {
      args: [...ap, "--ssid", "home", "--security", "open", "--password-stdin"],
      error: /open network takes no key/,
    },
    {
      args: [...ap, "--ssid", "home"],
      error: /no Wi-Fi key given: pipe it to --password-stdin, set S20_WIFI_PASSWORD/,
    },
    {
      args: [...ap, "--ssid", "home", "--password-stdin"],
      stdin: "",
      error: /standard input was empty/,
    },
    { args: [...ap, "--ssid", "home", KEY], error: /1 unexpected argument \(not repeated here/ },
    { args: [...ap, "--ssid", "home", `--password=${KEY}`], error: /unknown flag '--password'/ },
    {
      args: [...ap, "--ssid", "home", "--timezone", "Asia/Kathmandu"],
      secret: KEY,
      error: /quarter-hour/,
    },
    {
      args: [...ap, "--ssid", "home", "--timezone", "Moon/Base"],
      secret: KEY,
      error: /not a known IANA zone/,
    },
    {
      args: [...ap, "--ssid", "home", "--name", "a name far too long"],
      secret: KEY,
      error: /1–16 bytes/,
    },
    {
      args: [...ap, "--ssid", "home", "--skip-setup", "--name", "x"],
      secret: KEY,
      error: /--skip-setup/,
    },
    { args: [...ap, "--ssid", "home", "--wait", "10"], secret: KEY, error: /--wait must be/ },
    {
      args: ["pair", "--ap", "--ssid", "home", "--broadcast", "everywhere"],
      secret: KEY,
      error: /--broadcast must be an IPv4/,
    },
    {
      args: ["pair", "--smartlink", "--broadcast", "none"],
      secret: KEY,
      error: /only works by broadcast/,
    },
    {
      args: ["pair", "--smartlink", "--device", "10.10.100.254"],
      secret: KEY,
      error: /--device is for --ap/,
    },
  ];
  for (const c of cases) {
    const run = await s20(c.args, {
      ...(c.stdin !== undefined ? { stdin: c.stdin } : {}),
      ...(c.secret !== undefined ? { secret: c.secret } : {}),
    });
    assert.equal(run.code, 2, `${c.args.join(" ")}\n${run.err}`);
    assert.match(run.err, c.error);
    assert.match(run.err, /Run 's20 pair --help' for usage/);
    assertNoKey([run.out, run.err]);
    if (c.secretText) assert.ok(!run.err.includes(c.secretText), run.err);
    const json = await s20([...c.args, "--json"], {
      ...(c.stdin !== undefined ? { stdin: c.stdin } : {}),
      ...(c.secret !== undefined ? { secret: c.secret } : {}),
    });
    assert.equal(json.code, 2);
    assertNoKey([json.out, json.err]);
  }
  assert.deepEqual(heard, [], "nothing was sent to the socket");
});

Deno.test("s20 pair reports failures with exit 1 and what to try, a missing socket with 3", async () => {
  const failing = (listener: AtListener, ...extra: string[]) => [
    "pair",
    "--ap",
    "--ssid",
    "home",
    "--device",
    `${listener.local.hostname}:${listener.local.port}`,
    "--broadcast",
    "none",
    "--port",
    "0",
    "--timeout",
    "400",
    ...extra,
  ];
  await using silent = startAtListener({
    mac: "ac:cf:23:94:00:04",
    hostname: "127.0.94.20",
    port: 0,
    faults: { silent: true },
  });
  const quiet = await s20(failing(silent), { secret: KEY });
  assert.equal(quiet.code, 1);
  assert.match(quiet.err, /No S20 answered the assist password .* after 4 attempts/);
  assert.match(quiet.err, /LED blinks blue rapidly/);
  assert.match(quiet.err, /joined the socket's open Wi-Fi network WiWo-S20/);
  assert.match(quiet.err, /Not paired\./);
  const quietJson = await s20(failing(silent, "--json"), { secret: KEY });
  assert.equal(quietJson.code, 1);
  assert.equal(JSON.parse(quietJson.out).error.code, "NO_REPLY");

  await using refusing = startAtListener({
    mac: "ac:cf:23:94:00:05",
    hostname: "127.0.94.21",
    port: 0,
    faults: { errors: { WSKEY: -4 } },
  });
  const refused = await s20(failing(refusing, "--json"), { env: { S20_WIFI_PASSWORD: KEY } });
  assert.equal(refused.code, 1);
  const error = JSON.parse(refused.out).error;
  assert.equal(error.code, "AT_ERROR");
  assert.equal(
    error.message.split(":")[0],
    "The socket refused AT+WSKEY=WPA2PSK,AES,[redacted] with +ERR=-4 (invalid parameter)",
  );

  // Paired, but the socket never shows up on the network.
  await using vanishing = startAtListener({
    mac: "ac:cf:23:94:00:06",
    hostname: "127.0.94.22",
    port: 0,
  });
  const missing = await s20(
    failing(vanishing, "--target", "127.0.94.23", "--wait", "1000"),
    { secret: KEY },
  );
  assert.equal(missing.code, 3, missing.err);
  assert.match(missing.err, /did not answer discovery within 1 s of pairing/);
  assert.equal(vanishing.state.mode, "STA", "the settings did arrive");

  // Smartlink that nobody answers: TIMEOUT after --wait (virtual time).
  const clock = new VirtualClock({ speed: 50 });
  try {
    const unanswered = await s20([
      "pair",
      "--smartlink",
      "--broadcast",
      "127.0.94.24:9",
      "--listen",
      "127.0.94.25:49999",
      "--wait",
      "3000",
      "--skip-setup",
      "--json",
    ], { env: { S20_WIFI_PASSWORD: KEY }, clock });
    assert.equal(unanswered.code, 1);
    assert.equal(JSON.parse(unanswered.out).error.code, "TIMEOUT");
    assertNoKey([
      quiet.err,
      quietJson.out,
      refused.out,
      refused.err,
      missing.err,
      unanswered.out,
      unanswered.err,
    ]);
  } finally {
    clock.dispose();
  }
});

Deno.test("s20 wifi changes one socket's network by unicast and refuses broadcast addresses", async () => {
  const joins: string[] = [];
  await using module = startAtListener({
    mac: "ac:cf:23:95:00:01",
    hostname: "127.0.95.1",
    port: 0,
    state: {
      mode: "STA",
      ssid: "home",
      auth: "WPA2PSK",
      encryption: "AES",
      key: new WifiKey("old key 1234"),
    },
    onJoin: (event) => joins.push(`${event.ssid}/${event.encryption}/${event.key.reveal()}`),
  });
  const at = `127.0.95.1:${module.local.port}`;
  const changed = await s20([
    "wifi",
    at,
    "--ssid",
    "attic",
    "--cipher",
    "tkip",
    "--timeout",
    "1000",
    "--json",
  ], {
    env: { S20_WIFI_PASSWORD: KEY },
  });
  assert.equal(changed.code, 0, changed.err);
  assert.deepEqual(JSON.parse(changed.out), {
    mac: "ac:cf:23:95:00:01",
    ip: "127.0.95.1",
    ssid: "attic",
    restarting: true,
  });
  assert.match(changed.err, /travels unencrypted in a UDP datagram to 127\.0\.95\.1/);
  for (let i = 0; i < 100 && joins.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(joins, [`attic/TKIP/${KEY}`]);

  const human = await s20(
    ["wifi", `ac:cf:23:95:00:01@${at}`, "--ssid", "home", "--password-stdin"],
    {
      stdin: KEY,
    },
  );
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /ac:cf:23:95:00:01 at 127\.0\.95\.1 is restarting to join "home"/);
  assert.match(human.err, /✓ Restart: AT\+Z: sent to 127\.0\.95\.1/);

  const wrongMac = await s20([
    "wifi",
    `ac:cf:23:00:00:01@${at}`,
    "--ssid",
    "home",
    "--timeout",
    "400",
  ], {
    secret: KEY,
  });
  assert.equal(wrongMac.code, 1);
  assert.match(wrongMac.err, /No S20 answered the assist password at 127\.0\.95\.1/);

  for (
    const address of ["255.255.255.255", "192.168.1.255", "127.0.95.255", "224.0.0.251", "0.0.0.0"]
  ) {
    const run = await s20(["wifi", address, "--ssid", "home"], { secret: KEY });
    assert.equal(run.code, 2, `${address}: ${run.err}`);
    assert.match(run.err, /never by broadcast/);
  }
  const extra = await s20(["wifi", at, KEY, "--ssid", "home"]);
  assert.equal(extra.code, 2);
  const noSsid = await s20(["wifi", at], { secret: KEY });
  assert.equal(noSsid.code, 2);
  assert.match(noSsid.err, /--ssid is needed/);
  assertNoKey([changed.out, changed.err, human.out, human.err, wrongMac.err, extra.err]);
  assert.equal(joins.length, 2);
});
