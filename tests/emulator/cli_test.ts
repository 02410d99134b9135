/**
 * The `emulate` command, in-process and once as a subprocess. Addresses: 127.0.3.96–127.
 */
import assert from "node:assert/strict";
import { runEmulateCli } from "../../lib/emulator/mod.ts";
import type { EmulatorFleet } from "../../lib/emulator/mod.ts";
import { fromHex } from "../../mod.ts";
import { Probe } from "../helpers/udp_probe.ts";
import { childEnv } from "../helpers/child_env.ts";

interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** Runs the command; `whileRunning` gets the fleet, and the command stops when it returns. */
async function emulate(
  args: string[],
  whileRunning: (fleet: EmulatorFleet) => Promise<void> = async () => {},
): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const controller = new AbortController();
  let work: Promise<void> = Promise.resolve();
  const code = await runEmulateCli(args, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    signal: controller.signal,
    onReady: (fleet) => {
      work = whileRunning(fleet).finally(() => controller.abort());
    },
  });
  await work;
  return { code, stdout, stderr };
}

Deno.test("emulate --json prints one JSON object per socket with mac, address, port and name", async () => {
  const run = await emulate(["--count", "3", "--address", "127.0.3.96", "--port", "0", "--json"]);
  assert.equal(run.code, 0);
  assert.deepEqual(run.stderr, []);
  const sockets = run.stdout.map((line) => JSON.parse(line));
  assert.deepEqual(sockets.map((s) => [s.mac, s.address, s.name]), [
    ["ac:cf:23:00:00:01", "127.0.3.96", "Desk lamp"],
    ["ac:cf:23:00:00:02", "127.0.3.97", "Hall light"],
    ["ac:cf:23:00:00:03", "127.0.3.98", "Kettle"],
  ]);
  assert.ok(sockets.every((s) => Number.isInteger(s.port) && s.port > 0));
  assert.deepEqual(Object.keys(sockets[0]).sort(), ["address", "mac", "name", "port"]);
});

Deno.test("emulate prints a line per socket and answers discovery until stopped", async () => {
  const run = await emulate(
    ["--address", "127.0.3.99", "--port", "0", "--reply-to", "source", "--speed", "60"],
    async (fleet) => {
      await using probe = new Probe("127.0.3.100");
      await probe.send(fromHex("68 64 00 06 71 61"), fleet.emulators[0]!.address);
      assert.equal((await probe.take(10)).length, 10);
    },
  );
  assert.equal(run.code, 0);
  assert.match(run.stdout[0]!, /^Desk lamp\s+ac:cf:23:00:00:01\s+127\.0\.3\.99:\d+$/);
  assert.match(run.stdout[1]!, /1 emulated socket running .*source port.*60x/);
});

Deno.test("emulate applies loss, duplication and seed flags", async () => {
  const run = await emulate(
    [
      "--address",
      "127.0.3.101",
      "--port",
      "0",
      "--reply-to",
      "source",
      "--duplicate",
      "1",
      "--seed",
      "4",
    ],
    async (fleet) => {
      await using probe = new Probe("127.0.3.102");
      await probe.send(fromHex("68 64 00 06 71 61"), fleet.emulators[0]!.address);
      assert.equal((await probe.take(20)).length, 20, "every copy arrives twice");
    },
  );
  assert.equal(run.code, 0);
});

Deno.test("emulate --help prints the usage and exits 0", async () => {
  const run = await emulate(["--help"]);
  assert.equal(run.code, 0);
  assert.match(run.stdout[0]!, /^Usage: emulate/);
  assert.ok(run.stdout.some((line) => line.includes("--reply-to")));
});

Deno.test("emulate rejects bad flags with exit code 2", async () => {
  for (
    const args of [
      ["--frobnicate"],
      ["--count", "zero"],
      ["--count", "0"],
      ["--loss", "1.5"],
      ["--reply-to", "sideways"],
      ["--address", "localhost"],
      ["--port", "70000"],
      ["--speed", "0"],
      ["--count"],
      ["extra"],
    ]
  ) {
    const run = await emulate(args);
    assert.equal(run.code, 2, args.join(" "));
    assert.match(run.stderr[0]!, /^error: /, args.join(" "));
    assert.deepEqual(run.stdout, []);
  }
});

Deno.test("emulate says which address is in use and exits 1", async () => {
  await using taken = new Probe("127.0.3.104", 10000);
  const run = await emulate(["--count", "2", "--address", "127.0.3.103"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr[0]!, /127\.0\.3\.104:10000: the address is in use.*--address/);
  assert.equal(taken.address.port, 10000);
});

Deno.test("scripts/emulate.ts runs as a process, prints 3 JSON lines and stops cleanly", async () => {
  const script = new URL("../../scripts/emulate.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      script,
      "--count",
      "3",
      "--json",
      "--address",
      "127.0.3.110",
      "--port",
      "0",
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    env: childEnv(),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const deadline = setTimeout(() => child.kill("SIGKILL"), 15_000);
  try {
    while (lines.length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      lines.push(...parts.filter((p) => p.trim() !== ""));
    }
    assert.equal(lines.length, 3);
    const sockets = lines.map((line) => JSON.parse(line));
    assert.deepEqual(sockets.map((s) => s.address), ["127.0.3.110", "127.0.3.111", "127.0.3.112"]);
    child.kill("SIGINT");
    const rest = await reader.read();
    assert.ok(rest.done || rest.value.trim() === "", "no more output");
  } finally {
    clearTimeout(deadline);
    reader.releaseLock();
  }
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  await child.stdout.cancel().catch(() => {});
  assert.equal(stderr, "");
  assert.equal(status.code, 0);
  assert.equal(status.success, true);
});
