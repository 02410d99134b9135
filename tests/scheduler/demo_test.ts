/** `deno task demo` plays the example schedule's day and names every event. */
import assert from "node:assert/strict";
import { childEnv } from "../helpers/child_env.ts";

Deno.test("the demo plays a whole day and its output names each event and every socket", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-env",
      "--allow-sys",
      "scripts/demo.ts",
      "--speed",
      "12000",
    ],
    cwd: new URL("../..", import.meta.url).pathname,
    env: childEnv(),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  // Start-up: every socket's clock and zone set, timers written and verified.
  for (const socket of ["porch", "hall", "desk", "tree", "heater"]) {
    assert.match(out, new RegExp(`clock-set  ${socket}: clock was unset; set`));
    assert.match(out, new RegExp(`synced     ${socket}: timers \\+\\d+ .*verified`));
  }
  // The day: the sunset event, the windows, the random rule, the device timer, the host rule.
  assert.match(out, /porch\s+on\s+\(the socket's own timer\)/); // Porch on, sunset-30m
  assert.match(out, /tree\s+on\s+\(the socket's own timer\)/); // Christmas tree window
  assert.match(out, /hall\s+on\s+\(the socket's own timer\)/); // Hall mornings, Away lights
  assert.match(out, /porch\s+off\s+\(the socket's own timer\)/); // Porch off 23:30, weekly
  assert.match(out, /fired\s+desk off \(Month end, host/); // cron, host-side
  // The timeline names every socket with its switches.
  assert.match(out, /Timeline of 2026-12-25/);
  for (const socket of ["porch", "hall", "desk", "tree", "heater"]) {
    assert.match(out, new RegExp(`^  ${socket}\\s+[█▒·]{48}$`, "m"));
  }
  assert.match(out, /15:2\d on \(timer\), 23:30 off \(timer\)/);
});
