import assert from "node:assert/strict";
import { emulators, net, run } from "../helpers/cli_run.ts";
import { isLoopback } from "../../lib/transport/ipv4.ts";

Deno.test("s20 discover lists sockets once each, as a table and as JSON", async () => {
  await using sockets = await emulators(77);
  const human = await run(["discover", ...net(77), "--wait", "400"]);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /MAC\s+ALIAS\s+NAME\s+IP\s+MODEL\s+STATE\s+CLOCK/);
  for (const s of sockets) {
    assert.match(
      human.out,
      new RegExp(`${s.mac}\\s+-\\s+-\\s+${s.address.hostname}\\s+SOC005\\s+off`),
    );
  }
  assert.match(human.err, /3 sockets found/);
  const json = await run(["discover", ...net(77), "--wait", "400", "--json"]);
  const list = JSON.parse(json.out);
  assert.deepEqual(
    list.map((s: { mac: string }) => s.mac).sort(),
    sockets.map((s) => s.mac).sort(),
  );
  assert.ok(list.every((s: { clockSkew: number }) => Math.abs(s.clockSkew) < 2000));
});

Deno.test("s20 discover with no answer exits 3 and points at s20 doctor", async () => {
  const none = await run(["discover", "--port", "0", "--target", "127.0.78.0/30", "--wait", "200"]);
  assert.equal(none.code, 3);
  assert.match(none.err, /s20 doctor/);
  const json = await run([
    "discover",
    "--port",
    "0",
    "--target",
    "127.0.78.0/30",
    "--wait",
    "200",
    "--json",
  ]);
  assert.equal(json.code, 3);
  assert.deepEqual(JSON.parse(json.out), []);
});

Deno.test("s20 watch --json streams one event per line (a button press)", async () => {
  await using sockets = await emulators(79);
  const stop = new AbortController();
  setTimeout(() => sockets[0]!.device.pressButton(), 300);
  setTimeout(() => stop.abort(), 800);
  const { code, out, err } = await run(["watch", "127.0.79.2", "--port", "0", "--json"], {
    signal: stop.signal,
  });
  assert.equal(code, 0, err);
  const events = out.trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(
    events.filter((e) => e.type === "state").map((e) => [e.mac, e.on]),
    [[sockets[0]!.mac, false], [sockets[0]!.mac, true]],
  );
  const human = await run(["watch", "127.0.79.2", "--port", "0", "--for", "200"]);
  assert.match(human.out, /127\.0\.79\.2 \(ac:cf:23:00:4f:02\) on/);
});

const NO_NETWORK =
  "This computer has no IPv4 network besides loopback: connect it to the network the sockets are on.";

/** The interfaces a doctor report lists besides loopback (none in a namespace with only lo). */
function lanOf(report: { interfaces: { name: string; address: string; broadcast: string }[] }) {
  return report.interfaces.filter((i) => !isLoopback(i.address));
}

Deno.test("s20 doctor reports interfaces, the port, and findings as JSON", async () => {
  const { code, out } = await run([
    "doctor",
    "--port",
    "0",
    "--hostname",
    "127.0.0.1",
    "--target",
    "127.0.80.0/30",
    "--wait",
    "200",
    "--json",
  ], { env: { S20_DAEMON: "off" } });
  const report = JSON.parse(out);
  assert.equal(code, report.findings[0].startsWith("All good") ? 0 : 1);
  assert.ok(report.interfaces.some((i: { address: string }) => i.address === "127.0.0.1"));
  assert.equal(report.port.free, true);
  // Nothing answers on 127.0.80.0/30: the one finding says why, for the interfaces there are.
  const lan = lanOf(report);
  assert.equal(report.findings.length, 1, report.findings.join("\n"));
  if (lan.length === 0) assert.equal(report.findings[0], NO_NETWORK);
  else {
    const names = lan.map((i) => `${i.name} (${i.broadcast})`).join(", ");
    assert.ok(report.findings[0].startsWith(`No socket answered a broadcast on ${names}. `));
  }
});

Deno.test("s20 doctor names the program holding the port", async () => {
  const holder = Deno.listenDatagram({ transport: "udp", hostname: "127.0.81.1", port: 10000 });
  try {
    const { out } = await run(["doctor", "--hostname", "127.0.81.1", "--json"], {
      env: { S20_DAEMON: "off" },
    });
    const report = JSON.parse(out);
    assert.equal(report.port.free, false);
    // Other test files may hold port 10000 on other addresses; this process is among them.
    assert.ok(
      report.port.owners.some((o: { pid: number; address: string }) =>
        o.pid === Deno.pid && o.address === "127.0.81.1"
      ),
    );
    // No probe runs while another program has the port: the findings are the missing network
    // (where there is only loopback) and the owner.
    const noNetwork = lanOf(report).length === 0 ? [NO_NETWORK] : [];
    assert.equal(report.findings.length, noNetwork.length + 1, report.findings.join("\n"));
    assert.deepEqual(report.findings.slice(0, -1), noNetwork);
    assert.match(
      report.findings.at(-1),
      new RegExp(`^UDP port 10000 is owned by .*pid ${Deno.pid} \\([^)]*\\) on 127\\.0\\.81\\.1`),
    );
  } finally {
    holder.close();
  }
});

Deno.test("aliases come from the config file and a schedule file", async () => {
  await using sockets = await emulators(82);
  const dir = await Deno.makeTempDir();
  try {
    const config = `${dir}/config.yaml`;
    const schedule = `${dir}/schedule.yaml`;
    await Deno.writeTextFile(
      config,
      `sockets:\n  desk: { mac: "${sockets[0]!.mac}", ip: 127.0.82.2 }\n  hall: 127.0.82.3\n`,
    );
    await Deno.writeTextFile(
      schedule,
      `timezone: UTC\nsockets:\n  porch: { ip: 127.0.82.4 }\nrules:\n  - sockets: porch\n    at: "07:00"\n    action: on\n`,
    );
    const env = { S20_CONFIG: config };
    assert.equal((await run(["on", "desk", "hall", "--port", "0"], { env })).code, 0);
    assert.ok(sockets[0]!.device.on && sockets[1]!.device.on);
    const porch = await run(["on", "porch", "--port", "0", "--schedule", schedule], { env });
    assert.equal(porch.code, 0, porch.err);
    assert.ok(sockets[2]!.device.on);
    await Deno.writeTextFile(config, "sockets:\n  desk: { mac: nope }\n");
    const broken = await run(["on", "desk", "--port", "0"], { env });
    assert.equal(broken.code, 2);
    assert.match(broken.err, /config\.yaml:2:16: 'nope' is not a MAC address/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("colour only on a terminal and never with NO_COLOR; no progress line when piped", async () => {
  await using _ = await emulators(83);
  const tty = await run(["on", "127.0.83.2", "--port", "0"], { terminal: true });
  const ESC = String.fromCharCode(27);
  assert.ok(tty.out.includes(`${ESC}[32mon${ESC}[39m`), tty.out);
  const noColor = await run(["on", "127.0.83.2", "--port", "0"], {
    terminal: true,
    env: { NO_COLOR: "1" },
  });
  assert.ok(!noColor.out.includes(ESC), noColor.out);
  const piped = await run(["discover", ...net(83), "--wait", "1300"]);
  assert.doesNotMatch(piped.err, /Discovering/);
  const shown = await run(["discover", ...net(83), "--wait", "1300"], { terminal: true });
  assert.match(shown.err, /Discovering sockets… 1\.\d s/);
});

Deno.test("s20 emulate runs emulated sockets until stopped", async () => {
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 300);
  const { code, out } = await run(
    ["emulate", "--no-api", "--count", "2", "--address", "127.0.84.2", "--port", "0", "--json"],
    { signal: stop.signal },
  );
  assert.equal(code, 0);
  const lines = out.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.address), ["127.0.84.2", "127.0.84.3"]);
  const bad = await run(["emulate", "--count", "many"]);
  assert.equal(bad.code, 2);
});
