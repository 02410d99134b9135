// deno-lint-ignore-file no-console
/**
 * A daemon for the flood tests, run as a child (under `ulimit -n`): the API on a Unix socket
 * and loopback TCP, with the connection limits given as JSON in argument 2. With `--crowd` it
 * then opens descriptors until the process has none left but `SPARE`, so that accepting a
 * connection fails with "Too many open files" whatever the cap. Prints one JSON line
 * `{socket, url, tokenFile}` when serving; stops on SIGTERM.
 *
 *   deno run -A tests/helpers/crowded_daemon.ts DIR '{"maxConnections":1000}' [--crowd SPARE]
 */
import { startApiServer } from "../../lib/api/server.ts";
import { S20Client } from "../../lib/client/client.ts";

const [dir, limits, flag, spare] = Deno.args;
const client = new S20Client({ hostname: "127.0.0.1", port: 0 });
const api = await startApiServer({
  controller: client,
  socket: `${dir}/daemon.sock`,
  listen: { hostname: "127.0.0.1", port: 0 },
  tokenFile: `${dir}/daemon.token`,
  limits: JSON.parse(limits ?? "{}"),
});
const held: Deno.FsFile[] = [];
if (flag === "--crowd") {
  try {
    while (true) held.push(Deno.openSync("/dev/null"));
  } catch {
    // Out of descriptors, as wanted.
  }
  for (let i = 0; i < Number(spare); i++) held.pop()?.close();
}
console.log(JSON.stringify({ socket: api.socket, url: api.url, tokenFile: api.tokenFile }));
const stop = Promise.withResolvers<void>();
Deno.addSignalListener("SIGTERM", () => stop.resolve());
await stop.promise;
for (const file of held) file.close();
await api.close();
await client.close();
