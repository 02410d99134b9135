/** `s20 web passwd`, `s20 web url`, and the `--web` flag of the daemons. */
import assert from "node:assert/strict";
import { run } from "../helpers/cli_run.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { readPasswordFile, verifyPassword } from "../../lib/web/password.ts";

Deno.test("s20 web passwd stores a salted hash, readable only by its owner, never the password", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/config/s20/web-password`;
  const set = await run(["web", "passwd", "--password-stdin", "--password-file", file], {
    stdin: "a long enough secret\n",
  });
  assert.equal(set.code, 0, set.err);
  const stored = readPasswordFile(file);
  assert.ok(stored);
  assert.ok(!(await Deno.readTextFile(file)).includes("secret"));
  assert.equal(await verifyPassword("a long enough secret", stored), true);
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  const short = await run(["web", "passwd", "--password-stdin", "--password-file", file], {
    stdin: "short",
  });
  assert.equal(short.code, 2);
  assert.match(short.err, /at least 8 characters/);
});

Deno.test("s20 serve --web prints the page's link, s20 web url prints it again; off loopback it needs a password", async () => {
  await using dir = await tempDir();
  const flags = ["--port", "0", "--token-file", `${dir.path}/daemon.token`];
  const noPassword = await run(["serve", "--listen", "192.0.2.1:0", "--web", ...flags], {
    env: { HOME: dir.path },
  });
  assert.notEqual(noPassword.code, 0);
  assert.match(noPassword.err, /s20 web passwd/);
  const noWeb = await run(["serve", "--listen", "192.0.2.1:0", ...flags]);
  assert.equal(noWeb.code, 2, "without --web the API stays on loopback");

  await using daemon = await startDaemon(["serve", "--listen", "127.0.0.1:0", "--web", ...flags]);
  const link = /Web page: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/.exec(daemon.io.err)
    ?.[1] ?? JSON.parse(daemon.io.out).api.web;
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  const url = await run(["web", "url"], { env: { S20_DAEMON: daemon.socket } });
  assert.equal(url.code, 0, url.err);
  assert.equal(url.out.trim(), link);
});
