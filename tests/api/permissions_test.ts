/** A Deno permission missing for the daemon route is explained, not a stack trace. */
import assert from "node:assert/strict";
import { s20Process } from "../helpers/s20_process.ts";
import { startDaemon } from "../helpers/daemon.ts";

Deno.test("without --allow-write the daemon's socket cannot be used, and s20 says which flags", async () => {
  await using daemon = await startDaemon(["serve", "--port", "0"]);
  const { code, out, err } = await s20Process(
    ["status", "127.0.109.2", "--port", "0", "--json"],
    { S20_DAEMON: daemon.socket },
    ["--allow-net", "--allow-env", "--allow-sys", "--allow-read"],
  );
  assert.equal(code, 1, err);
  const { error } = JSON.parse(out);
  assert.equal(error.code, "PERMISSION");
  assert.match(
    error.message,
    /Requires write access to ".*daemon\.sock"\. Run s20 with --allow-net/,
  );
  assert.doesNotMatch(err, /internal error|\n\s+at /, "no stack trace");
});
