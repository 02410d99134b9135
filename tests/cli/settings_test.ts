import assert from "node:assert/strict";
import { emulators, run } from "../helpers/cli_run.ts";

const NET = ["--port", "0"];

Deno.test("s20 info/rename/icon/timezone/lock/unlock/autooff change only what they say", async () => {
  await using sockets = await emulators(74);
  const device = sockets[0]!.device;
  const ip = "127.0.74.2";
  const info = await run(["info", ip, ...NET]);
  assert.equal(info.code, 0, info.err);
  assert.match(info.out, /name\s+\(never set\)/);
  assert.match(info.out, /time zone\s+UTC\+08:00/);
  const infoJson = JSON.parse((await run(["info", ip, ...NET, "--json"])).out);
  assert.equal(infoJson.mac, sockets[0]!.mac);
  assert.equal(infoJson.remotePassword, undefined, "the remote password is never printed");
  assert.equal(typeof infoJson.raw, "string");

  assert.equal((await run(["rename", ip, "Hall light", ...NET])).code, 0);
  assert.equal(device.socketData.name, "Hall light");
  assert.equal((await run(["icon", ip, "fan", ...NET])).code, 0);
  assert.equal(device.socketData.icon, 1);
  const bad = await run(["icon", ip, "toaster", ...NET]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown icon 'toaster'/);

  const tz = await run(["timezone", ip, "+05:30", ...NET]);
  assert.equal(tz.code, 0, tz.err);
  assert.match(tz.out, /UTC\+05:30/);
  const nepal = await run(["timezone", ip, "Asia/Kathmandu", ...NET]);
  assert.equal(nepal.code, 2);
  assert.match(nepal.err, /quarter-hour zones/);
  const dst = await run(["timezone", ip, "+1", "--dst", ...NET, "--json"]);
  assert.equal(JSON.parse(dst.out).offsetMinutes, 60);
  assert.equal(device.socketData.dst, true);

  assert.equal((await run(["lock", ip, ...NET])).code, 0);
  assert.equal(device.socketData.discoverable, false);
  // Locked, it no longer answers a probe by IP alone; the error says what to give instead.
  const byIp = await run(["unlock", ip, ...NET, "--timeout", "500"]);
  assert.equal(byIp.code, 3);
  assert.match(byIp.err, /MAC@IP/);
  assert.equal((await run(["unlock", `${sockets[0]!.mac}@${ip}`, ...NET])).code, 0);
  assert.equal(device.socketData.discoverable, true);

  assert.match((await run(["autooff", ip, "15m", ...NET])).out, /auto-off after 15m/);
  assert.equal(device.socketData.autoOffSeconds, 900);
  assert.match((await run(["autooff", ip, ...NET])).out, /after 15m/);
  assert.match((await run(["autooff", ip, "off", ...NET])).out, /auto-off off/);
  assert.equal((await run(["autooff", ip, "soon", ...NET])).code, 2);
});

Deno.test("s20 clock shows the skew and --sync sets it; countdown starts, shows and cancels", async () => {
  await using sockets = await emulators(75, { time: "unset" });
  const ip = "127.0.75.3";
  const unset = await run(["clock", ip, ...NET]);
  assert.match(unset.out, /unset/);
  const synced = await run(["clock", ip, "--sync", ...NET, "--json"]);
  const [entry] = JSON.parse(synced.out);
  assert.ok(Math.abs(entry.skewMs) < 2000 && entry.synced === true);
  assert.ok(sockets[1]!.device.deviceTime !== null);

  assert.match((await run(["countdown", ip, ...NET])).out, /no countdown/);
  assert.match((await run(["countdown", ip, "10m", "--action", "on", ...NET])).out, /on in 10m/);
  const json = JSON.parse((await run(["countdown", ip, ...NET, "--json"])).out);
  assert.equal(json.countdown.action, "on");
  assert.match((await run(["countdown", ip, "cancel", ...NET])).out, /cancelled/);
  assert.equal((await run(["countdown", ip, "5x", ...NET])).code, 2);
  assert.equal((await run(["countdown", ip, "5m", "--action", "up", ...NET])).code, 2);
});

Deno.test("s20 timers list/add/rm/clear manage the socket's own timers", async () => {
  await using sockets = await emulators(76);
  const device = sockets[2]!.device;
  const ip = "127.0.76.4";
  assert.match((await run(["timers", "list", ip, ...NET])).out, /no timers/);
  const add = await run([
    "timers",
    "add",
    ip,
    "--on",
    "07:30",
    "--days",
    "mon-fri",
    ...NET,
    "--json",
  ]);
  assert.equal(add.code, 0, add.err);
  const timer = JSON.parse(add.out).timer;
  assert.deepEqual(timer.days, ["mon", "tue", "wed", "thu", "fri"]);
  assert.equal(
    (await run([
      "timers",
      "add",
      ip,
      "--off",
      "23:00",
      "--date",
      "2026-12-31",
      "--id",
      "77",
      ...NET,
    ])).code,
    0,
  );
  const list = await run(["timers", "list", ip, ...NET]);
  assert.match(list.out, /ID\s+ACTION\s+TIME\s+WHEN/);
  assert.match(list.out, /77\s+off\s+23:00:00\s+once 2026-12-31/);
  assert.equal(device.timers.length, 2);
  assert.equal((await run(["timers", "rm", ip, String(timer.id), ...NET])).code, 0);
  assert.deepEqual(device.timers.map((t) => t.id), [77]);
  assert.match((await run(["timers", "clear", ip, ...NET])).out, /1 timer removed/);
  assert.equal(device.timers.length, 0);
  const both = await run([
    "timers",
    "add",
    ip,
    "--on",
    "07:00",
    "--off",
    "08:00",
    "--days",
    "mon",
    ...NET,
  ]);
  assert.equal(both.code, 2);
  const badDays = await run(["timers", "add", ip, "--on", "07:00", "--days", "funday", ...NET]);
  assert.equal(badDays.code, 2);
  assert.match(badDays.err, /'funday' is not a day/);
});
