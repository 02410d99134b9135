/**
 * `s20 schedule run` owns the sockets and serves the API while its schedule runs: the CLI
 * (in-process, and as separate processes at once), and a library script work through it at
 * the same time, and the schedule endpoints and log stream show the daemon at work. Emulated
 * sockets on 127.0.101.2–4; the schedule has the first two.
 */
import assert from "node:assert/strict";
import { connect } from "../../lib/api/connect.ts";
import { DaemonClient } from "../../lib/api/daemon_client.ts";
import type { S20Event } from "../../lib/client/events.ts";
import { emulators, run } from "../helpers/cli_run.ts";
import { Http, s20Process, startScheduleDaemon, until } from "../helpers/daemon.ts";

const NET = ["--target", "127.0.101.0/29", "--timeout", "2000"];

const SCHEDULE = `
timezone: Europe/London
location: { latitude: 51.5, longitude: -0.12 }
sockets:
  lamp: { ip: 127.0.101.2 }
  fan: { ip: 127.0.101.3 }
rules:
  - { name: Wake, sockets: lamp, at: "07:30", action: on, days: mon-fri }
  - { name: Dusk, sockets: [lamp, fan], at: sunset, action: on }
`;

/** What a script written against the library does, while everything else goes on. */
async function libraryScript(env: Record<string, string>): Promise<S20Event[]> {
  await using controller = await connect({ env: (name) => env[name] });
  assert.ok(controller instanceof DaemonClient, "a running daemon is found and used");
  const spare = controller.socket("127.0.101.4");
  const events = controller.events({ keepAlive: [spare] });
  const seen: S20Event[] = [];
  const info = await controller.socket("127.0.101.2").info();
  assert.equal(info.remotePassword, "");
  await spare.setAutoOff(600);
  assert.equal(await spare.autoOff(), 600);
  // Its button, pressed once auto-off is set, switches it on: a push the daemon passes on.
  for await (const event of events) {
    seen.push(event);
    if (event.type === "state" && event.mac === spare.mac && event.on) break;
  }
  await events.return?.();
  return seen;
}

Deno.test("the CLI, other processes and a script work through 's20 schedule run' as it runs", async () => {
  await using sockets = await emulators(101);
  await using daemon = await startScheduleDaemon(SCHEDULE, ["--log-format", "json"]);
  const file = daemon.file;
  const env = { S20_DAEMON: daemon.socket };

  // At once, while the daemon makes its first sync of the schedule's sockets. The processes
  // are given no --port: routed through the daemon, neither binds UDP port 10000.
  const [status, on, script, first, second] = await Promise.all([
    run(["status", "127.0.101.2", "127.0.101.3", "--port", "0", ...NET, "--json"], { env }),
    run(["on", "127.0.101.2", "--port", "0", ...NET], { env }),
    libraryScript(env),
    s20Process(["status", "127.0.101.2", "127.0.101.3", ...NET, "--json"], env),
    s20Process(["timers", "list", "127.0.101.2", ...NET, "--json"], env),
    until(() => sockets[2]!.device.socketData.autoOffSeconds === 600, "auto-off set").then(() =>
      sockets[2]!.device.pressButton()
    ),
  ]);
  assert.equal(status.code, 0, status.err);
  assert.deepEqual(JSON.parse(status.out).map((s: { ip: string }) => s.ip), [
    "127.0.101.2",
    "127.0.101.3",
  ]);
  assert.equal(on.code, 0, on.err);
  assert.match(on.out, /127\.0\.101\.2 \(ac:cf:23:00:65:02\): on/);
  assert.deepEqual(
    script.filter((e) => e.type === "state" && e.mac === sockets[2]!.mac).map((e) =>
      e.type === "state" && e.on
    ),
    [false, true],
    "the state once known, then the press",
  );
  assert.equal(first.code, 0, first.err);
  assert.equal(JSON.parse(first.out).length, 2);
  assert.equal(second.code, 0, second.err);
  assert.equal(JSON.parse(second.out).target, "127.0.101.2");

  // The schedule ran all along: both sockets synced and verified.
  const synced = () =>
    daemon.io.out.split("\n").filter((l) =>
      l.includes('"kind":"synced"') && l.includes("verified")
    );
  await until(() => synced().length >= 2, "the daemon's sync");
  // The emulated lamp started empty: it holds exactly what the sync added (one weekly record
  // and the sunsets in the horizon, 7 or 8 depending on the hour the test runs).
  const lampSync = synced().find((l) => l.includes('"socket":"lamp"'));
  const added = Number(/timers \+(\d+) ~0 -0 =0/.exec(lampSync ?? "")?.[1]);
  assert.ok(added === 7 || added === 8, lampSync);
  assert.equal(sockets[0]!.device.timers.length, added);

  using http = new Http({ socket: daemon.socket });
  const health = await http.request("GET", "/v1/health");
  assert.equal(health.json.mode, "schedule");
  const schedule = await http.request("GET", "/v1/schedule?next=3");
  assert.equal(schedule.status, 200);
  assert.equal(schedule.json.file, file);
  assert.equal(schedule.json.timezone, "Europe/London");
  assert.deepEqual(schedule.json.lastSync.sockets.map((s: { socket: string }) => s.socket), [
    "lamp",
    "fan",
  ]);
  assert.ok(schedule.json.lastSync.sockets.every((s: { verified: boolean }) => s.verified));
  assert.equal(schedule.json.nextEvents.length, 3);
  assert.equal(schedule.json.lastSync.plan, undefined, "the status leaves the plan out");
  const plan = await http.request("GET", "/v1/schedule/plan?days=1&from=2026-12-23");
  assert.equal(plan.json.events[0].at, "2026-12-23T07:30:00Z");
  assert.equal(plan.json.events[0].local, "2026-12-23T07:30:00+00:00");
  assert.equal((await http.request("GET", "/v1/schedule/plan?from=23/12/2026")).status, 400);

  // Reloads through the API appear on the event stream, as the daemon's log does.
  await using client = new DaemonClient({ path: daemon.socket });
  const logs = client.logs();
  assert.equal(await client.reloadSchedule(), true);
  // Other entries (a socket's state) may come first; the reload's 'loaded' follows.
  let entry = await logs.next();
  for (let i = 0; i < 20 && !entry.done && entry.value.kind !== "loaded"; i++) {
    entry = await logs.next();
  }
  assert.equal(entry.value?.kind, "loaded");
  assert.ok(entry.value.at instanceof Date);
  await logs.return?.();
  await Deno.writeTextFile(file, "rules: [");
  const broken = await http.request("POST", "/v1/schedule/reload");
  assert.equal(broken.status, 422);
  assert.equal(broken.json.error.code, "SCHEDULE_INVALID");

  assert.equal(await daemon.stop(), 0, daemon.io.err);
  assert.throws(() => Deno.lstatSync(daemon.socket), Deno.errors.NotFound, "socket removed");
});
