/**
 * The API under half-open, slow and too many connections (issue 13, point 4): connections
 * capped per listener, heads and idle connections timed out, an accept loop that rides out
 * "Too many open files", and the Unix socket serving while TCP is flooded. Floods go to a child
 * daemon whose descriptor limit is lowered (`ulimit -n`), so a few hundred loopback connections
 * reach it; the timeouts are tried in-process with short limits.
 */
import assert from "node:assert/strict";
import { startApiServer } from "../../lib/api/server.ts";
import type { ConnectionLimits } from "../../lib/api/limits.ts";
import { S20Client } from "../../lib/client/client.ts";
import { Http, sleep, tempDir } from "../helpers/daemon.ts";

const CHILD = new URL("../helpers/crowded_daemon.ts", import.meta.url).pathname;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `tests/helpers/crowded_daemon.ts` as a child process with at most `nofile` descriptors. */
async function childDaemon(nofile: number, limits: Partial<ConnectionLimits>, crowd?: number) {
  const dir = await tempDir();
  const args = [
    "run",
    "--allow-all",
    CHILD,
    dir.path,
    JSON.stringify(limits),
    ...(crowd === undefined ? [] : ["--crowd", String(crowd)]),
  ];
  const child = new Deno.Command("bash", {
    args: ["-c", `ulimit -n ${nofile} && exec "$0" "$@"`, Deno.execPath(), ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let exit: Deno.CommandStatus | null = null;
  const status = child.status.then((s) => (exit = s));
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = await lines.read();
  if (first.done) {
    await status;
    throw new Error(`the daemon did not start: ${await stderr}`);
  }
  const where = JSON.parse(first.value) as { socket: string; url: string; tokenFile: string };
  const token = (await Deno.readTextFile(where.tokenFile)).trim();
  const port = Number(new URL(where.url).port);
  return {
    ...where,
    token,
    port,
    get exit() {
      return exit;
    },
    stderr,
    async [Symbol.asyncDispose]() {
      if (exit === null) child.kill("SIGTERM");
      await status;
      await lines.cancel();
      await stderr;
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** Fails with the daemon's standard error if it has exited. */
async function alive(d: { exit: Deno.CommandStatus | null; stderr: Promise<string> }) {
  if (d.exit !== null) throw new Error(`the daemon exited (${d.exit.code}): ${await d.stderr}`);
}

/** Connects to loopback TCP `port`, or gives up after `ms` (a full backlog drops SYNs). */
async function connectWithin(port: number, ms: number): Promise<Deno.Conn | null> {
  const connecting = Deno.connect({ hostname: "127.0.0.1", port });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const conn = await Promise.race([connecting.catch(() => null), late]);
  clearTimeout(timer);
  if (conn === null) connecting.then((c) => c.close(), () => {});
  return conn;
}

/** `GET /v1/health` through the Unix socket and through TCP with the token: both statuses. */
async function health(d: { socket: string; url: string; token: string }): Promise<number[]> {
  using unix = new Http({ socket: d.socket });
  using tcp = new Http({ url: d.url });
  const viaUnix = await unix.request("GET", "/v1/health").then((a) => a.status, () => 0);
  const viaTcp = await tcp.request("GET", "/v1/health", {
    headers: { authorization: `Bearer ${d.token}` },
  }).then((a) => a.status, () => 0);
  return [viaUnix, viaTcp];
}

Deno.test({
  name: "half-open TCP connections past the descriptor limit leave the daemon up and serving",
  async fn() {
    // 256 descriptors; 400 connections that never send a byte.
    await using d = await childDaemon(256, {});
    const conns: Deno.Conn[] = [];
    try {
      for (let i = 0; i < 400; i++) {
        const conn = await connectWithin(d.port, 500);
        if (conn) conns.push(conn);
      }
      await sleep(200);
      await alive(d);
      // While they are held: the Unix socket and a TCP client that sends its request at once.
      assert.deepEqual(await health(d), [200, 200]);
    } finally {
      for (const conn of conns) conn.close();
    }
    assert.deepEqual(await health(d), [200, 200]);
    await alive(d);
  },
});

Deno.test({
  name: "the accept loop rides out 'Too many open files' and serves once descriptors free up",
  async fn() {
    // The daemon leaves itself 6 descriptors; the cap alone would allow 1000 connections.
    await using d = await childDaemon(256, { maxConnections: 1000 }, 6);
    const conns: Deno.Conn[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        const conn = await connectWithin(d.port, 300);
        if (conn) conns.push(conn);
      }
      await sleep(300);
      await alive(d);
    } finally {
      for (const conn of conns) conn.close();
    }
    // Retried for a while: the descriptors of the closed connections are freed as the daemon
    // notices them.
    let statuses: number[] = [];
    for (let i = 0; i < 50 && statuses.join() !== "200,200"; i++) {
      statuses = await health(d);
      if (statuses.join() !== "200,200") await sleep(100);
    }
    assert.deepEqual(statuses, [200, 200]);
    await alive(d);
  },
});

/** An API over the Unix socket only, with short limits. */
async function serving(limits: Partial<ConnectionLimits>) {
  const dir = await tempDir();
  const client = new S20Client({ hostname: "127.0.0.1", port: 0 });
  const api = await startApiServer({
    controller: client,
    socket: `${dir.path}/daemon.sock`,
    limits,
  });
  return {
    api,
    socket: api.socket!,
    async [Symbol.asyncDispose]() {
      await api.close();
      await client.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** Reads until the daemon closes the connection; what it sent, or `null` past `ms`. */
async function readToEnd(conn: Deno.Conn, ms: number): Promise<string | null> {
  let text = "";
  const end = performance.now() + ms;
  while (true) {
    const buffer = new Uint8Array(4096);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), Math.max(0, end - performance.now()));
    });
    const n = await Promise.race([conn.read(buffer).catch(() => null), late]);
    clearTimeout(timer);
    if (n === "late") return null;
    if (n === null) return text;
    text += decoder.decode(buffer.subarray(0, n));
  }
}

Deno.test("a client that trickles its head, or sends nothing, is closed at the header timeout", async () => {
  await using d = await serving({ headerTimeoutMs: 300, idleTimeoutMs: 5000 });
  const silent = await Deno.connect({ transport: "unix", path: d.socket });
  const slow = await Deno.connect({ transport: "unix", path: d.socket });
  try {
    let lines = 0;
    const trickle = (async () => {
      await slow.write(encoder.encode("GET /v1/health HTTP/1.1\r\n"));
      // One header line every 100 ms, never the blank line that ends the head.
      for (; lines < 40; lines++) {
        await sleep(100);
        if (await slow.write(encoder.encode(`x-slow-${lines}: 1\r\n`)).catch(() => null) === null) {
          return;
        }
      }
    })();
    assert.equal(await readToEnd(silent, 3000), "", "the silent connection was not closed");
    assert.equal(await readToEnd(slow, 3000), "", "the slow connection was not closed");
    await trickle;
    assert.ok(lines < 40, "the slow client sent its whole trickle");
  } finally {
    silent.close();
    slow.close();
  }
});

Deno.test("a connection idle between requests is closed at the idle timeout", async () => {
  await using d = await serving({ headerTimeoutMs: 5000, idleTimeoutMs: 300 });
  const conn = await Deno.connect({ transport: "unix", path: d.socket });
  try {
    await conn.write(encoder.encode("GET /v1/health HTTP/1.1\r\nhost: d\r\n\r\n"));
    const text = await readToEnd(conn, 3000);
    assert.notEqual(text, null, "the idle connection was not closed");
    assert.match(text!, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text!, /"ok":true/);
  } finally {
    conn.close();
  }
});

Deno.test("at the cap, the longest-waiting connection makes room for a new request", async () => {
  await using d = await serving({ maxConnections: 3, headerTimeoutMs: 10_000 });
  const waiting: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      waiting.push(await Deno.connect({ transport: "unix", path: d.socket }));
      await sleep(20);
    }
    using http = new Http({ socket: d.socket });
    for (let i = 0; i < 3; i++) {
      const answer = await http.request("GET", "/v1/health");
      assert.equal(answer.status, 200);
    }
    // The oldest idle connection went first.
    assert.equal(await readToEnd(waiting[0]!, 2000), "");
  } finally {
    for (const conn of waiting) conn.close();
  }
});

Deno.test("malformed, oversized and chunked request heads get 4xx and a closed connection", async () => {
  await using d = await serving({});
  const cases: [string, RegExp][] = [
    ["NOT-A-REQUEST\r\n\r\n", /^HTTP\/1\.1 400 /],
    [`GET /v1/health HTTP/1.1\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`, /^HTTP\/1\.1 431 /],
    ["POST /v1/health HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n", /^HTTP\/1\.1 411 /],
    ["GET //evil/v1/health HTTP/1.1\r\n\r\n", /^HTTP\/1\.1 400 /],
    ["GET /v1/health HTTP/2.0\r\n\r\n", /^HTTP\/1\.1 501 /],
  ];
  for (const [request, status] of cases) {
    const conn = await Deno.connect({ transport: "unix", path: d.socket });
    try {
      await conn.write(encoder.encode(request)).catch(() => {});
      const text = await readToEnd(conn, 3000);
      assert.notEqual(text, null, request.slice(0, 30));
      assert.match(text!, status, request.slice(0, 30));
      assert.match(text!, /connection: close/);
    } finally {
      conn.close();
    }
  }
});
