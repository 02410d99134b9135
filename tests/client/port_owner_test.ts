import assert from "node:assert/strict";
import { findUdpPortOwners } from "../../lib/transport/port_owner.ts";
import { parsePsArgs, parseSsSockets } from "../../lib/transport/port_owner_ss.ts";

Deno.test("ss lines give each socket's address and processes; a hidden process has no pid", () => {
  const text = [
    'UNCONN 0      0       127.0.81.2:10000 0.0.0.0:* users:(("deno",pid=10823,fd=22))',
    'UNCONN 0      0          0.0.0.0:10000 0.0.0.0:* users:(("python3",pid=7,fd=3),("python3",pid=8,fd=3))',
    "UNCONN 0      0             [::]:10000    [::]:*",
    'UNCONN 0      0    127.0.0.1%lo:10000 0.0.0.0:* users:(("my \\"tool\\"",pid=9,fd=4),("my \\"tool\\"",pid=9,fd=5))',
    "",
  ].join("\n");
  assert.deepEqual(parseSsSockets(text), [
    { pid: 10823, command: "deno", address: "127.0.81.2" },
    { pid: 7, command: "python3", address: "0.0.0.0" },
    { pid: 8, command: "python3", address: "0.0.0.0" },
    { pid: null, command: null, address: "::" },
    { pid: 9, command: 'my \\"tool\\"', address: "127.0.0.1" },
  ]);
});

Deno.test("ps lines give command lines by pid", () => {
  const commands = parsePsArgs(
    "  10823 deno run -A scripts/s20.ts emulate --json\n    7 python3 orvibo.py\n",
  );
  assert.equal(commands.get(10823), "deno run -A scripts/s20.ts emulate --json");
  assert.equal(commands.get(7), "python3 orvibo.py");
  assert.equal(commands.size, 2);
});

Deno.test("findUdpPortOwners names this process, and keeps only sockets that stop the bind", async () => {
  const mine = Deno.listenDatagram({ transport: "udp", hostname: "127.0.188.1", port: 10000 });
  const other = Deno.listenDatagram({ transport: "udp", hostname: "127.0.188.2", port: 10000 });
  try {
    // The tests run with --allow-all, under which Deno reads /proc.
    const search = await findUdpPortOwners(10000, { hostname: "127.0.188.1" });
    assert.equal(search.source, "proc");
    assert.equal(search.needs, null);
    // Other test files may hold the port on other addresses, or on every address.
    const ours = search.owners.filter((o) => o.address.startsWith("127.0.188."));
    assert.deepEqual(ours.map((o) => [o.pid, o.address]), [[Deno.pid, "127.0.188.1"]]);
    assert.match(ours[0]!.command ?? "", /deno/);
    const every = await findUdpPortOwners(10000);
    assert.ok(every.owners.some((o) => o.address === "127.0.188.2" && o.pid === Deno.pid));
  } finally {
    mine.close();
    other.close();
  }
});
