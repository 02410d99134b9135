/**
 * The daemon's event streams (`GET /v1/events`): clients that go away mid-stream (a cancelled
 * body, an aborted fetch, a raw connection closed, `s20 watch` killed), a client that never
 * reads while others are served, the NDJSON and SSE formats with their heartbeats, and the
 * daemon stopping with streams open; and the bounded queue behind each stream. The daemon is the
 * library's `startApiServer` over an `S20Client`, against emulated sockets on 127.0.106.2–4 and
 * 127.0.107.2–4, on a socket in a temporary directory.
 */
import assert from "node:assert/strict";
import { DaemonClient } from "../../lib/api/daemon_client.ts";
import { type ApiServerOptions, startApiServer } from "../../lib/api/server.ts";
import { S20Client } from "../../lib/client/client.ts";
import { EventHub } from "../../lib/client/event_hub.ts";
import type { SocketController } from "../../lib/client/controller.ts";
import type { SocketTarget } from "../../lib/client/targets.ts";
import { BufferIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import type { Emulator } from "../../lib/emulator/emulator.ts";
import { emulators } from "../helpers/cli_run.ts";
import { Http, sleep, tempDir, until } from "../helpers/daemon.ts";
import { s20Command } from "../helpers/s20_process.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `promise`, or a failure naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The client's socket handles, with the keep-alive holds taken on them counted: what the
 * daemon holds for its streams' `keepalive` targets, and must release when a stream ends.
 */
function countingHolds(client: S20Client): () => number {
  let holds = 0;
  const counted = new WeakSet<SocketController>();
  const socket = client.socket.bind(client);
  client.socket = (target: SocketTarget) => {
    const handle = socket(target);
    if (!counted.has(handle)) {
      counted.add(handle);
      const keepAlive = handle.keepAlive.bind(handle);
      handle.keepAlive = (signal?: AbortSignal) => {
        const hold = keepAlive(signal);
        holds++;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          holds--;
        };
        signal?.addEventListener("abort", release, { once: true });
        return {
          [Symbol.dispose]() {
            hold[Symbol.dispose]();
            release();
          },
        };
      };
    }
    return handle;
  };
  return () => holds;
}

/** An API over a fresh `S20Client`, recording the failures it reports as its own (bugs). */
async function serving(options: Partial<ApiServerOptions> = {}) {
  const dir = await tempDir();
  const client = new S20Client({ hostname: "127.0.0.1", port: 0, timeout: 1000 });
  const holds = countingHolds(client);
  const errors: unknown[] = [];
  const api = await startApiServer({
    controller: client,
    socket: `${dir.path}/daemon.sock`,
    timeout: 1000,
    onError: (error) => errors.push(error),
    ...options,
  });
  const http = new Http({ socket: api.socket! });
  return {
    api,
    http,
    client,
    errors,
    holds,
    /** No stream left open in the daemon (its count, `/v1/health`'s) and no hold taken. */
    async idle(): Promise<void> {
      await until(() => api.streams === 0, "the daemon to notice the stream ended", 3000);
      await until(() => holds() === 0, "the stream's keep-alive hold to be released", 3000);
      const health = await http.request("GET", "/v1/health");
      assert.equal(health.status, 200);
      assert.equal(health.json.streams, 0);
    },
    async [Symbol.asyncDispose]() {
      http[Symbol.dispose]();
      await api.close();
      await client.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** `mac@ip` of an emulated socket, URL-encoded. */
function targetOf(socket: Emulator): string {
  return encodeURIComponent(`${socket.mac}@${socket.address.hostname}`);
}

/** Reads a body as frames: NDJSON lines (`\n`), or SSE messages (`\n\n`). */
class Frames {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #separator: string;
  #buffer = "";

  constructor(body: ReadableStream<Uint8Array>, separator: "\n" | "\n\n") {
    this.#reader = body.getReader();
    this.#separator = separator;
  }

  /** The next frame (without its separator), or `null` at the end of the body. */
  async next(ms = 3000): Promise<string | null> {
    const end = performance.now() + ms;
    while (!this.#buffer.includes(this.#separator)) {
      const { value, done } = await within(
        this.#reader.read(),
        Math.max(1, end - performance.now()),
        "the next frame of the stream",
      );
      if (done) return null;
      this.#buffer += decoder.decode(value, { stream: true });
    }
    const at = this.#buffer.indexOf(this.#separator);
    const frame = this.#buffer.slice(0, at);
    this.#buffer = this.#buffer.slice(at + this.#separator.length);
    return frame;
  }

  /** The next event line, skipping heartbeats, parsed. */
  async event(ms = 3000): Promise<{ source: string; event: Record<string, unknown> }> {
    while (true) {
      const frame = await this.next(ms);
      assert.notEqual(frame, null, "the stream ended early");
      if (frame !== "") return JSON.parse(frame!);
    }
  }

  /** Goes away mid-stream. */
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }

  /** Goes away, if still there (a test that fails must not leave a stuck client behind). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

/** A state event of `socket`, as the stream carries it. */
function isState(item: { event: Record<string, unknown> }, socket: Emulator, on: boolean) {
  return item.event.type === "state" && item.event.mac === socket.mac && item.event.on === on;
}

/** Presses a socket's button, then reads the stream until the push arrives. */
async function pressAndSee(frames: Frames, socket: Emulator): Promise<void> {
  const on = !socket.device.on;
  socket.device.pressButton();
  while (!isState(await frames.event(), socket, on));
}

Deno.test("a client that goes away mid-stream is noticed, and the daemon keeps serving", async () => {
  await using sockets = await emulators(106);
  await using d = await serving();
  const [lamp, fan] = [sockets[0]!, sockets[1]!];

  // A fetch whose body is cancelled after two button presses.
  const response = await d.http.open(`/v1/events?keepalive=${targetOf(lamp)}`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/x-ndjson");
  const frames = new Frames(response.body!, "\n");
  assert.equal(d.api.streams, 1);
  assert.equal(d.holds(), 1, "the stream holds its keepalive socket");
  assert.ok(isState(await frames.event(), lamp, false), "the subscription's state first");
  await pressAndSee(frames, lamp);
  await pressAndSee(frames, lamp);
  lamp.device.pressButton(); // Under way as the client goes.
  await frames.cancel();
  await d.idle();

  // A fetch aborted mid-body, by a client of its own.
  {
    using client = Deno.createHttpClient({ proxy: { transport: "unix", path: d.api.socket! } });
    const abort = new AbortController();
    const aborted = await fetch(`http://daemon/v1/events?keepalive=${targetOf(lamp)}`, {
      client,
      signal: abort.signal,
    });
    const reader = new Frames(aborted.body!, "\n");
    await pressAndSee(reader, lamp);
    assert.equal(d.holds(), 1);
    abort.abort();
    await assert.rejects(reader.next(), (error: Error) => error.name === "AbortError");
  }
  await d.idle();

  // A raw connection: the request written by hand, a little read, then closed unread.
  {
    const conn = await Deno.connect({ transport: "unix", path: d.api.socket! });
    await conn.write(
      encoder.encode(
        `GET /v1/events?keepalive=${targetOf(fan)} HTTP/1.1\r\nHost: daemon\r\n\r\n`,
      ),
    );
    let text = "";
    const buffer = new Uint8Array(4096);
    while (!text.includes('"source":"socket"')) {
      const n = await within(conn.read(buffer), 3000, "the raw stream's first event");
      assert.notEqual(n, null, "the daemon closed the raw connection");
      text += decoder.decode(buffer.subarray(0, n!));
    }
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /content-type: application\/x-ndjson/);
    assert.equal(d.api.streams, 1);
    for (let i = 0; i < 5; i++) fan.device.pressButton(); // Written to nobody.
    await sleep(50);
    conn.close();
  }
  await d.idle();

  // Still serving: calls, and new streams that get new events.
  const state = await d.http.request("GET", `/v1/sockets/${targetOf(fan)}/state`);
  assert.equal(state.status, 200);
  assert.equal(state.json.on, fan.device.on);
  const again = await d.http.open(`/v1/events?keepalive=${targetOf(lamp)}`);
  const fresh = new Frames(again.body!, "\n");
  await pressAndSee(fresh, lamp);
  await pressAndSee(fresh, fan);
  await fresh.cancel();
  await d.idle();
  assert.deepEqual(d.errors, [], "no failure of the daemon's own");
});

Deno.test("a client that never reads loses its oldest events, said on its stream, and holds up nobody", async () => {
  const QUEUE = 8;
  // Enough to fill the socket buffers between the daemon and a client that does not read
  // (about 1400 lines with Linux's default 208 KiB), and then the client's queue many times.
  const PRESSES = 4000;
  // No repeated pushes: the same state twice is one event, and a repeat arriving after the
  // next press is not a change of its own.
  await using sockets = await emulators(107, { pushRepeatMs: 0 });
  await using d = await serving({ streamQueue: QUEUE, heartbeatMs: 60_000 });
  const lamp = sockets[0]!;

  // The slow client: its stream is open, its body is never read until the end.
  const slow = await d.http.open("/v1/events?source=socket");
  assert.equal(slow.status, 200);
  await using frames = new Frames(slow.body!, "\n");

  // The prompt client, which holds the lamp subscribed and reads every line as it comes.
  const fastResponse = await d.http.open(`/v1/events?keepalive=${targetOf(lamp)}`);
  const fast = new Frames(fastResponse.body!, "\n");
  const seen: string[] = [];
  let wake = null as (() => void) | null;
  const reading = (async () => {
    for (let line = await fast.next(10_000); line !== null; line = await fast.next(10_000)) {
      if (line === "") continue;
      seen.push(line);
      wake?.();
    }
  })();
  await until(() => seen.length === 1, "the lamp's state on the prompt stream");
  assert.equal(d.api.streams, 2);

  // Each press waits for the prompt client to see it, so its own queue never fills; calls go
  // on meanwhile and are answered.
  const calls: Promise<number>[] = [];
  for (let i = 0; i < PRESSES; i++) {
    const want = seen.length + 1;
    lamp.device.pressButton();
    const end = performance.now() + 2000;
    while (seen.length < want) {
      assert.ok(performance.now() < end, `press ${i} never reached the prompt client`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, 50);
      });
      clearTimeout(timer);
      wake = null;
    }
    if (i % 500 === 0) {
      calls.push(
        d.http.request("GET", `/v1/sockets/${targetOf(sockets[1]!)}/state`).then((a) => a.status),
        d.http.request("GET", "/v1/health").then((a) => a.status),
      );
    }
  }
  assert.deepEqual(
    await within(Promise.all(calls), 5000, "calls during the flood"),
    calls.map(() => 200),
  );
  const health = await d.http.request("GET", "/v1/health");
  assert.equal(health.json.streams, 2);
  const items = seen.map((line) => JSON.parse(line));
  assert.ok(items.every((item) => item.source === "socket"), "the prompt client dropped none");
  assert.equal(
    items.filter((item) => item.event.type === "state" && item.event.mac === lamp.mac).length,
    PRESSES + 1,
    "and saw every press (and the state before)",
  );

  // Now the slow client reads what it was kept: everything is accounted for, in order. (Lines
  // repeat: presses come faster than the clock's milliseconds.)
  let next = 0; // Index in what the prompt client saw.
  let lines = 0;
  let notices = 0;
  let sinceNotice = 0;
  while (next < seen.length) {
    const line = await frames.next(5000);
    assert.notEqual(line, null, "the slow client's stream ended");
    if (line === "") continue;
    lines++;
    const item = JSON.parse(line!);
    if (item.source === "stream") {
      assert.ok(Number.isInteger(item.dropped) && item.dropped > 0, line!);
      next += item.dropped;
      notices++;
      sinceNotice = 0;
      continue;
    }
    assert.equal(line, seen[next], `line ${lines} of the slow client`);
    next++;
    sinceNotice++;
  }
  await frames.cancel();
  assert.equal(next, seen.length, "every event either reached the slow client or was counted");
  assert.ok(notices > 0, `the slow client got all ${lines} lines: its buffers never filled`);
  assert.ok(
    sinceNotice <= QUEUE,
    `after the last drop it got ${sinceNotice} events: at most its queue (${QUEUE}), the newest`,
  );

  await fast.cancel();
  await reading;
  await d.idle();
  assert.deepEqual(d.errors, []);
});

Deno.test("streams come as NDJSON or server-sent events, with heartbeats when quiet", async () => {
  await using sockets = await emulators(106);
  await using d = await serving({ heartbeatMs: 100 });
  const lamp = sockets[0]!;

  // SSE by the Accept header: `data:` messages, `: ping` comments.
  const byAccept = await d.http.open(`/v1/events?keepalive=${targetOf(lamp)}`, {
    accept: "text/event-stream",
  });
  assert.equal(byAccept.status, 200);
  assert.equal(byAccept.headers.get("content-type"), "text/event-stream");
  assert.equal(byAccept.headers.get("cache-control"), "no-store");
  const sse = new Frames(byAccept.body!, "\n\n");
  const first = await sse.next();
  assert.match(first!, /^data: \{.*\}$/);
  assert.ok(isState(JSON.parse(first!.slice("data: ".length)), lamp, false));
  assert.equal(await sse.next(1000), ": ping", "a heartbeat once quiet");
  lamp.device.pressButton();
  let message = await sse.next();
  while (message === ": ping") message = await sse.next();
  assert.deepEqual(JSON.parse(message!.slice("data: ".length)).event.on, true);
  await sse.cancel();

  // SSE by `format=sse`, and `format` wins over the Accept header.
  const byFormat = await d.http.open("/v1/events?format=sse");
  assert.equal(byFormat.headers.get("content-type"), "text/event-stream");
  const quiet = new Frames(byFormat.body!, "\n\n");
  assert.equal(await quiet.next(1000), ": ping");
  assert.equal(await quiet.next(1000), ": ping");
  await quiet.cancel();
  const ndjsonAnyway = await d.http.open(`/v1/events?format=ndjson&keepalive=${targetOf(lamp)}`, {
    accept: "text/event-stream",
  });
  assert.equal(ndjsonAnyway.headers.get("content-type"), "application/x-ndjson");

  // NDJSON: one object a line; the heartbeat is a blank line.
  const lines = new Frames(ndjsonAnyway.body!, "\n");
  await pressAndSee(lines, lamp);
  assert.equal(await lines.next(1000), "", "a blank line once quiet");
  assert.equal(await lines.next(1000), "");
  await lines.cancel();

  const bad = await d.http.request("GET", "/v1/events?format=xml");
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, "INVALID_VALUE");
  await d.idle();
  assert.deepEqual(d.errors, []);
});

Deno.test("stopping the daemon ends its open streams, and close() resolves", async () => {
  await using sockets = await emulators(106);
  await using d = await serving({ heartbeatMs: 60_000 });
  const lamp = sockets[0]!;

  // One being read, one not read at the moment, and a DaemonClient's events.
  const read = new Frames(
    (await d.http.open(`/v1/events?keepalive=${targetOf(lamp)}`)).body!,
    "\n",
  );
  assert.ok(isState(await read.event(), lamp, false));
  const unread = await d.http.open("/v1/events?format=sse");
  await using daemon = new DaemonClient({ path: d.api.socket! });
  const events = daemon.events();
  await until(() => d.api.streams === 3, "three streams");
  const pressed = events.next();
  await pressAndSee(read, lamp);
  const event = (await within(pressed, 3000, "the press, through the DaemonClient")).value;
  assert.deepEqual([event.type, event.mac, event.on], ["state", lamp.mac, true]);
  const ending = read.next();
  const ended = events.next();

  await within(d.api.close(), 3000, "close() with streams open");
  assert.equal(await ending, null, "the stream being read ends");
  // What was queued for it still arrives, then the end.
  assert.match(
    await within(unread.text(), 3000, "the unread stream to end"),
    new RegExp(
      `^data: \\{"source":"socket","event":\\{"type":"state","mac":"${lamp.mac}","on":true,[^\\n]*\\}\\n\\n$`,
    ),
  );
  assert.equal((await within(ended, 3000, "the DaemonClient's events to end")).done, true);
  assert.equal(d.api.streams, 0);
  assert.equal(d.holds(), 0);
  assert.throws(() => Deno.lstatSync(`${d.api.socket}`), Deno.errors.NotFound);
  await assert.rejects(d.http.request("GET", "/v1/health"));
  assert.deepEqual(d.errors, []);
});

// `Deno.HttpServer.shutdown()` waits for every response to finish, and a stream whose client
// stopped reading cannot finish (its socket buffers are full): `close()` waits a grace period,
// then abandons such streams and unrefs its servers.
Deno.test({
  name: "stopping the daemon does not wait for a client that stopped reading",
  async fn() {
    await using sockets = await emulators(107, { pushRepeatMs: 0 });
    await using d = await serving({ streamQueue: 8 });
    const lamp = sockets[0]!;
    const stuck = await d.http.open(`/v1/events?keepalive=${targetOf(lamp)}`);
    await using _stuck = new Frames(stuck.body!, "\n");
    await until(() => d.holds() === 1, "the hold");
    for (let i = 0; i < 3000; i++) {
      lamp.device.pressButton();
      if (i % 4 === 0) await sleep(0);
    }
    await sleep(200);
    await within(d.api.close(), 5000, "close() with a client that stopped reading");
    assert.equal(d.api.streams, 0);
    assert.equal(d.holds(), 0);
    assert.throws(() => Deno.lstatSync(`${d.api.socket}`), Deno.errors.NotFound);
    assert.deepEqual(d.errors, []);
  },
});

Deno.test("s20 watch goes through the daemon, and a watch killed mid-way ends its stream", async () => {
  await using sockets = await emulators(107);
  await using d = await serving();
  const lamp = sockets[0]!;
  const env = { HOME: "/nonexistent", NO_COLOR: "1", S20_DAEMON: d.api.socket! };
  const target = `${lamp.mac}@127.0.107.2`;

  // In-process, as `s20 watch TARGET --for 1500 --json` with the daemon found by S20_DAEMON.
  const io = new BufferIo({ env });
  const watching = main(
    ["watch", target, "--for", "1500", "--json", "--port", "0", "--target", "127.0.107.0/29"],
    io,
  );
  await until(() => io.out.includes('"type":"state"'), "the watch's first event", 3000);
  assert.equal(d.api.streams, 1, "watching through the daemon's stream");
  lamp.device.pressButton();
  assert.equal(await within(watching, 4000, "watch --for 1500"), 0, io.err);
  const printed = io.out.trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(
    printed.filter((e) => e.type === "state").map((e) => [e.mac, e.on]),
    [[lamp.mac, false], [lamp.mac, true]],
  );
  assert.ok(printed.every((e) => typeof e.at === "string"));
  await d.idle();

  // As processes, ended by SIGKILL (no goodbye) and SIGTERM (Ctrl-C's way out).
  const spawn = () => s20Command(["watch", target, "--json", "--port", "0"], env).spawn();
  const watchers = [spawn(), spawn()];
  const outputs = watchers.map((child) => new Frames(child.stdout, "\n"));
  const errors = watchers.map((child) => new Response(child.stderr).text());
  try {
    for (const out of outputs) {
      const line = await out.next(10_000);
      assert.equal(JSON.parse(line!).type, "state", line!);
    }
    assert.equal(d.api.streams, 2);
    assert.equal(d.holds(), 2);
    watchers[0]!.kill("SIGKILL");
    watchers[1]!.kill("SIGTERM");
    const [killed, terminated] = await within(
      Promise.all(watchers.map((child) => child.status)),
      5000,
      "the watches to end",
    );
    assert.equal(killed!.signal, "SIGKILL");
    assert.equal(terminated!.code, 0, await errors[1]); // watch ends on Ctrl-C: done, not failed
    await d.idle();
  } finally {
    for (const child of watchers) {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already ended.
      }
    }
    await Promise.all(outputs.map((out) => out.cancel()));
    await Promise.all(errors);
  }

  // And the daemon serves on.
  const state = await d.http.request("GET", `/v1/sockets/${targetOf(lamp)}/state`);
  assert.equal(state.status, 200);
  assert.equal(state.json.on, true);
  assert.deepEqual(d.errors, []);
});

Deno.test("a stream's queue keeps its newest events and says how many it dropped, and where", async () => {
  const hub = new EventHub<string>(3);
  const items = hub.subscribe({
    accept: (event) => !event.startsWith("other"),
    dropped: (count) => `dropped ${count}`,
  });
  const silent = hub.subscribe(); // Without `dropped`: drops are silent, as before.
  for (const event of ["a", "other", "b", "c", "d", "e"]) hub.emit(event);
  assert.equal((await items.next()).value, "dropped 2", "a and b, before the oldest kept");
  assert.equal((await items.next()).value, "c");
  hub.emit("f");
  hub.emit("g"); // The queue (d, e, f) was full: d goes.
  const rest: string[] = [];
  hub.close();
  for await (const event of items) rest.push(event);
  assert.deepEqual(rest, ["dropped 1", "e", "f", "g"]);
  const all: string[] = [];
  for await (const event of silent) all.push(event);
  assert.deepEqual(all, ["e", "f", "g"]);
  assert.equal(hub.size, 0);
  assert.equal((await hub.subscribe().next()).done, true, "nothing after close()");
});
