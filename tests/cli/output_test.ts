/** Output speaks the user's language (issue 15.6): names, local times, durations. */
import assert from "node:assert/strict";
import { emulators, run } from "../helpers/cli_run.ts";

const NET = ["--port", "0"];

/** The lines of a command's standard output. */
function lines(text: string): string[] {
  return text.trimEnd().split("\n");
}

Deno.test("durations print as the user wrote them: 1h30m, 1m30s, not seconds", async () => {
  await using sockets = await emulators(163);
  const ip = "127.0.163.2";
  const mac = sockets[0]!.mac;
  const set = await run(["autooff", ip, "1h30m", ...NET]);
  assert.deepEqual(lines(set.out), [`${ip} (${mac}): auto-off after 1h30m`]);
  const read = await run(["autooff", ip, ...NET]);
  assert.deepEqual(lines(read.out), [`${ip} (${mac}): auto-off after 1h30m`]);
  const info = await run(["info", ip, ...NET]);
  assert.match(info.out, /^auto-off +1h30m after switch-on$/m);
  const countdown = await run(["countdown", ip, "90", ...NET]);
  assert.deepEqual(lines(countdown.out), [`${ip} (${mac}): off in 1m30s`]);
});
