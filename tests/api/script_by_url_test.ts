/**
 * A user's script that imports `mod.ts` by URL, without this project's `deno.json` (so no
 * import map), finds the running daemon with `connect()` and switches a socket through it.
 */
import assert from "node:assert/strict";
import { emulators } from "../helpers/cli_run.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { childEnv } from "../helpers/child_env.ts";

Deno.test("a script importing mod.ts by URL goes through the daemon with connect()", async () => {
  await using sockets = await emulators(110);
  await using daemon = await startDaemon(["serve", "--port", "0"]);
  const script = `
import { connect } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
await using sockets = await connect();
const lamp = sockets.socket("127.0.110.2");
console.log(JSON.stringify({ route: sockets.constructor.name, on: await lamp.on() }));
`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--unstable-net", "--allow-all", "-"],
    env: childEnv({ S20_DAEMON: daemon.socket }),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), {
    route: "DaemonClient",
    on: true,
  });
  assert.equal(sockets[0]!.device.on, true);
});
