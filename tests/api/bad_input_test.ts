/**
 * The API's answers for bad input and slow sockets: 4xx with the CLI's error codes, 504 for
 * what cannot be served in time, and never a secret echoed. The daemon here is the library's
 * `startApiServer` over an `S20Client`, against emulated sockets on 127.0.102.x.
 */
import assert from "node:assert/strict";
import { S20Client } from "../../lib/client/client.ts";
import { DeviceNotFoundError, DeviceTimeoutError, S20Error } from "../../lib/errors.ts";
import { startEmulator } from "../../lib/emulator/emulator.ts";
import { startApiServer } from "../../lib/api/server.ts";
import { DaemonClient } from "../../lib/api/daemon_client.ts";
import { emulators } from "../helpers/cli_run.ts";
import { Http, tempDir } from "../helpers/daemon.ts";

async function serving(block: number) {
  const dir = await tempDir();
  const client = new S20Client({ hostname: "127.0.0.1", port: 0, timeout: 1000 });
  const api = await startApiServer({
    controller: client,
    socket: `${dir.path}/daemon.sock`,
    timeout: 1000,
    onError: (error) => {
      throw error;
    },
  });
  const http = new Http({ socket: api.socket! });
  return {
    api,
    http,
    client,
    mac: (i: number) => `ac:cf:23:00:${block.toString(16)}:0${i}`,
    async [Symbol.asyncDispose]() {
      http[Symbol.dispose]();
      await api.close();
      await client.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

Deno.test("the API refuses bad input with 4xx and the CLI's error codes", async () => {
  await using _sockets = await emulators(102);
  await using d = await serving(102);
  const { http } = d;
  const lamp = `/v1/sockets/${encodeURIComponent(`${d.mac(2)}@127.0.102.2`)}`;

  const badMac = await http.request("GET", "/v1/sockets/zz:zz:zz/state");
  assert.equal(badMac.status, 400);
  assert.equal(badMac.json.error.code, "INVALID_VALUE");
  assert.match(badMac.json.error.message, /expected a MAC/);

  const nobody = await http.request("GET", "/v1/sockets/127.0.102.9/state?timeout=300");
  assert.equal(nobody.status, 404);
  assert.equal(nobody.json.error.code, "DEVICE_NOT_FOUND");
  assert.equal(nobody.json.error.target, "127.0.102.9:10000");

  const unknownMac = await http.request(
    "GET",
    `/v1/sockets/ac:cf:23:00:66:09/state?timeout=300&via=127.0.102.0/29`,
  );
  assert.equal(unknownMac.status, 404);
  assert.equal(unknownMac.json.error.target, "ac:cf:23:00:66:09");

  const range = await http.request("POST", `${lamp}/autooff`, { body: { seconds: 70000 } });
  assert.equal(range.status, 400);
  assert.equal(range.json.error.code, "INVALID_VALUE");
  assert.equal(range.json.error.name, "RangeError");
  assert.equal(
    (await http.request("POST", `${lamp}/countdown`, { body: { seconds: 0 } })).status,
    400,
  );
  const icon = await http.request("POST", `${lamp}/icon`, { body: { icon: "toaster" } });
  assert.equal(icon.status, 400);
  assert.match(icon.json.error.message, /use 0–5/);

  const wrongType = await http.request("POST", `${lamp}/power`, { body: { on: "yes" } });
  assert.equal(wrongType.status, 400);
  assert.equal(wrongType.json.error.message, "'on' must be true or false");
  const missing = await http.request("POST", `${lamp}/rename`, { body: {} });
  assert.equal(missing.status, 400);
  assert.equal((await http.request("POST", `${lamp}/power`, { body: [true] })).status, 400);

  // Bad JSON: the parser's message would quote the input, which may be a password.
  const badJson = await http.request("POST", `${lamp}/remote-password`, {
    raw: '{"password": "hunter2secret" oops',
  });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.json.error.code, "USAGE");
  assert.doesNotMatch(badJson.text, /hunter2/);
  const longPassword = await http.request("POST", `${lamp}/remote-password`, {
    body: { password: "hunter2-is-far-too-long" },
  });
  assert.equal(longPassword.status, 400);
  assert.doesNotMatch(longPassword.text, /hunter2/);

  const tooBig = await http.request("POST", `${lamp}/rename`, {
    raw: JSON.stringify({ name: "x".repeat(70_000) }),
  });
  assert.equal(tooBig.status, 413);

  for (const path of ["/v1/nope", "/v2/health", `${lamp}/nope`, "/"]) {
    const answer = await http.request("GET", path);
    assert.equal(answer.status, 404, path);
    assert.equal(answer.json.error.code, "NOT_FOUND", path);
  }
  const method = await http.request("DELETE", `${lamp}/state`);
  assert.equal(method.status, 405);
  assert.equal(method.headers.get("allow"), "GET");
  assert.equal((await http.request("DELETE", `${lamp}/timers/70000`)).status, 400);
  assert.equal((await http.request("GET", `${lamp}/state?timeout=soon`)).status, 400);
  assert.equal((await http.request("GET", `/v1/discover?target=10.0.0.0/8`)).status, 400);
  assert.equal((await http.request("GET", `/v1/events?source=radio`)).status, 400);

  const schedule = await http.request("GET", "/v1/schedule");
  assert.equal(schedule.status, 404);
  assert.equal(schedule.json.error.code, "NO_SCHEDULE");
  assert.equal((await http.request("POST", "/v1/schedule/reload")).status, 404);

  const index = await http.request("GET", "/v1");
  assert.ok(index.json.endpoints.includes("GET /v1/sockets/{target}/state"));
  const health = await http.request("GET", "/v1/health");
  assert.equal(health.json.mode, "serve");
  // A good request still works after all that.
  const state = await http.request("GET", `${lamp}/state`);
  assert.equal(state.status, 200, state.text);
  assert.deepEqual(state.json.socket.mac, d.mac(2));
});

Deno.test("a rejected 10 KB value comes back cut, with its length, not whole", async () => {
  await using _sockets = await emulators(102);
  await using d = await serving(102);
  const lamp = `/v1/sockets/${encodeURIComponent(`${d.mac(2)}@127.0.102.2`)}`;
  const long = "n".repeat(10_240);
  const checks: [string, string, Record<string, unknown> | undefined, RegExp, number][] = [
    ["POST", `${lamp}/rename`, { name: long }, /Cannot rename to "n+…" \(10240 characters\)/, 400],
    ["POST", `${lamp}/icon`, { icon: long }, /Cannot set icon "n+…" \(10240 characters\)/, 400],
    [
      "POST",
      `${lamp}/timers`,
      { on: true, time: long },
      /timer time "n+…" \(10240 characters\)/,
      400,
    ],
    ["POST", `${lamp}/timezone`, { zone: long }, /time zone "n+…" \(10240 characters\)/, 400],
    // A long name is looked up like any name (the daemon knows names), and is not found.
    ["GET", `/v1/sockets/${long}/state`, undefined, /"n+…" \(10240 characters\)/, 404],
  ];
  for (const [method, path, body, message, status] of checks) {
    const answer = await d.http.request(method, path, body ? { body } : {});
    assert.equal(
      answer.status,
      status,
      `${method} ${path.slice(0, 40)}: ${answer.text.slice(0, 200)}`,
    );
    assert.match(answer.json.error.message, message);
    assert.ok(answer.text.length < 1000, `${answer.text.length} bytes came back`);
  }
});

Deno.test("a request that cannot be served in time gets a 504 that says why", async () => {
  await using deaf = await startEmulator({
    hostname: "127.0.102.6",
    port: 10000,
    replyTo: "source",
    mac: "ac:cf:23:00:66:06",
    faults: { seed: 1, requestLoss: 1 },
  });
  await using d = await serving(102);
  const target = `/v1/sockets/${encodeURIComponent(`${deaf.mac}@127.0.102.6`)}`;

  const device = await d.http.request("GET", `${target}/state?timeout=300`);
  assert.equal(device.status, 504);
  assert.equal(device.json.error.code, "DEVICE_TIMEOUT");
  assert.equal(device.json.error.mac, deaf.mac);
  assert.equal(device.json.error.command, "cl");
  assert.ok(device.json.error.attempts >= 1);

  const started = performance.now();
  const deadline = await d.http.request("POST", `${target}/power?timeout=5000`, {
    body: { on: true },
    headers: { "x-s20-deadline": "200" },
  });
  assert.ok(performance.now() - started < 2000, "answered at the deadline, not the timeout");
  assert.equal(deadline.status, 504);
  assert.equal(deadline.json.error.code, "REQUEST_TIMEOUT");
  assert.match(deadline.json.error.message, /could not serve POST .* within 200 ms/);

  // Through the client, the same errors a direct client throws.
  await using daemon = new DaemonClient({ path: d.api.socket!, timeout: 300 });
  const error = await daemon.socket(`${deaf.mac}@127.0.102.6`).state().catch((e) => e);
  assert.ok(error instanceof DeviceTimeoutError);
  assert.equal(error.mac, deaf.mac);
  assert.equal(error.command, "cl");
});

Deno.test("DaemonClient gives back the client's types and errors, never the remote password", async () => {
  await using sockets = await emulators(103);
  await using d = await serving(103);
  await using daemon = new DaemonClient({ path: d.api.socket!, timeout: 1000 });
  const lamp = daemon.socket("127.0.103.2");
  assert.equal(lamp.mac, null);
  assert.equal(await lamp.on(), true);
  assert.equal(lamp.mac, sockets[0]!.mac, "learns the MAC, as a direct handle does");
  assert.equal(lamp.address?.hostname, "127.0.103.2");

  await lamp.setRemotePassword("s3cret");
  assert.equal(sockets[0]!.device.socketData.remotePassword, "s3cret");
  const info = await lamp.info();
  assert.ok(info.raw instanceof Uint8Array);
  assert.equal(info.remotePassword, "");
  assert.equal(new TextDecoder().decode(info.raw.subarray(28, 40)), " ".repeat(12));
  assert.equal(info.mac, sockets[0]!.mac);
  const renamed = await lamp.rename("Desk lamp");
  assert.equal(renamed.name, "Desk lamp");
  assert.equal(sockets[0]!.device.socketData.remotePassword, "s3cret", "a rename keeps it");
  const { text } = await d.http.request("GET", `/v1/sockets/127.0.103.2/info`);
  assert.doesNotMatch(text, /s3cret|733363726574/);

  const timer = await lamp.addTimer({ on: true, time: "07:30", days: ["mon"], id: 9 });
  assert.ok(timer.label instanceof Uint8Array);
  assert.deepEqual((await lamp.timers()).map((t) => t.id), [9]);
  const changed = await lamp.updateTimer(9, { on: false, time: "08:00", days: ["tue"] });
  assert.equal(changed.hour, 8);
  assert.deepEqual(await lamp.putTimer({ ...changed, minute: 5 }), { ...changed, minute: 5 });
  assert.equal(await lamp.clearTimers(), 1);
  const clock = await lamp.clock();
  assert.ok(clock.time instanceof Date);
  assert.deepEqual(await lamp.setCountdown(60, { action: "on" }), { action: "on", seconds: 60 });
  await lamp.cancelCountdown();
  assert.equal(await lamp.countdown(), null);
  assert.equal((await lamp.setAutoOff(90)).autoOffSeconds, 90);
  assert.equal(await lamp.autoOff(), 90);
  assert.equal((await lamp.setTimeZone(60)).timeZone, 1);
  assert.equal((await lamp.lock()).discoverable, false);
  assert.equal((await lamp.unlock()).discoverable, true);

  await assert.rejects(lamp.rename("x".repeat(20)), RangeError);
  await assert.rejects(lamp.setIcon("toaster" as "fan"), RangeError);
  await assert.rejects(lamp.addTimer({ on: true, time: "25:00", days: ["mon"] }), TypeError);
  const missing = await daemon.socket("127.0.103.9").state({ timeout: 300 }).catch((e) => e);
  assert.ok(missing instanceof DeviceNotFoundError);
  assert.equal(missing.target, "127.0.103.9:10000");
  assert.throws(() => daemon.socket("nonsense"), TypeError);

  const found = await Array.fromAsync(
    daemon.discover({ targets: ["127.0.103.0/29"], timeout: 500 }),
  );
  assert.deepEqual(found.map((s) => s.mac).sort(), sockets.map((s) => s.mac).sort());
  assert.ok(found.every((s) => s.clock === null || s.clock instanceof Date));
  const health = await daemon.health();
  assert.equal(health.api, 1);
  await assert.rejects(
    daemon.scheduleStatus(),
    (e) => e instanceof S20Error && e.code === "NO_SCHEDULE",
  );
});

Deno.test("every endpoint GET /v1 lists is routed: none answers 404 NOT_FOUND or 405", async () => {
  await using d = await serving(103);
  const { endpoints } = (await d.http.request("GET", "/v1")).json as { endpoints: string[] };
  assert.ok(endpoints.length >= 20, endpoints.join("\n"));
  for (const endpoint of endpoints) {
    const [methods, path] = endpoint.split(" ") as [string, string];
    const concrete = path.split("?")[0]!.replace("{target}", "127.0.103.9").replace("{id}", "1");
    for (const method of methods.split("|")) {
      const where = `${method} ${concrete}`;
      if (concrete === "/v1/events") {
        const stream = await d.http.open(concrete);
        assert.equal(stream.status, 200, where);
        await stream.body?.cancel();
        continue;
      }
      const answer = await d.http.request(method, `${concrete}?timeout=1`, {
        ...(method === "GET" || method === "DELETE" ? {} : { body: {} }),
      });
      assert.notEqual(answer.status, 405, where);
      assert.notEqual(answer.json?.error?.code, "NOT_FOUND", `${where}: ${answer.text}`);
    }
  }
});
