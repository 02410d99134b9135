import assert from "node:assert/strict";
import { listenUdp } from "../../lib/transport/mod.ts";
import { PortInUseError, S20Client } from "../../mod.ts";
import { childEnv } from "../helpers/child_env.ts";

Deno.test("listenUdp() copies each datagram out of the receive buffer", async () => {
  const a = listenUdp({ hostname: "127.0.0.1", port: 0 });
  const b = listenUdp({ hostname: "127.0.0.1", port: 0 });
  await a.send(new Uint8Array([1, 2, 3]), b.local);
  await a.send(new Uint8Array([9]), b.local);
  const got: Uint8Array[] = [];
  for await (const d of b) {
    got.push(d.data);
    assert.deepEqual(d.from, a.local);
    if (got.length === 2) break;
  }
  assert.deepEqual(got, [new Uint8Array([1, 2, 3]), new Uint8Array([9])]);
  a.close();
  b.close();
});

Deno.test("closing a transport ends its iteration quietly", async () => {
  const t = listenUdp({ hostname: "127.0.0.1", port: 0 });
  const loop = (async () => {
    for await (const _ of t) { /* nothing arrives */ }
    return "ended";
  })();
  setTimeout(() => t.close(), 20);
  assert.equal(await loop, "ended");
  t.close(); // twice is harmless
});

Deno.test("a port already taken gives PortInUseError explaining what to do", () => {
  const holder = listenUdp({ hostname: "127.0.46.2", port: 10000 });
  try {
    assert.throws(
      () => listenUdp({ hostname: "127.0.46.2", port: 10000 }),
      (e: unknown) =>
        e instanceof PortInUseError && e.code === "PORT_IN_USE" && e.port === 10000 &&
        /another program owns the port/.test(e.message) && /ss -ulpn/.test(e.message),
    );
    // Linux also refuses a wildcard bind of the port an emulator holds on loopback.
    assert.throws(() => listenUdp({ hostname: "0.0.0.0", port: 10000 }), PortInUseError);
  } finally {
    holder.close();
  }
});

Deno.test("a client binds 127.0.0.1 when every target is on loopback", async () => {
  await using client = new S20Client({ targets: ["127.0.47.2", "127.0.47.3:10001"], port: 0 });
  assert.equal(client.local.hostname, "127.0.0.1");
  await using wide = new S20Client({ targets: ["192.0.2.7"], port: 0 });
  assert.equal(wide.local.hostname, "0.0.0.0");
});

Deno.test("without --unstable-net the error says how to enable UDP", async () => {
  const script = `import { listenUdp } from ${
    JSON.stringify(new URL("../../lib/transport/mod.ts", import.meta.url).href)
  };
try { listenUdp({ port: 0 }); } catch (e) { console.log(e.name + ": " + e.message); }`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--allow-all", "-"],
    env: childEnv(),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = out.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const { stdout, stderr } = await out.output();
  const text = new TextDecoder().decode(stdout);
  assert.match(
    text,
    /UnsupportedRuntimeError: .*Run with --unstable-net/,
    new TextDecoder().decode(stderr),
  );
});
