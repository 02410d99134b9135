/** desiredState(): what the window rules say a socket should be at an instant. */
import assert from "node:assert/strict";
import { desiredState, plan } from "../../lib/schedule/mod.ts";
import { scheduleOf } from "../helpers/schedule_builders.ts";

const at = (iso: string) => Temporal.ZonedDateTime.from(iso).toInstant();

const schedule = scheduleOf([
  "location: {latitude: 52.52, longitude: 13.405}",
  "sockets:",
  "  heater: {ip: 192.0.2.1}",
  "  tree: {ip: 192.0.2.2}",
  "  kettle: {ip: 192.0.2.3}",
  "  lamp: {ip: 192.0.2.4}",
  "rules:",
  "  - {sockets: heater, on: '22:00', off: '06:00', days: mon-fri}",
  "  - {sockets: tree, on: '16:00', off: '22:00', dates: 12-01..12-26}",
  "  - {sockets: kettle, at: '07:00', action: on}",
  "  - {sockets: lamp, on: sunset-30m, off: '23:30', random: 20m}",
], "Europe/Berlin");

Deno.test("desiredState() is on inside a window, including one across midnight", () => {
  assert.equal(desiredState(schedule, "heater", at("2026-05-05T23:00[Europe/Berlin]")), "on");
  assert.equal(desiredState(schedule, "heater", at("2026-05-06T05:59[Europe/Berlin]")), "on");
  // Friday night's window runs into Saturday morning although Saturday is not in days.
  assert.equal(desiredState(schedule, "heater", at("2026-05-09T03:00[Europe/Berlin]")), "on");
});

Deno.test("desiredState() is off between windows and at the closing instant", () => {
  assert.equal(desiredState(schedule, "heater", at("2026-05-06T06:00[Europe/Berlin]")), "off");
  assert.equal(desiredState(schedule, "heater", at("2026-05-06T12:00[Europe/Berlin]")), "off");
  assert.equal(desiredState(schedule, "heater", at("2026-05-10T12:00[Europe/Berlin]")), "off");
});

Deno.test("desiredState() is null when no window rule speaks", () => {
  assert.equal(desiredState(schedule, "kettle", at("2026-05-05T08:00[Europe/Berlin]")), null);
  // The Christmas window last closed months ago.
  assert.equal(desiredState(schedule, "tree", at("2026-07-01T18:00[Europe/Berlin]")), null);
  assert.equal(desiredState(schedule, "tree", at("2026-12-02T18:00[Europe/Berlin]")), "on");
  assert.equal(desiredState(schedule, "tree", at("2026-12-30T18:00[Europe/Berlin]")), "off");
  assert.equal(
    desiredState(schedule, "tree", at("2027-01-05T18:00[Europe/Berlin]"), { lookbackDays: 3 }),
    null,
  );
});

Deno.test("desiredState() agrees with the plan's window edges, random offsets included", () => {
  const { events } = plan(schedule, { from: "2026-10-20", days: 10 });
  const lamp = events.filter((e) => e.socket === "lamp");
  assert.equal(lamp.length, 20);
  for (const event of lamp) {
    const before = event.at.subtract({ seconds: 1 });
    assert.equal(desiredState(schedule, "lamp", before), event.action === "on" ? "off" : "on");
    assert.equal(desiredState(schedule, "lamp", event.at), event.action);
  }
});

Deno.test("desiredState() rejects unknown sockets and bad options", () => {
  const now = at("2026-05-05T08:00[Europe/Berlin]");
  assert.throws(
    () => desiredState(schedule, "garage", now),
    /unknown socket 'garage'; known: heater/,
  );
  assert.throws(() => desiredState(schedule, "heater", now, { lookbackDays: 0 }), RangeError);
  assert.throws(() => desiredState(schedule, "heater", "now" as never), TypeError);
});
