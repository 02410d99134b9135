import assert from "node:assert/strict";
import type { S20Event } from "../../mod.ts";
import { RepeatFilter } from "../../lib/client/event_repeats.ts";
import type { Mac } from "../../lib/protocol/mac.ts";

const MAC = "ac:cf:23:00:c1:01" as Mac;
const T0 = Date.parse("2026-06-01T12:00:00Z");
const at = (ms: number) => new Date(T0 + ms);

/** The events the filter lets through, as `type:detail` words. */
function news(events: S20Event[]): string[] {
  const filter = new RepeatFilter();
  return events.filter((e) => !filter.isRepeat(e)).map((e) =>
    `${e.type}${"on" in e ? `:${e.on}` : ""}@${e.at.getTime() - T0}`
  );
}

Deno.test("a burst of 21 identical announcements 3.17 s apart is one event, even with one lost", () => {
  const burst = Array.from({ length: 21 }, (_, i) => i).filter((i) => i !== 7).map((i) => ({
    type: "announce" as const,
    mac: MAC,
    ip: "192.0.2.30",
    on: false,
    clock: at(i * 3170 - 5000),
    at: at(i * 3170),
  }));
  // The next burst, ten minutes on, is news again; so is one that says something new.
  const later = { ...burst[0]!, at: at(600_000) };
  const changed = { ...burst[0]!, on: true, at: at(603_170) };
  assert.deepEqual(news([...burst, later, changed]), [
    "announce:false@0",
    "announce:false@600000",
    "announce:true@603170",
  ]);
});

Deno.test("copies of pushes go; changes, and events that take turns, stay", () => {
  const state = (on: boolean, ms: number) => ({ type: "state" as const, mac: MAC, on, at: at(ms) });
  const offline = (ms: number) => ({
    type: "offline" as const,
    mac: MAC,
    reason: "no answer",
    at: at(ms),
  });
  const online = (ms: number) => ({ type: "online" as const, mac: MAC, at: at(ms) });
  assert.deepEqual(
    news([
      state(true, 0),
      state(true, 50),
      state(false, 1000),
      state(true, 2000),
      offline(3000),
      online(4000),
      offline(5000),
    ]),
    [
      "state:true@0",
      "state:false@1000",
      "state:true@2000",
      "offline@3000",
      "online@4000",
      "offline@5000",
    ],
  );
  // Another socket's identical event is its own news.
  const filter = new RepeatFilter();
  assert.equal(filter.isRepeat(state(true, 0)), false);
  assert.equal(filter.isRepeat({ ...state(true, 10), mac: "ac:cf:23:00:c1:02" as Mac }), false);
});

Deno.test("one restart noticed twice (announcement, then a forgotten subscription) is one reboot", () => {
  const reboot = (reason: string, ms: number) => ({
    type: "reboot" as const,
    mac: MAC,
    reason,
    at: at(ms),
  });
  assert.deepEqual(
    news([
      reboot("it announced itself with an unset clock", 0),
      reboot("the socket forgot our subscription", 30_000),
      reboot("it announced itself with an unset clock", 300_000),
    ]),
    ["reboot@0", "reboot@300000"],
  );
});
