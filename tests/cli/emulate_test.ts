/**
 * `s20 emulate` (and `deno task emulate`, the same command), in-process and once as a
 * subprocess. Addresses: 127.0.3.96–127.0.3.112.
 */
import assert from "node:assert/strict";
import { main } from "../../lib/cli/main.ts";
import { BufferIo } from "../../lib/cli/io.ts";
import type { NetAddress } from "../../lib/transport/mod.ts";
import { fromHex } from "../../mod.ts";
import { Probe } from "../helpers/udp_probe.ts";

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string;
}

/**
 * Runs `s20 emulate ARGS`; once it has printed a line per socket, `whileRunning` gets their
 * addresses (from `address:port` or `--json` lines), and the command stops when it returns.
 */
async function emulate(
  args: string[],
  whileRunning: (addresses: NetAddress[]) => Promise<void> = async () => {},
  count = 1,
): Promise<Run> {
  const stop = new AbortController();
  const io = new BufferIo({ env: { HOME: "/nonexistent" }, signal: stop.signal });
  // --no-api: the default API socket is shared by every test on this machine.
  const running = main(["emulate", "--no-api", ...args], io);
  let done = false;
  running.finally(() => (done = true));
  const addresses = (): NetAddress[] =>
    io.out.split("\n").flatMap((line) => {
      const json = line.startsWith("{") ? JSON.parse(line) : null;
      if (json) return [{ hostname: json.address, port: json.port }];
      const m = /\s(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(line);
      return m ? [{ hostname: m[1]!, port: Number(m[2]) }] : [];
    });
  for (let i = 0; i < 500 && !done && addresses().length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  try {
    if (!done) await whileRunning(addresses());
  } finally {
    stop.abort();
  }
  const code = await running;
  return { code, out: io.out.split("\n").filter((l) => l !== ""), err: io.err };
}

const DISCOVER = fromHex("68 64 00 06 71 61");

Deno.test("s20 emulate --json prints one JSON object per socket with mac, address, port and name", async () => {
  const run = await emulate(
    ["--count", "3", "--address", "127.0.3.96", "--port", "0", "--json"],
    async () => {},
    3,
  );
  assert.equal(run.code, 0, run.err);
  assert.equal(run.err, "");
  const sockets = run.out.map((line) => JSON.parse(line));
  assert.deepEqual(sockets.map((s) => [s.mac, s.address, s.name]), [
    ["ac:cf:23:00:00:01", "127.0.3.96", "Desk lamp"],
    ["ac:cf:23:00:00:02", "127.0.3.97", "Hall light"],
    ["ac:cf:23:00:00:03", "127.0.3.98", "Kettle"],
  ]);
  assert.ok(sockets.every((s) => Number.isInteger(s.port) && s.port > 0));
  assert.deepEqual(Object.keys(sockets[0]).sort(), ["address", "mac", "name", "port"]);
});

Deno.test("s20 emulate prints a line per socket and answers discovery until stopped", async () => {
  const run = await emulate(
    ["--address", "127.0.3.99", "--port", "0", "--reply-to", "source", "--speed", "60"],
    async ([socket]) => {
      await using probe = new Probe("127.0.3.100");
      await probe.send(DISCOVER, socket!);
      assert.equal((await probe.take(10)).length, 10);
    },
  );
  assert.equal(run.code, 0, run.err);
  assert.match(run.out[0]!, /^Desk lamp\s+ac:cf:23:00:00:01\s+127\.0\.3\.99:\d+$/);
  assert.match(run.out[1]!, /1 emulated socket running .*source port.*60x/);
});

Deno.test("s20 emulate applies loss, duplication and seed flags", async () => {
  const args = ["--address", "127.0.3.101", "--port", "0", "--reply-to", "source"];
  const run = await emulate([...args, "--duplicate", "1", "--seed", "4"], async ([socket]) => {
    await using probe = new Probe("127.0.3.102");
    await probe.send(DISCOVER, socket!);
    assert.equal((await probe.take(20)).length, 20, "every copy arrives twice");
  });
  assert.equal(run.code, 0, run.err);
});

Deno.test("s20 emulate answers after the captured delays, or at once with --instant", async () => {
  const args = ["--address", "127.0.3.105", "--port", "0", "--reply-to", "source"];
  const firstCopy = async (extra: string[]) => {
    let ms = -1;
    const run = await emulate([...args, ...extra], async ([socket]) => {
      await using probe = new Probe("127.0.3.106");
      const sent = performance.now();
      await probe.send(DISCOVER, socket!);
      await probe.take(1);
      ms = performance.now() - sent;
    });
    assert.equal(run.code, 0, run.err);
    return { ms, out: run.out.at(-1)! };
  };
  // Seed 7 draws a first qa copy after 259 ms for this MAC (captured: 11–298 ms).
  const captured = await firstCopy(["--seed", "7"]);
  assert.ok(captured.ms >= 150, `captured: ${captured.ms} ms`);
  const instant = await firstCopy(["--seed", "7", "--instant"]);
  assert.ok(instant.ms < captured.ms, `instant: ${instant.ms} ms`);
  assert.match(instant.out, /no reply delays/);
});

Deno.test("s20 emulate --help lists every flag with examples", async () => {
  const io = new BufferIo();
  assert.equal(await main(["emulate", "--help"], io), 0);
  assert.match(io.out, /^s20 emulate — /);
  for (const flag of ["--count", "--reply-to", "--instant", "--loss", "--seed", "--speed"]) {
    assert.ok(io.out.includes(flag), flag);
  }
  assert.match(io.out, /Examples:\n {2}s20 emulate --count 3\n/);
});

Deno.test("s20 emulate rejects bad flags with exit code 2, as every command does", async () => {
  for (
    const [args, message] of [
      [["--frobnicate"], /unknown flag '--frobnicate'/],
      [["--count", "zero"], /--count must be a whole number from 1 to 1000, got 'zero'/],
      [["--count", "1e1"], /--count must be a whole number/],
      [["--count", "0"], /--count must be a whole number/],
      [["--port", "70000"], /--port must be a whole number from 0 to 65535/],
      [["--seed", "1.5"], /--seed must be a whole number/],
      [["--loss", "1.5"], /--loss must be a number from 0 to 1, got '1.5'/],
      [["--delay", "soon"], /--delay must be a number/],
      [["--reply-to", "sideways"], /--reply-to must be 'port10000' or 'source'/],
      [["--address", "localhost"], /--address must be a dotted IPv4 address/],
      [["--mac", "nope"], /--mac must be a MAC address/],
      [["--speed", "0"], /--speed must be a number from/],
      [["--count"], /--count/],
      [["extra"], /takes no arguments; unexpected 'extra'/],
    ] as const
  ) {
    const io = new BufferIo();
    assert.equal(await main(["emulate", ...args], io), 2, args.join(" "));
    assert.match(io.err, message, args.join(" "));
    assert.equal(io.out, "");
  }
  const json = new BufferIo();
  assert.equal(await main(["emulate", "--count", "1e1", "--json"], json), 2);
  assert.equal(JSON.parse(json.out).error.code, "USAGE");
});

Deno.test("s20 emulate says which address is in use and exits 1", async () => {
  await using taken = new Probe("127.0.3.104", 10000);
  const run = await emulate(["--count", "2", "--address", "127.0.3.103"]);
  assert.equal(run.code, 1);
  assert.match(run.err, /127\.0\.3\.104:10000: the address is in use.*--address/);
  assert.equal(taken.address.port, 10000);
});

Deno.test("scripts/emulate.ts (deno task emulate) runs as a process, prints 3 JSON lines, stops cleanly", async () => {
  const script = new URL("../../scripts/emulate.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      script,
      "--no-api",
      "--count",
      "3",
      "--json",
      "--address",
      "127.0.3.110",
      "--port",
      "0",
    ],
    cwd: new URL("../../", import.meta.url).pathname,
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
});
