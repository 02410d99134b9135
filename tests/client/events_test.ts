import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import { S20Client, type S20Event } from "../../mod.ts";
import { startEmulator } from "../../lib/emulator/emulator.ts";
import { startRig } from "../helpers/emulated.ts";

/**
 * Reads events until `count` satisfy `want`, or fails after `ms`. Uses `next()` rather than
 * `for await … break`, which would end the stream for the next read.
 */
async function collect(
  events: AsyncIterableIterator<S20Event>,
  want: (e: S20Event) => boolean,
  count = 1,
  ms = 3000,
): Promise<S20Event[]> {
  const out: S20Event[] = [];
  const deadline = performance.now() + ms;
  while (out.length < count) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = await Promise.race([
      events.next(),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), left))),
    ]);
    clearTimeout(timer);
    if (next === null || next.done) break;
    if (want(next.value)) out.push(next.value);
  }
  assert.equal(out.length, count, `expected ${count} events, got ${out.length}`);
  return out;
}

Deno.test("a button press on the socket arrives as a state event", async () => {
  await using rig = await startRig();
  const [socket] = rig.sockets;
  const events = rig.client.events({ keepAlive: [socket!] });
  assert.equal(await socket!.state(), false);
  rig.emulators[0]!.device.pressButton();
  const [event] = await collect(events, (e) => e.type === "state" && e.on);
  assert.ok(event!.type === "state" && event!.on === true && event!.mac === socket!.mac);
  assert.equal(socket!.lastKnownState, true);
  await events.return?.();
});

/** The types of the events that come within `ms` of each other, until a pause. */
async function drain(events: AsyncIterableIterator<S20Event>, ms = 300): Promise<string[]> {
  const types: string[] = [];
  while (true) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = await Promise.race([
      events.next(),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms))),
    ]);
    clearTimeout(timer);
    if (next === null || next.done) return types;
    types.push(next.value.type);
  }
}

Deno.test("a socket that reboots announces itself with an unset clock: a reboot event", async () => {
  const clock = new VirtualClock({ start: "2026-06-01T12:00:00Z" });
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0, clock });
  // Announcements go to the subnet broadcast; on loopback, point them at the client.
  await using emulator = await startEmulator({
    hostname: "127.0.0.1",
    port: 0,
    replyTo: "source",
    clock,
    announceTo: client.local,
  });
  const events = client.events();
  await client.socket({ mac: emulator.mac, ip: "127.0.0.1", port: emulator.address.port }).on();
  emulator.device.reboot();
  await clock.advance(4000, 5);
  const [announce, reboot] = await collect(
    events,
    (e) => e.type === "announce" || e.type === "reboot",
    2,
  );
  assert.ok(announce!.type === "announce" && announce!.clock === null && announce!.on === false);
  assert.ok(reboot!.type === "reboot" && /unset clock/.test(reboot!.reason));
  // The rest of the burst (21 announcements, 3.17 s apart, over 63 s) are copies: no event.
  await clock.advance(70_000, 5);
  assert.deepEqual((await drain(events)).filter((t) => t === "announce" || t === "reboot"), []);
  clock.dispose();
  await events.return?.();
});

Deno.test("keep-alives report a socket going offline and coming back", async () => {
  const clock = new VirtualClock({ start: "2026-06-01T12:00:00Z" });
  await using rig = await startRig({ clock, timeout: 300, keepAliveMs: 30_000 });
  const [socket] = rig.sockets;
  const events = rig.client.events({ keepAlive: [socket!] });
  await socket!.state();
  const device = rig.emulators[0]!.device;
  device.powerCut({ offMs: Infinity });
  await clock.advance(30_000, 0);
  const [offline] = await collect(
    events,
    (e) => e.type === "offline" || e.type === "online",
    1,
    2000,
  );
  assert.equal(offline!.type, "offline");
  device.powerOn();
  await clock.advance(30_000, 0);
  const [online] = await collect(
    events,
    (e) => e.type === "offline" || e.type === "online",
    1,
    2000,
  );
  assert.equal(online!.type, "online");
  await events.return?.();
  clock.dispose();
});
