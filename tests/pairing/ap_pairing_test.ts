/**
 * The AP-mode pairing client (docs/protocol.md#ap-mode) against the emulated AT interface on
 * loopback (127.0.90.1–127.0.90.40): the whole exchange, unicast and broadcast routes, lost
 * replies, every `+ERR` and no-reply path, malformed settings, a MAC filter and cancellation.
 * Real broadcasts between network namespaces are in netns_test.ts.
 */
import assert from "node:assert/strict";
import { listenUdp } from "../../lib/transport/mod.ts";
import { Mac } from "../../mod.ts";
import { type AtJoinEvent, startAtListener } from "../../lib/emulator/at_listener.ts";
import {
  AT_ERROR,
  describeAtRequest,
  pairApMode,
  PairingError,
  validateWifiSettings,
  WifiKey,
  type WifiSettings,
} from "../../lib/pairing/mod.ts";
import {
  assertNoKey,
  type SentDatagram,
  stepLog,
  wrapTransport,
} from "../helpers/pairing_transport.ts";

const MAC = "ac:cf:23:35:e6:aa";
const KEY = "correct horse Zq9";
const SETTINGS = validateWifiSettings({ ssid: "home", key: KEY });
const FAST = { attempts: 2, replyTimeoutMs: 100, settleMs: 0 } as const;

/** Waits (bounded) until `done()` holds; the listener handles `AT+Z` after we sent it. */
async function until(done: () => boolean, ms = 2000): Promise<void> {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const statuses = (steps: readonly { name: string; status: string }[]) =>
  steps.map((s) => `${s.name}:${s.status}`);

Deno.test("pairApMode() walks an emulated socket through AP mode and reports each step", async () => {
  const joins: AtJoinEvent[] = [];
  const requests: string[] = [];
  await using listener = startAtListener({
    mac: MAC,
    hostname: "127.0.90.1",
    port: 0,
    ip: "10.10.100.254",
    onJoin: (event) => joins.push(event),
    onRequest: (request) => requests.push(describeAtRequest(request)),
  });
  const log = stepLog();
  const paired = await pairApMode(SETTINGS, {
    device: listener.local,
    broadcast: null,
    bind: { hostname: "127.0.90.2", port: 0 },
    onStep: log.onStep,
  });
  assert.deepEqual(paired, {
    mac: Mac.parse(MAC),
    ip: "10.10.100.254",
    module: "HF-LPB100",
    address: listener.local,
    via: "unicast",
  });
  await until(() => joins.length === 1);
  assert.equal(joins[0]!.ssid, "home");
  assert.equal(joins[0]!.auth, "WPA2PSK");
  assert.equal(joins[0]!.encryption, "AES");
  assert.equal(joins[0]!.key.reveal(), KEY);
  assert.deepEqual(requests, [
    "HF-A11ASSISTHREAD",
    "+ok",
    "AT+WSSSID=home",
    "AT+WSKEY=WPA2PSK,AES,[redacted]",
    "AT+WMODE=STA",
    "AT+Z",
  ]);
  assert.deepEqual(statuses(log.steps), [
    "find:start",
    "find:done",
    "command-mode:start",
    "command-mode:done",
    "ssid:start",
    "ssid:done",
    "key:start",
    "key:done",
    "mode:start",
    "mode:done",
    "reboot:start",
    "reboot:done",
  ]);
  assert.match(log.steps[1]!.detail, /found ACCF2335E6AA \(HF-LPB100\) at 10\.10\.100\.254/);
  assert.equal(
    log.steps[7]!.detail,
    `AT+WSKEY=WPA2PSK,AES,[redacted]: +ok from 127.0.90.1:${listener.local.port}`,
  );
  assertNoKey(KEY, [JSON.stringify(log.steps), Deno.inspect(paired), JSON.stringify(paired)]);
});

Deno.test("pairApMode() asks by unicast and broadcast, then talks to whoever answered", async () => {
  await using listener = startAtListener({ mac: MAC, hostname: "127.0.90.3", port: 0 });
  const sent: SentDatagram[] = [];
  const broadcast = { hostname: "10.10.100.255", port: 48899 };
  // Nothing listens at the unicast address; the "broadcast" reaches the listener.
  const transport = wrapTransport(listenUdp({ hostname: "127.0.90.4", port: 0 }), {
    redirect: new Map([["10.10.100.255:48899", listener.local]]),
    sent,
  });
  const nobody = { hostname: "127.0.90.5", port: 48899 };
  const paired = await pairApMode(SETTINGS, { ...FAST, device: nobody, broadcast, transport });
  assert.deepEqual(paired.address, listener.local);
  assert.deepEqual(sent.slice(0, 2).map((s) => [s.text, s.to]), [
    ["HF-A11ASSISTHREAD", nobody],
    ["HF-A11ASSISTHREAD", broadcast],
  ]);
  // Everything after the assist reply went by unicast to the address that answered.
  assert.ok(sent.slice(2).every((s) => s.to.hostname === "127.0.90.3"));
  assert.equal(listener.state.ssid, "home");
  assert.equal(listener.state.mode, "STA");
});

Deno.test("pairApMode() falls back to broadcast when unicast sends fail (EHOSTUNREACH)", async () => {
  await using listener = startAtListener({ mac: MAC, hostname: "127.0.90.6", port: 0 });
  const sent: SentDatagram[] = [];
  const broadcast = { hostname: "10.10.100.255", port: 48899 };
  const key = `${listener.local.hostname}:${listener.local.port}`;
  const transport = wrapTransport(listenUdp({ hostname: "127.0.90.7", port: 0 }), {
    redirect: new Map([["10.10.100.255:48899", listener.local]]),
    refuse: new Set([key]),
    sent,
  });
  const log = stepLog();
  const paired = await pairApMode(SETTINGS, {
    ...FAST,
    device: listener.local,
    broadcast,
    transport,
    onStep: log.onStep,
  });
  assert.equal(paired.via, "broadcast");
  assert.equal(listener.state.ssid, "home");
  assert.equal(listener.state.key.reveal(), KEY);
  // After the first refusal, no more unicast attempts.
  const unicast = sent.filter((s) => s.to.hostname === "127.0.90.6");
  assert.equal(unicast.length, 1);
  assert.equal(unicast[0]!.text, "HF-A11ASSISTHREAD");
  assert.ok(log.steps.every((s) => s.status !== "retry"), "no step needed a second try");
});

Deno.test("pairApMode() retries lost replies and reports each retry", async () => {
  await using listener = startAtListener({
    mac: MAC,
    hostname: "127.0.90.8",
    port: 0,
    faults: { dropReplies: 2 },
  });
  const log = stepLog();
  await pairApMode(SETTINGS, {
    attempts: 4,
    replyTimeoutMs: 150,
    settleMs: 0,
    device: listener.local,
    broadcast: null,
    bind: { hostname: "127.0.90.9", port: 0 },
    onStep: (step) => {
      log.onStep(step);
      // The first reply to AT+WSSKEY is lost; the command still takes effect (and again).
      if (step.name === "key" && step.status === "start") listener.setFaults({ dropReplies: 1 });
    },
  });
  assert.equal(listener.state.mode, "STA");
  assert.equal(listener.state.key.reveal(), KEY);
  const retries = log.steps.filter((s) => s.status === "retry").map((s) =>
    `${s.name}#${s.attempt}`
  );
  assert.deepEqual(retries, ["find#2", "find#3", "key#2"]);
  assert.match(
    log.steps.find((s) => s.name === "key" && s.status === "retry")!.detail,
    /attempt 2/,
  );
});

Deno.test("pairApMode() enters command mode again when +ok was lost", async () => {
  await using listener = startAtListener({ mac: MAC, hostname: "127.0.90.10", port: 0 });
  let dropped = 0;
  const transport = wrapTransport(listenUdp({ hostname: "127.0.90.11", port: 0 }), {
    drop: (text) => text === "+ok" && dropped++ === 0,
  });
  const log = stepLog();
  await pairApMode(SETTINGS, {
    ...FAST,
    device: listener.local,
    broadcast: null,
    transport,
    onStep: log.onStep,
  });
  assert.equal(dropped, 2, "the lost +ok, then the one sent again before the retry");
  assert.equal(listener.state.ssid, "home");
  assert.deepEqual(
    log.steps.filter((s) => s.status === "retry").map((s) => s.name),
    ["ssid"],
  );
});

Deno.test("pairApMode() turns every +ERR into AT_ERROR naming the step, never the key", async () => {
  const cases = [
    { fault: "ASSIST", step: "HF-A11ASSISTHREAD", field: null, code: AT_ERROR.NOT_PERMITTED },
    { fault: "WSSSID", step: "AT+WSSSID=home", field: "ssid", code: AT_ERROR.INVALID_PARAMETER },
    {
      fault: "WSKEY",
      step: "AT+WSKEY=WPA2PSK,AES,[redacted]",
      field: "key",
      code: AT_ERROR.INVALID_PARAMETER,
    },
    { fault: "WMODE", step: "AT+WMODE=STA", field: null, code: AT_ERROR.INVALID_COMMAND },
  ] as const;
  for (const [i, c] of cases.entries()) {
    let reboots = 0;
    await using listener = startAtListener({
      mac: MAC,
      hostname: `127.0.90.${12 + i}`,
      port: 0,
      faults: { errors: { [c.fault]: c.code } },
      onReboot: () => reboots++,
    });
    const error = await pairApMode(SETTINGS, {
      ...FAST,
      device: listener.local,
      broadcast: null,
      bind: { hostname: `127.0.90.${12 + i}`, port: 0 },
    }).then(() => assert.fail(`expected +ERR for ${c.fault}`), (e) => e);
    assert.ok(error instanceof PairingError, String(error));
    assert.equal(error.code, "AT_ERROR");
    assert.equal(error.step, c.step);
    assert.equal(error.field, c.field);
    assert.equal(error.atError, c.code);
    assert.match(error.message, new RegExp(`refused .* with \\+ERR=${c.code} \\(`));
    assertNoKey(KEY, [error.message, JSON.stringify(error), Deno.inspect(error)]);
    assert.equal(reboots, 0, "a refused step ends the exchange before AT+Z");
    assert.equal(listener.state.mode, "AP");
  }
});

Deno.test("pairApMode() reports a bare +ERR (no code) as AT_ERROR too", async () => {
  // A hand-made module: the assist reply, then a bare `+ERR` to every AT line.
  const module = listenUdp({ hostname: "127.0.90.20", port: 0 });
  const serving = (async () => {
    for await (const { data, from } of module) {
      const text = new TextDecoder().decode(data);
      const reply = text === "HF-A11ASSISTHREAD"
        ? "127.0.90.20,ACCF2335E6AA,HF-LPB100"
        : text.startsWith("AT+")
        ? "+ERR\r\n\r\n"
        : null;
      if (reply !== null) await module.send(new TextEncoder().encode(reply), from);
    }
  })();
  try {
    await assert.rejects(
      pairApMode(SETTINGS, { ...FAST, device: module.local, broadcast: null }),
      (error: unknown) => {
        assert.ok(error instanceof PairingError);
        assert.equal(error.code, "AT_ERROR");
        assert.equal(error.atError, null);
        assert.match(error.message, /refused AT\+WSSSID=home with \+ERR: check the SSID/);
        return true;
      },
    );
  } finally {
    module.close();
    await serving;
  }
});

Deno.test("pairApMode() gives up with NO_REPLY when the socket is silent or goes quiet", async () => {
  await using silent = startAtListener({
    mac: MAC,
    hostname: "127.0.90.21",
    port: 0,
    faults: { silent: true },
  });
  const log = stepLog();
  const started = performance.now();
  const error = await pairApMode(SETTINGS, {
    ...FAST,
    device: silent.local,
    broadcast: { hostname: "127.0.90.22", port: 48899 },
    bind: { hostname: "127.0.90.21", port: 0 },
    onStep: log.onStep,
  }).catch((e) => e);
  assert.ok(error instanceof PairingError);
  assert.equal(error.code, "NO_REPLY");
  assert.equal(error.step, "HF-A11ASSISTHREAD");
  assert.match(error.message, /after 2 attempts: check that the socket's LED blinks blue/);
  assert.match(error.message, /WiWo-S20/);
  assert.match(error.message, /127\.0\.90\.21:\d+ or 127\.0\.90\.22:48899/);
  assert.ok(performance.now() - started < 1000);
  assert.deepEqual(statuses(log.steps), ["find:start", "find:retry"]);

  // A socket that answers the assist password, then nothing: each later step has its message.
  for (const [i, step] of (["ssid", "key", "mode"] as const).entries()) {
    await using quiet = startAtListener({ mac: MAC, hostname: `127.0.90.${23 + i}`, port: 0 });
    const failure = await pairApMode(SETTINGS, {
      ...FAST,
      device: quiet.local,
      broadcast: null,
      bind: { hostname: `127.0.90.${23 + i}`, port: 0 },
      onStep: (s) => {
        if (s.name === step && s.status === "start") quiet.setFaults({ dropReplies: Infinity });
      },
    }).catch((e) => e);
    assert.ok(failure instanceof PairingError, String(failure));
    assert.equal(failure.code, "NO_REPLY");
    assert.match(failure.message, /stopped answering: no reply to AT\+/);
    assert.match(failure.message, /stay joined to WiWo-S20/);
    assertNoKey(KEY, [failure.message]);
    if (step === "key") assert.equal(failure.step, "AT+WSKEY=WPA2PSK,AES,[redacted]");
  }
});

Deno.test("pairApMode() refuses malformed SSIDs and keys before sending anything", async () => {
  const requests: string[] = [];
  await using listener = startAtListener({
    mac: MAC,
    hostname: "127.0.90.30",
    port: 0,
    onRequest: (request) => requests.push(describeAtRequest(request)),
  });
  const raw = (ssid: string, key: string, auth = "WPA2PSK", encryption = "AES") =>
    ({ ssid, auth, encryption, key: new WifiKey(key) }) as unknown as WifiSettings;
  const cases: [WifiSettings, string, string][] = [
    [raw("", KEY), "INVALID_SSID", ""],
    [raw("x".repeat(33), KEY), "INVALID_SSID", ""],
    [raw("a,b", KEY), "INVALID_SSID", ""],
    [raw("line\nbreak", KEY), "INVALID_SSID", ""],
    [raw("home", "short7!"), "INVALID_KEY", "short7!"],
    [raw("home", "x".repeat(64)), "INVALID_KEY", "x".repeat(64)],
    [raw("home", "y".repeat(70)), "INVALID_KEY", "y".repeat(70)],
    [raw("home", "comma,inside"), "INVALID_KEY", "comma,inside"],
    [raw("home", "tab\there key"), "INVALID_KEY", "tab\there key"],
    [raw("home", ""), "INVALID_KEY", ""],
    [raw("home", "0123456789", "SHARED", "WEP-H"), "UNSUPPORTED_SECURITY", "0123456789"],
    [raw("home", KEY, "WPA2PSK", "TKIPAES"), "UNSUPPORTED_SECURITY", KEY],
    [raw("home", KEY, "OPEN", "NONE"), "INVALID_KEY", KEY],
  ];
  for (const [settings, code, key] of cases) {
    await assert.rejects(
      pairApMode(settings, { ...FAST, device: listener.local, broadcast: null }),
      (error: unknown) => {
        assert.ok(error instanceof PairingError, String(error));
        assert.equal(error.code, code, error.message);
        if (key.length >= 3) assertNoKey(key, [error.message]);
        return true;
      },
    );
  }
  assert.match(
    await pairApMode(raw("home", "0123456789", "SHARED", "WEP-H")).catch((e) => e.message),
    /Cannot use WEP/,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(requests, [], "nothing reached the socket");
});

Deno.test("pairApMode() talks only to the MAC it was given, and stops when aborted", async () => {
  await using listener = startAtListener({ mac: MAC, hostname: "127.0.90.31", port: 0 });
  const other = await pairApMode(SETTINGS, {
    ...FAST,
    device: listener.local,
    broadcast: null,
    mac: "ac:cf:23:00:00:99",
  }).catch((e) => e);
  assert.equal(other.code, "NO_REPLY");

  let reboots = 0;
  await using second = startAtListener({
    mac: MAC,
    hostname: "127.0.90.32",
    port: 0,
    onReboot: () => reboots++,
  });
  const stop = new AbortController();
  const reason = new DOMException("Interrupted", "AbortError");
  await assert.rejects(
    pairApMode(SETTINGS, {
      ...FAST,
      device: second.local,
      broadcast: null,
      signal: stop.signal,
      onStep: (step) => {
        if (step.name === "ssid" && step.status === "done") stop.abort(reason);
      },
    }),
    (error) => error === reason,
  );
  assert.equal(second.state.ssid, "home");
  assert.equal(second.state.mode, "AP", "stopped before AT+WMODE");
  assert.equal(reboots, 0);
});
