/**
 * Issue 13, point 7: checking a schedule file never blocks the daemon. A reload of a large file
 * (a second or more of parsing and checking) runs in a worker, and the API keeps answering
 * meanwhile; before, the check ran on the event loop and nothing was answered until it ended.
 * Emulated sockets on 127.0.111.2–4.
 */
import assert from "node:assert/strict";
import { emulators } from "../helpers/cli_run.ts";
import { Http, startScheduleDaemon, until } from "../helpers/daemon.ts";
import { largeSchedule } from "../../scripts/_hostile_files.ts";

const SCHEDULE = `
timezone: UTC
sockets:
  lamp: { ip: 127.0.111.2 }
rules:
  - { sockets: lamp, at: "07:30", action: on }
`;

Deno.test("the daemon's API answers while a reload checks a large file", async () => {
  await using _sockets = await emulators(111);
  await using daemon = await startScheduleDaemon(SCHEDULE, [
    "--target",
    "127.0.111.0/29",
    "--timeout",
    "2000",
  ]);
  const file = daemon.file;
  using http = new Http({ socket: daemon.socket });
  await until(() => daemon.io.out.includes("synced"), "the first sync");

  // 1000 rules, every one checked; the last names an unknown socket, so the file is refused
  // after a full check and the running schedule stays.
  await Deno.writeTextFile(
    file,
    largeSchedule(999, 40, "127.0.111.2") + "  - {sockets: nowhere, at: '23:59', action: off}\n",
  );
  let reloaded = false;
  const reload = http.request("POST", "/v1/schedule/reload").finally(() => reloaded = true);
  let answered = 0;
  for (let i = 0; i < 10_000 && !reloaded; i++) {
    const health = await http.request("GET", "/v1/health");
    assert.equal(health.status, 200);
    if (!reloaded) answered++;
  }
  const result = await reload;
  assert.equal(result.status, 422);
  assert.equal(result.json.error.code, "SCHEDULE_INVALID");
  assert.match(daemon.io.out, /unknown socket 'nowhere'/);
  assert.ok(answered >= 3, `the API answered ${answered} requests during the reload`);
  const status = await http.request("GET", "/v1/schedule");
  assert.equal(status.json.timezone, "UTC", "the old schedule keeps running");
  assert.equal(await daemon.stop(), 0, daemon.io.err);
});
