/**
 * The smartlink sender (docs/protocol.md#smartlink): against the emulated receiver on loopback
 * (127.0.92.1–127.0.92.20), and with an in-memory transport on a virtual clock for the pacing,
 * the rounds, the timeout and which announcements count. Real broadcasts are in netns_test.ts.
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import { listenUdp } from "../../lib/transport/mod.ts";
import { Mac } from "../../mod.ts";
import type { Datagram, DatagramTransport, NetAddress } from "../../lib/transport/types.ts";
import { startSmartlinkListener } from "../../lib/emulator/smartlink_listener.ts";
import {
  encodeSmartlink,
  PairingError,
  pairSmartlink,
  type SmartlinkEncodeOptions,
} from "../../lib/pairing/mod.ts";
import {
  assertNoKey,
  QUICK_SMARTLINK,
  type SentDatagram,
  stepLog,
  wrapTransport,
} from "../helpers/pairing_transport.ts";

const MAC = "ac:cf:23:35:e6:ac";
const KEY = "correct horse Zq9";

/** A transport in memory: records sends with the clock's time; tests deliver datagrams to it. */
class MemoryTransport implements DatagramTransport {
  readonly local: NetAddress = { hostname: "192.0.2.11", port: 49999 };
  readonly sent: { length: number; to: NetAddress; at: number }[] = [];
  #closed = false;
  #queue: Datagram[] = [];
  #wake: (() => void) | null = null;
  readonly #clock: VirtualClock;

  constructor(clock: VirtualClock) {
    this.#clock = clock;
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(data: Uint8Array, to: NetAddress): Promise<void> {
    this.sent.push({ length: data.length, to, at: this.#clock.now() });
    return Promise.resolve();
  }

  deliver(text: string, from: NetAddress): void {
    this.#queue.push({ data: new TextEncoder().encode(text), from });
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Datagram> {
    while (!this.#closed) {
      const next = this.#queue.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => this.#wake = resolve);
      this.#wake = null;
    }
  }
}

/** Lets the sender reach its first wait on the clock. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("pairSmartlink() sends the sequence until the emulated socket announces itself", async () => {
  await using socket = startSmartlinkListener({
    mac: MAC,
    ip: "127.0.92.3",
    hostname: "127.0.92.1",
    port: 0,
    announceFrom: { hostname: "127.0.92.3", port: 0 },
    announceTo: { hostname: "127.0.92.2", port: 49999 },
    announce: { bursts: 2, burstIntervalMs: 50, spacingMs: 1 },
  });
  const log = stepLog();
  const paired = await pairSmartlink(KEY, {
    to: [socket.local],
    bind: { hostname: "127.0.92.2", port: 49999 },
    encode: QUICK_SMARTLINK,
    timeout: 10_000,
    onStep: log.onStep,
  });
  assert.deepEqual(paired, { mac: Mac.parse(MAC), ip: "127.0.92.3", rounds: 1 });
  assert.equal(socket.password?.reveal(), KEY);
  assert.deepEqual(log.steps.map((s) => `${s.name}:${s.status}`), [
    "announcement:start",
    "smartlink:start",
    "announcement:done",
  ]);
  assert.match(log.steps[1]!.detail, /^sending \d+ datagrams \(~[\d.]+ s\) to 127\.0\.92\.1:\d+$/);
  assert.equal(log.steps[2]!.detail, `smart_config ${MAC} from 127.0.92.3`);
  assertNoKey(KEY, [JSON.stringify(log.steps), JSON.stringify(paired)]);
});

Deno.test("pairSmartlink() starts over with the preamble until the socket hears a round", async () => {
  await using socket = startSmartlinkListener({
    mac: MAC,
    ip: "127.0.92.5",
    hostname: "127.0.92.4",
    port: 0,
    announceFrom: { hostname: "127.0.92.5", port: 0 },
    announceTo: { hostname: "127.0.92.6", port: 49999 },
    announce: { bursts: 1 },
  });
  const encode: SmartlinkEncodeOptions = { ...QUICK_SMARTLINK, cycles: 1 };
  const perRound = encode.preambleCount! + 3 + KEY.length + 3 + 3;
  const sent: SentDatagram[] = [];
  // The whole first round is lost on the air.
  const transport = wrapTransport(listenUdp({ hostname: "127.0.92.6", port: 49999 }), {
    drop: () => sent.length <= perRound,
    sent,
  });
  const log = stepLog();
  const paired = await pairSmartlink(KEY, {
    to: [socket.local],
    transport,
    encode,
    timeout: 10_000,
    onStep: log.onStep,
  });
  // The first round is lost, so there is a second; on a loaded machine the socket may hear only a
  // later one, so the count past 2 is timing, not behaviour.
  assert.ok(paired.rounds >= 2, `rounds: ${paired.rounds}`);
  assert.ok(sent.length > perRound);
  const retry = log.steps.find((s) => s.status === "retry");
  assert.equal(retry?.name, "smartlink");
  assert.match(retry!.detail, /^round 2: sending/);
});

Deno.test("pairSmartlink() paces every datagram by the sequence's delays on the given clock", async () => {
  const clock = new VirtualClock({ start: "2026-06-01T12:00:00Z" });
  const transport = new MemoryTransport(clock);
  const encode: SmartlinkEncodeOptions = { preambleCount: 12, cycles: 2 };
  const expected = encodeSmartlink(KEY, encode);
  const stop = new AbortController();
  const pairing = pairSmartlink(KEY, {
    transport,
    to: [{ hostname: "192.0.2.255", port: 49999 }],
    encode,
    clock,
    signal: stop.signal,
  });
  const start = clock.now();
  await tick(); // the first datagram goes out at once; the second waits on the clock
  await clock.advance(expected.durationMs);
  assert.equal(transport.sent.length, expected.count);
  let due = start;
  for (const [i, packet] of [...expected].entries()) {
    due += packet.delayMs;
    assert.equal(transport.sent[i]!.at, due, `datagram ${i}`);
    assert.equal(transport.sent[i]!.length, packet.length);
  }
  assert.ok(transport.sent.every((s) => s.to.hostname === "192.0.2.255" && s.to.port === 49999));
  const reason = new DOMException("Interrupted", "AbortError");
  stop.abort(reason);
  await assert.rejects(pairing, (error) => error === reason);
  assert.equal(transport.closed, true);
  clock.dispose();
});

Deno.test("pairSmartlink() times out on its clock; only smart_config with a MAC counts", async () => {
  const clock = new VirtualClock({ start: "2026-06-01T12:00:00Z" });
  const transport = new MemoryTransport(clock);
  const log = stepLog();
  const pairing = pairSmartlink(KEY, {
    transport,
    to: [{ hostname: "192.0.2.255", port: 49999 }],
    encode: { preambleCount: 20, cycles: 1 },
    timeout: 10_000,
    clock,
    onStep: log.onStep,
  }).catch((error) => error);
  const socket = { hostname: "192.0.2.243", port: 48899 };
  // The JSON form carries no usable MAC, and our own broadcasts come back as 0x05 filler.
  transport.deliver('{"mid":"LPB100","mac":"04010000ACCF","ip":"192.0.2.243"}', socket);
  transport.deliver("smart_config not-a-mac", socket);
  transport.deliver("\x05".repeat(76), transport.local);
  await tick();
  await clock.advance(10_001);
  const error = await pairing;
  assert.ok(error instanceof PairingError, String(error));
  assert.equal(error.code, "TIMEOUT");
  assert.match(error.message, /within 10 s of smartlink \(4 rounds\): check that its LED/);
  assertNoKey(KEY, [error.message]);
  assert.equal(log.steps.filter((s) => s.status === "retry").length, 3, "rounds 2, 3 and 4");
  assert.equal(transport.closed, true);
  clock.dispose();

  // A proper announcement: the address is the sender's, as in the SDK.
  const clock2 = new VirtualClock();
  const transport2 = new MemoryTransport(clock2);
  const found = pairSmartlink(KEY, {
    transport: transport2,
    to: [{ hostname: "192.0.2.255", port: 49999 }],
    clock: clock2,
  });
  transport2.deliver("smart_config ACCF2335E6AC", socket);
  assert.deepEqual(await found, { mac: MAC, ip: "192.0.2.243", rounds: 1 });
  clock2.dispose();
});

Deno.test("pairSmartlink() refuses passwords smartlink cannot carry, sending nothing", async () => {
  for (const password of ["short", "x".repeat(65), "pässwörter", "tab\tinside"]) {
    const clock = new VirtualClock();
    const transport = new MemoryTransport(clock);
    await assert.rejects(pairSmartlink(password, { transport, clock }), (error: unknown) => {
      assert.ok(error instanceof PairingError);
      assert.equal(error.code, "INVALID_KEY");
      assertNoKey(password, [error.message]);
      return true;
    });
    assert.equal(transport.sent.length, 0);
    assert.equal(transport.closed, true, "a transport handed over is closed on every path");
  }
  await assert.rejects(
    pairSmartlink(KEY, { timeout: 0, transport: new MemoryTransport(new VirtualClock()) }),
    RangeError,
  );
});
