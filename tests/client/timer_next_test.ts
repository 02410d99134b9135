import assert from "node:assert/strict";
import { nextTimerFire } from "../../lib/client/timer_next.ts";
import type { TimerRecord } from "../../lib/protocol/records.ts";
import { WEEKDAY_BITS } from "../../lib/protocol/records.ts";

const BASE: TimerRecord = {
  id: 1,
  on: true,
  year: 2026,
  month: 12,
  day: 1,
  hour: 7,
  minute: 30,
  second: 0,
  weekly: true,
  days: WEEKDAY_BITS.mon,
  label: new Uint8Array(16),
};
const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();

Deno.test("nextTimerFire() finds the next day of a weekly record, in the socket's offset", () => {
  const monday0730 = Date.parse("2026-12-07T07:30:00+05:30");
  // Just before: today; at the instant itself or after: a week later.
  assert.equal(iso(nextTimerFire(BASE, monday0730 - 1000, 330)), "2026-12-07T02:00:00.000Z");
  assert.equal(iso(nextTimerFire(BASE, monday0730, 330)), "2026-12-14T02:00:00.000Z");
  assert.equal(nextTimerFire({ ...BASE, days: 0 }, monday0730, 330), null);
});

Deno.test("nextTimerFire() gives a one-shot record's instant, or null once it is past", () => {
  const once = { ...BASE, weekly: false, days: 0, year: 2026, month: 12, day: 31 };
  assert.equal(
    iso(nextTimerFire(once, Date.parse("2026-12-05T00:00:00Z"), -300)),
    "2026-12-31T12:30:00.000Z",
  );
  assert.equal(nextTimerFire(once, Date.parse("2027-01-01T00:00:00Z"), -300), null);
  assert.equal(nextTimerFire({ ...once, month: 2, day: 30 }, 0, 0), null);
});
